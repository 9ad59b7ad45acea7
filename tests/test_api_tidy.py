"""The tidy download of every KPI figure (one row per KPI, financial year and kind) as CSV and Excel, linked from
the KPI list."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from api.tidy import HEADER
from kpis.models import Kpi

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_it_gives_one_row_per_kpi_year_and_kind_with_status_and_source(client, all_plans):
    response = client.get("/api/v1/kpi-figures.csv", {"plan": "cs-2022-23"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="kpi-figures-derbyshire.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    savings = [r for r in rows if r["kpi"] == "budget-savings-achieved"]
    # Line 293: "Achievement of annual budget savings (%)	72.1	38.2	66.9	100	100	100"
    assert [(r["year_label"], r["kind"], r["printed"]) for r in savings] == [
        ("2019-20", "actual", "72.1"),
        ("2020-21", "actual", "38.2"),
        ("2021-22", "latest", "66.9"),
        ("2021-22", "target", "100"),
        ("2022-23", "target", "100"),
        ("2023-24", "target", "100"),
    ]
    assert {(r["kpi_status_label"], r["travel"], r["source_document"], r["source_line_from"]) for r in savings} == {
        ("Off track", "Improving", "000_1696c8c63c149500.txt", "293")
    }
    keys = {(r["kpi"], r["year"], r["kind"]) for r in rows}
    assert len(keys) == len(rows)  # one row per KPI x year x kind
    assert {r["kpi"] for r in rows} == set(Kpi.objects.filter(plan__slug="cs-2022-23").values_list("key", flat=True))


def test_an_entered_figure_sits_beside_the_printed_one(client, all_plans, django_user_model):
    from kpis.models import KpiValue

    kpi = Kpi.objects.get(plan__slug="cs-2022-23", key="sickness-absence")
    user = django_user_model.objects.create_user("lead", password="a-long-test-password")
    printed = kpi.values.get(kind="latest", year=2021)
    KpiValue.objects.create(
        kpi=kpi,
        year=2021,
        kind="latest",
        printed="4.4",
        value="4.4",
        order=printed.order,
        source="entry",
        entered_by=user,
        entered_at="2022-03-01T10:00:00Z",
        commentary="Quarter 4",
    )

    def latest() -> list[dict]:
        rows = csv_rows(client.get("/api/v1/kpi-figures.csv", {"plan": "cs-2022-23"}))
        return [r for r in rows if r["kpi"] == kpi.key and r["kind"] == "latest"]

    # Awaiting approval, the entry is in no download (issue 16's sign-off); approved, it sits beside the printed one.
    assert [(r["printed"], r["entered_value"]) for r in latest()] == [("5.0", "")]
    KpiValue.objects.filter(source="entry", kpi=kpi).update(approval=KpiValue.Approval.APPROVED)
    assert [(r["printed"], r["entered_value"]) for r in latest()] == [("5.0", "4.4")]


def test_the_excel_file_has_the_same_rows(client, all_plans):
    csv_response = client.get("/api/v1/kpi-figures.csv", {"department": "childrens-services"})
    response = client.get("/api/v1/kpi-figures.xlsx", {"department": "childrens-services"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = [[("" if v is None else str(v)) for v in row] for row in book["KPI figures"].iter_rows(values_only=True)]
    assert sheet[0] == HEADER
    assert len(sheet) - 1 == len(csv_rows(csv_response))


def test_the_kpi_list_links_the_download_with_its_filters(client, all_plans):
    page = client.get("/kpis/", {"department": "childrens-services"}).content.decode()
    assert 'href="/api/v1/kpi-figures.csv?department=childrens-services">all figures (CSV)</a>' in page
    assert 'href="/api/v1/kpi-figures.xlsx?department=childrens-services">all figures (Excel)</a>' in page


def test_quarterly_figures_have_a_row_each_with_their_period(client, all_plans, django_user_model):
    from kpis.models import KpiValue

    kpi = Kpi.objects.get(plan__slug="cs-2022-23", key="sickness-absence")
    user = django_user_model.objects.create_user("lead.q", password="a-long-test-password")
    for order, (period, figure) in enumerate([("Q2", "4.1"), ("Q1", "4.3")]):
        KpiValue.objects.create(
            kpi=kpi,
            year=2026,
            period=period,
            kind="latest",
            printed=figure,
            value=figure,
            order=900 + order,
            source="entry",
            entered_by=user,
            entered_at="2026-11-01T10:00:00Z",
            approval=KpiValue.Approval.APPROVED,
        )
    rows = [r for r in csv_rows(client.get("/api/v1/kpi-figures.csv", {"plan": "cs-2022-23"})) if r["kpi"] == kpi.key]
    assert [(r["year"], r["period"], r["year_label"], r["entered_value"]) for r in rows if r["year"] == "2026"] == [
        ("2026", "Q1", "Q1 2026-27", "4.3"),
        ("2026", "Q2", "Q2 2026-27", "4.1"),
    ]
    api = client.get("/api/v1/kpis", {"plan": "cs-2022-23", "limit": 100}).json()
    figures = next(k for k in api["items"] if k["key"] == kpi.key)["figures"]
    assert [(f["period"], f["year_label"], f["printed"]) for f in figures if f["year"] == 2026] == [
        ("Q2", "Q2 2026-27", "4.1"),
        ("Q1", "Q1 2026-27", "4.3"),
    ]
