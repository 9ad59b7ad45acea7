"""Bulk-loading history (issue 16 item 8): the upload's Period column loads several past quarters or months of a
measure at once, with the same preview and all-or-nothing saving; a period that does not fit the measure or the
row's year is refused with its row and column; files made before the Period column are still read."""

from __future__ import annotations

import pytest

from kpis.models import Kpi, KpiValue
from kpis.uploads import COLUMNS, REQUIRED
from tests.test_entry import (  # noqa: F401
    PCT,
    fast_passwords,
    kpi_of,
    loaded_plans,
    plans,
    users,
)
from tests.test_upload import csv_file, lead, post_file, table_rows, template  # noqa: F401


def row(key: str, year: str, value: str, period: str = "", version: str = "0") -> list[str]:
    cells = {"KPI key": key, "Financial year": year, "Latest value": value, "Commentary": "history"}
    return [cells.get(c, "") for c in COLUMNS[:-2]] + [version, period]


@pytest.fixture
def quarterly(plans):
    Kpi.objects.filter(plan=plans.cs, key=PCT).update(frequency="quarterly")
    return kpi_of(plans.cs, PCT)


def test_several_past_quarters_load_at_once_after_a_preview(lead, plans, quarterly):
    rows = [COLUMNS] + [
        row(PCT, "2025-26", "74", "Q1"),
        row(PCT, "2025-26", "76", "Q2 2025-26"),
        row(PCT, "2025-26", "78", "q3 2025/26"),
        row(PCT, "2025-26", "79", "Q4"),
    ]
    preview = post_file(lead, plans.cs, csv_file(rows))
    html = preview.content.decode()
    assert preview.status_code == 200, table_rows(html, "Errors by row and column")
    assert [r[2:5] for r in table_rows(html, "4 changes will be saved")] == [
        ["Q1 2025-26", "(nothing)", "74"],
        ["Q2 2025-26", "(nothing)", "76"],
        ["Q3 2025-26", "(nothing)", "78"],
        ["Q4 2025-26", "(nothing)", "79"],
    ]
    assert not KpiValue.objects.filter(source="entry").exists()
    payload = html.split('name="payload" value="')[1].split('"')[0]
    assert (
        lead.post(post_file_url(plans), {"plan": plans.cs.slug, "confirm": "1", "payload": payload}).status_code == 302
    )
    stored = KpiValue.objects.filter(kpi=quarterly, source="entry").order_by("period")
    assert [(v.period_label, v.printed) for v in stored] == [
        ("Q1 2025-26", "74"),
        ("Q2 2025-26", "76"),
        ("Q3 2025-26", "78"),
        ("Q4 2025-26", "79"),
    ]


def post_file_url(plans) -> str:
    from tests.test_upload import upload_url

    return upload_url(plans.cs)


def test_a_period_that_does_not_fit_is_refused_by_row_and_nothing_is_saved(lead, plans, quarterly):
    rows = [COLUMNS] + [
        row(PCT, "2025-26", "74", "Q1"),
        row(PCT, "2025-26", "75", "Q1 2026-27"),
        row(PCT, "2025-26", "76", "2025-09"),
        row(PCT, "2025-26", "77", "Q5"),
        row(PCT, "2025-26", "78", "Q1"),
        row("rpr-foster-carers", "2025-26", "80", "Q1"),
    ]
    response = post_file(lead, plans.cs, csv_file(rows))
    assert response.status_code == 400
    errors = table_rows(response.content.decode(), "Errors by row and column")
    assert errors == [
        ["3", "Period", "Q1 2026-27 is not in the financial year 2025-26"],
        ["4", "Period", "September 2025 is not a quarterly period, as this measure is"],
        [
            "5",
            "Period",
            "“Q5” is not a period: write a financial year (2026-27), a quarter (Q2 2026-27) or a month "
            "(2026-09 or September 2026)",
        ],
        ["6", "KPI key", "the same measure and period is also on row 2"],
        ["7", "Period", "This measure is reported annually: leave the period blank"],
    ]
    assert not KpiValue.objects.filter(source="entry").exists()


def test_a_file_made_before_the_period_column_is_still_read(lead, plans):
    rows = [REQUIRED] + [[c for c in row(PCT, "2025-26", "81")[:-1]]]
    response = post_file(lead, plans.cs, csv_file(rows))
    assert response.status_code == 200
    assert [r[2:5] for r in table_rows(response.content.decode(), "1 change will be saved")] == [
        ["2025-26", "(nothing)", "81"]
    ]
