"""Bulk upload of KPI values (kpis.views.kpi_upload, kpis/uploads.py): templates pre-filled with the plan's
KPIs, a preview of every change and every row-level error before anything is written, confirmation in one
transaction, and refusal of tampered payloads, wrong files and spreadsheet formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.models import Benchmark, Kpi
from kpis.uploads import COLUMNS
from plans.models import ClosedPeriod
from tests.test_entry import (  # noqa: F401
    COUNT,
    HOMES,
    LOWER,
    PCT,
    entries,
    fast_passwords,
    fill,
    kpi_of,
    loaded_plans,
    open_form,
    page_form,
    plans,
    update_url,
    users,
)


def upload_url(plan, **query) -> str:
    params = "&".join(f"{k}={v}" for k, v in {"plan": plan.slug, **query}.items())
    return f"{reverse('kpi_upload', args=[plan.department.slug])}?{params}"


def template(client, plan, fmt: str) -> list[list[str]]:
    response = client.get(upload_url(plan, template=fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{plan.slug}-kpi-values.{fmt}"'
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv"
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "KPI values"
    return [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]


def csv_file(rows: list[list[str]], name: str = "values.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def filled(rows: list[list[str]], changes: dict[str, dict[str, str]]) -> list[list[str]]:
    """The template with cells filled in: {KPI key: {column name: text}}."""
    out = [list(r) for r in rows]
    for row in out[1:]:
        for column, text in changes.get(row[0], {}).items():
            row[COLUMNS.index(column)] = text
    return out


def post_file(client, plan, upload):
    return client.post(upload_url(plan), {"plan": plan.slug, "file": upload})


def table_rows(html: str, heading: str) -> list[list[str]]:
    """The body rows of the table following `heading` (or captioned with it), as cell texts."""
    start = html.index(heading)
    table = html[start : html.index("</table>", start)]
    body = table[table.index("<tbody") :]
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)
        ]
        for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def lead(client, users):
    client.force_login(users.lead)
    return client


# -- templates ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_lists_every_kpi_of_the_plan(lead, plans, fmt):
    rows = template(lead, plans.cs, fmt)
    kpis = list(Kpi.objects.filter(plan=plans.cs).order_by("order"))
    assert rows[0] == COLUMNS
    # The last column, Period, is blank: a whole year.
    assert rows[1:] == [
        [k.key, k.description, "2025-26", "", "", "", "", "", "National average", "0", ""] for k in kpis
    ]
    assert len(rows) == 18


def test_the_template_carries_the_version_each_kpi_was_at(lead, plans):
    lead.post(update_url(plans.cs), fill(open_form(lead, plans.cs), plans.cs, PCT, value="85"))
    (entry,) = entries()
    rows = {r[0]: r for r in template(lead, plans.cs, "csv")[1:]}
    version = COLUMNS.index("Version")  # the Period column follows it
    assert rows[PCT][version] == str(entry.pk) and rows[HOMES][version] == "0"


def test_a_template_for_another_plan_of_the_department(lead, plans):
    rows = template(lead, plans.older, "csv")
    assert {r[2] for r in rows[1:]} == {"2022-23"}
    assert len(rows) - 1 == plans.older.kpis.count()
    # Each row names the benchmark its targets are judged against.
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["assessments-within-45-days"][8] == "Upper-middle quartile boundary"
    assert by_key["icpc-within-15-days"][8] == "National average"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_in_the_template_are_neutralised(lead, plans, fmt):
    """A measure's text that a spreadsheet would run ('=cmd|...') is written as text with an apostrophe."""
    Kpi.objects.filter(plan=plans.cs, key=PCT).update(description="=cmd|' /C calc'!A0")
    Kpi.objects.filter(plan=plans.cs, key=HOMES).update(description="@SUM(1+1)*cmd|' /C calc'!A0")
    rows = {r[0]: r for r in template(lead, plans.cs, fmt)[1:]}
    assert rows[PCT][1] == "'=cmd|' /C calc'!A0"
    assert rows[HOMES][1] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(lead.get(upload_url(plans.cs, template="xlsx")).content)).active
        assert {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None} == {"s"}  # no formula


# -- preview ------------------------------------------------------------------------------------------------------


