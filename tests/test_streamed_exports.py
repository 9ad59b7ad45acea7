"""Downloads stream: a CSV is yielded line by line and a queryset-backed table is read in chunks, so a
council-wide download never holds the whole table in memory. The rows are still exactly those shown."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from plans import tables
from procurement.models import ProcurementEntry

pytestmark = pytest.mark.django_db


def csv_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8"))))


def test_it_streams_a_csv_of_every_row_read_in_chunks(client, all_plans, monkeypatch):
    whole = client.get(reverse("procurement_pipeline"), {"_export": "csv"})
    assert whole.streaming and whole["Content-Disposition"] == 'attachment; filename="procurement-pipeline.csv"'
    expected = csv_of(whole)
    assert len(expected) == ProcurementEntry.objects.count() + 1  # the header, then every entry

    monkeypatch.setattr(tables, "CHUNK", 7)  # many round trips: same rows, same order
    assert csv_of(client.get(reverse("procurement_pipeline"), {"_export": "csv"})) == expected


def test_the_excel_download_has_the_same_rows_as_the_csv(client, all_plans):
    params = {"department": "childrens-services", "sort": "-value"}
    rows = csv_of(client.get(reverse("procurement_pipeline"), {**params, "_export": "csv"}))
    response = client.get(reverse("procurement_pipeline"), {**params, "_export": "xlsx"})
    assert response["Content-Type"] == tables.CONTENT_TYPES["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    got = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert [row[:2] for row in got] == [row[:2] for row in rows] and len(got) > 10


def test_formulas_are_neutralised_but_numbers_are_not():
    assert tables.neutralise("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert tables.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert tables.neutralise("-1,250.5") == "-1,250.5"
    assert tables.neutralise(-3) == -3
