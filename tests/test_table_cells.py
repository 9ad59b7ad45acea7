"""plans.table_cells draws a table's cells with the per-column work done once per table: every cell of every
table on the pages and in the downloads must be exactly what django-tables2's own BoundRow draws."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tables2.rows import BoundRow

from plans import table_cells as cells_module
from plans import tables as tables_module
from plans.models import Plan
from plans.templatetags import plan_extras

pytestmark = pytest.mark.django_db


@pytest.fixture
def compared(monkeypatch):
    """Every call of table_cells made while drawing pages, checked cell by cell against BoundRow."""
    seen = {"cells": 0, "fast": 0}
    draw = cells_module.table_cells

    def checked(table, rows, *, columns=None, download=False):
        rows = list(rows)
        names = [column.name for column in (columns or list(table.columns))]
        for item, cells in zip(rows, draw(table, rows, columns=columns, download=download), strict=True):
            record = item.record if isinstance(item, BoundRow) else item
            row = BoundRow(record, table=table)
            expected = [row.get_cell_value(n) if download else row.get_cell(n) for n in names]
            assert cells == expected, (type(table).__name__, record)
            seen["cells"] += len(cells)
            yield cells

    original = cells_module._Column.cell

    def counted(self, record, row):
        seen["fast"] += self.plain and not self._has_choices(self.holder(record))
        return original(self, record, row)

    monkeypatch.setattr(plan_extras, "table_cells", checked)
    monkeypatch.setattr(tables_module, "table_cells", checked)
    monkeypatch.setattr(cells_module._Column, "cell", counted)
    return seen


def test_every_cell_of_the_pages_and_downloads_is_what_django_tables2_draws(client, all_plans, compared):
    urls = [
        reverse("kpi_list"),
        reverse("kpi_list") + "?_export=csv",
        reverse("kpi_list") + "?_export=xlsx",
        reverse("deliverable_list"),
        reverse("deliverable_list") + "?_export=xlsx",
        reverse("risk_list"),
        reverse("risk_list") + "?_export=csv",
        "/procurement/",
        "/procurement/?_export=csv",
        "/search/?q=foster",
    ]
    for plan in Plan.objects.order_by("slug"):
        urls += [
            reverse("plan", args=[plan.slug]),
            reverse("plan", args=[plan.slug]) + "?_export=csv&_table=kpis",
            reverse("plan_summary", args=[plan.slug]),
            reverse("department", args=[plan.department.slug]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    assert compared["cells"] > 20_000
    # Most cells take the fast path (the rest, such as choices fields, keep django-tables2's).
    assert compared["fast"] > compared["cells"] * 0.9