def test_a_filled_file_is_previewed_before_anything_is_written(lead, plans):
    rows = template(lead, plans.cs, "csv")
    order = {r[0]: i + 2 for i, r in enumerate(rows[1:])}  # row numbers as a spreadsheet shows them
    rows = filled(
        rows,
        {
            PCT: {
                "Latest value": "85%",
                "As at (YYYY-MM)": "2025-09",
                "Provisional (Y/N)": "Y",
                "Benchmark": "70",
                "Commentary": "Quarter 2",
            },
            COUNT: {"Latest value": "300", "Commentary": "Recruitment campaign"},
        },
    )
    response = post_file(lead, plans.cs, csv_file(rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert entries() == [] and not Benchmark.objects.exists()  # nothing written yet
    assert table_rows(html, "2 changes will be saved") == [
        [
            str(order[PCT]),
            kpi_of(plans.cs, PCT).description,
            "2025-26",
            "(nothing)",
            "85% (provisional)",
            "70 (national average)",
            "Quarter 2",
        ],
        [
            str(order[COUNT]),
            kpi_of(plans.cs, COUNT).description,
            "2025-26",
            "(nothing)",
            "300",
            "",
            "Recruitment campaign",
        ],
    ]
    confirm = page_form(html, "Save all 2 changes")
    assert set(confirm) == {"csrfmiddlewaretoken", "plan", "payload"}

    response = lead.post(upload_url(plans.cs), {**confirm, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == update_url(plans.cs)
    saved = {e.kpi.key: e for e in entries()}
    assert {k: (e.year, e.printed, e.value, e.as_at, e.provisional, e.commentary) for k, e in saved.items()} == {
        PCT: (2025, "85%", Decimal("85"), dt.date(2025, 9, 1), True, "Quarter 2"),
        COUNT: (2025, "300", Decimal("300"), None, False, "Recruitment campaign"),
    }
    assert [(b.kpi.key, b.value) for b in Benchmark.objects.all()] == [(PCT, Decimal("70"))]
    assert "3 values saved from the upload." in lead.get(update_url(plans.cs)).content.decode()


def test_the_preview_shows_what_each_value_replaces(lead, plans):
    lead.post(update_url(plans.cs), fill(open_form(lead, plans.cs), plans.cs, PCT, value="85"))
    rows = filled(template(lead, plans.cs, "csv"), {PCT: {"Latest value": "86"}})
    rows_older = filled(
        template(lead, plans.older, "csv"), {"icpc-within-15-days": {"Latest value": "92", "Financial year": "2021-22"}}
    )
    html = post_file(lead, plans.cs, csv_file(rows)).content.decode()
    assert table_rows(html, "1 change will be saved")[0][3] == "85 (entered by lena)"
    html = post_file(lead, plans.older, csv_file(rows_older)).content.decode()
    assert table_rows(html, "1 change will be saved")[0][3] == "89.1% (Dec 21) (as printed in the plan)"


def test_every_row_level_error_is_listed_and_nothing_is_written(lead, plans):
    rows = template(lead, plans.cs, "csv")
    order = {r[0]: i + 2 for i, r in enumerate(rows[1:])}  # row numbers as a spreadsheet shows them
    rows = filled(
        rows,
        {
            PCT: {"Latest value": "lots"},
            HOMES: {"Latest value": "101"},
            COUNT: {"Latest value": "-3"},
            LOWER: {"Latest value": "500", "As at (YYYY-MM)": "2027-01"},
            "rpr-foster-carers": {"Latest value": "60"},  # off track against 80%, no commentary
            "dcc-fostering-places": {"Latest value": "400", "Financial year": "2024-25"},
            "children-returning-home": {"Latest value": "70", "Financial year": "next year"},
            "children-leaving-care-sgo": {"Latest value": "70", "Provisional (Y/N)": "maybe"},
            "residential-utilisation": {"Latest value": "70", "Version": "abc"},
        },
    )
    rows.append(["no-such-kpi", "", "2025-26", "5", "", "", "", "", "", "0"])
    rows.append([LOWER, "", "2025/26", "510", "", "", "", "", "", "0"])  # the same measure and year again
    rows.append([HOMES, "", "2025-26", "", "", "", "", "", "", "0"])  # blank: ignored
    response = post_file(lead, plans.cs, csv_file(rows))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in html and "There is a problem: nothing was saved" in html
    assert '<a href="#row-errors">11 rows need correcting: see the list of errors</a>' in html
    assert sorted(table_rows(html, 'id="row-errors"'), key=lambda r: int(r[0])) == sorted(
        [
            [str(order[PCT]), "Latest value", "Enter a number, like 12.5, not “lots”"],
            [str(order[HOMES]), "Latest value", "A percentage must be between 0 and 100"],
            [str(order[COUNT]), "Latest value", "A count cannot be below zero"],
            [
                str(order[LOWER]),
                "As at (YYYY-MM)",
                "The as-at month must be within 2025-26 (April 2025 to March 2026), not January 2027",
            ],
            [str(order["rpr-foster-carers"]), "Commentary", "Explain the value: it is off track against its target"],
            [
                str(order["dcc-fostering-places"]),
                "Financial year",
                "That year is outside the years this plan covers (2025-26 to 2028-29)",
            ],
            [str(order["children-returning-home"]), "Financial year", "Enter the financial year like 2025-26"],
            [str(order["children-leaving-care-sgo"]), "Provisional (Y/N)", "Enter Y or N"],
            [str(order["residential-utilisation"]), "Version", "Leave the version as it was in the template"],
            ["19", "KPI key", "“no-such-kpi” is not a measure of Children&#x27;s Services Implementation Plan 2025-29"],
            ["20", "KPI key", f"the same measure and year is also on row {order[LOWER]}"],
        ],
        key=lambda r: int(r[0]),
    )
    assert "Save all" not in html  # no confirmation offered
    assert entries() == [] and not Benchmark.objects.exists()


def test_a_closed_year_is_refused_in_an_upload(lead, plans, users):
    ClosedPeriod.objects.create(department=plans.cs.department, year=2025, closed_by=users.admin)
    rows = filled(template(lead, plans.cs, "csv"), {PCT: {"Latest value": "85"}})
    response = post_file(lead, plans.cs, csv_file(rows))
    assert response.status_code == 400
    assert "2025-26 is closed for Children&#x27;s Services" in response.content.decode()


def test_an_excel_file_is_read_as_typed(lead, plans):
    """Excel turns a typed '85%' into 0.85 formatted as a percentage, and '2025-09' into a date: both are
    read back as the lead typed them."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(lead.get(upload_url(plans.cs, template="xlsx")).content))
    sheet = book.active
    keys = [c.value for c in sheet["A"]]
    row = keys.index(PCT) + 1
    sheet.cell(row, 4, 0.85).number_format = "0%"
    sheet.cell(row, 5, dt.datetime(2025, 9, 1)).number_format = "mmm-yy"
    sheet.cell(row, 7, "Quarter 2")
    sheet.cell(keys.index(COUNT) + 1, 4, 300)
    sheet.cell(keys.index(HOMES) + 1, 4, 99.5)
    sheet.cell(keys.index(HOMES) + 1, 7, "One home re-graded")
    sheet.cell(keys.index(HOMES) + 1, 10, 0)  # Excel stores the version as a number
    out = io.BytesIO()
    book.save(out)
    response = post_file(lead, plans.cs, SimpleUploadedFile("values.xlsx", out.getvalue()))
    html = response.content.decode()
    assert response.status_code == 200, html
    confirm = page_form(html, "Save all 3 changes")
    assert lead.post(upload_url(plans.cs), {**confirm, "confirm": "1"}).status_code == 302
    assert {e.kpi.key: (e.printed, e.value, e.as_at) for e in entries()} == {
        PCT: ("85%", Decimal("85"), dt.date(2025, 9, 1)),
        COUNT: ("300", Decimal("300"), None),
        HOMES: ("99.5", Decimal("99.5"), None),
    }


def test_a_file_with_nothing_filled_in_has_nothing_to_save(lead, plans):
    response = post_file(lead, plans.cs, csv_file(template(lead, plans.cs, "csv")))
    assert response.status_code == 200
    assert "The file has no values to save." in response.content.decode()


# -- confirmation -------------------------------------------------------------------------------------------------


def preview_payload(client, plan, changes) -> dict:
    rows = filled(template(client, plan, "csv"), changes)
    html = post_file(client, plan, csv_file(rows)).content.decode()
    return {**page_form(html, "Save all"), "confirm": "1"}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p[:-3] + ("abc" if not p.endswith("abc") else "xyz"),  # the signature changed
        lambda p: p.replace(":", ";", 1),  # the structure changed
        lambda p: "",  # no payload
    ],
)
def test_a_tampered_payload_is_refused(lead, plans, tamper):
    confirm = preview_payload(lead, plans.cs, {PCT: {"Latest value": "85"}})
    confirm["payload"] = tamper(confirm["payload"])
    response = lead.post(upload_url(plans.cs), confirm)
    html = response.content.decode()
    assert response.status_code == 400
    assert "The upload could not be confirmed (it was changed or is over an hour old). Upload the file again" in html
    assert entries() == []


def test_a_payload_made_up_in_the_browser_is_refused(lead, plans):
    """Rows the browser wrote itself (signed with nothing, or unsigned) cannot be confirmed."""
    from django.core import signing

    forged = signing.dumps({"plan": plans.cs.slug, "rows": []}, salt="another-salt", compress=True)
    response = lead.post(upload_url(plans.cs), {"plan": plans.cs.slug, "payload": forged, "confirm": "1"})
    assert response.status_code == 400 and entries() == []


def test_a_payload_for_another_plan_is_refused(lead, plans):
    confirm = preview_payload(
        lead, plans.older, {"icpc-within-15-days": {"Latest value": "92", "Financial year": "2021-22"}}
    )
    confirm["plan"] = plans.cs.slug
    response = lead.post(upload_url(plans.cs), confirm)
    assert response.status_code == 400
    assert "The upload was for another plan. Upload the file again" in response.content.decode()
    assert entries() == []


def test_an_old_payload_is_refused(lead, plans, monkeypatch, settings):
    confirm = preview_payload(lead, plans.cs, {PCT: {"Latest value": "85"}})
    import datetime
    import time

    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(hours=2)  # an hour idle would sign the lead out first

    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    response = lead.post(upload_url(plans.cs), confirm)
    assert response.status_code == 400 and entries() == []


def test_a_value_entered_after_the_preview_refuses_the_confirmation(lead, plans, users):
    confirm = preview_payload(lead, plans.cs, {PCT: {"Latest value": "85"}, HOMES: {"Latest value": "100"}})
    from django.test import Client

    other = Client()
    other.force_login(users.admin)
    other.post(update_url(plans.cs), fill(open_form(other, plans.cs), plans.cs, PCT, value="90"))
    response = lead.post(upload_url(plans.cs), confirm)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ada Admin saved 90 for 2025-26 on" in html
    assert [e.printed for e in entries()] == ["90"]  # theirs only: none of the upload


def test_confirming_writes_everything_in_one_transaction(lead, plans, monkeypatch):
    confirm = preview_payload(
        lead, plans.cs, {PCT: {"Latest value": "85", "Benchmark": "70"}, HOMES: {"Latest value": "100"}}
    )

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away half way")

    monkeypatch.setattr(Benchmark.objects, "bulk_create", fail)  # after the values are written
    with pytest.raises(RuntimeError):
        lead.post(upload_url(plans.cs), confirm)
    assert entries() == [] and not Benchmark.objects.exists()


# -- files that are not the template ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("values.txt", b"KPI key,Measure"), "Upload the template as a .csv or .xlsx file"),
        (SimpleUploadedFile("values.pdf", b"%PDF-1.4"), "Upload the template as a .csv or .xlsx file"),
        (
            SimpleUploadedFile("values.csv", b"x" * (2 * 1024 * 1024 + 1)),
            "The file is 2048 KB; the largest accepted is 2048 KB",
        ),
        (
            SimpleUploadedFile("values.csv", b"Name,Value\nA,1\n"),
            "The first row must be the template&#x27;s column names: " + ", ".join(COLUMNS),
        ),
        (SimpleUploadedFile("values.csv", b""), "The first row must be the template&#x27;s column names"),
        (
            SimpleUploadedFile("values.csv", "KPI key,Measure\n".encode("utf-16")),
            "The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again",
        ),
        (
            SimpleUploadedFile("values.csv", (",".join(COLUMNS) + "\n" + "a" * 200_000).encode()),
            "The CSV file cannot be read as the template: a cell is too long or badly quoted",
        ),
        (
            SimpleUploadedFile("values.xlsx", b"PK\x03\x04 not really a workbook"),
            "The file is not an Excel workbook (.xlsx) that can be opened",
        ),
        (
            SimpleUploadedFile("values.xlsx", (",".join(COLUMNS) + "\n").encode()),
            "The file is not an Excel workbook (.xlsx) that can be opened",
        ),
    ],
)
def test_a_file_that_is_not_the_template_is_refused(lead, plans, upload, message):
    response = post_file(lead, plans.cs, upload)
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<p class="govuk-error-message" id="file-error"><span class="govuk-visually-hidden">Error:</span> {message}'
        in html
    )
    assert f'<li><a href="#file">{message}' in html
    assert 'aria-describedby="file-error"' in html
    assert entries() == []


def test_posting_without_a_file_asks_for_one(lead, plans):
    response = lead.post(upload_url(plans.cs), {"plan": plans.cs.slug})
    assert response.status_code == 400
    assert "Choose a file to upload" in response.content.decode()


def test_too_many_rows_are_refused(lead, plans):
    rows = [COLUMNS] + [[PCT, "", "2025-26", "", "", "", "", "", "", "0"]] * 5001
    response = post_file(lead, plans.cs, csv_file(rows))
    assert response.status_code == 400
    assert "The file has 5001 rows; the most accepted is 5000" in response.content.decode()


def test_the_upload_page(lead, plans):
    response = lead.get(upload_url(plans.cs))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="?plan={plans.cs.slug}&amp;template=csv"' in html
    assert f'href="?plan={plans.cs.slug}&amp;template=xlsx"' in html
    assert '<input class="govuk-file-upload" id="file" name="file" type="file" accept=".csv,.xlsx">' in html
