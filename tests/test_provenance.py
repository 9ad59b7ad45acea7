"""Every transcribed figure's printed text is found in the source lines its record cites: a wrong `src`
or a mistyped figure fails here. (Whitespace, HTML tags and bullets from the PDF extraction are ignored,
so a figure split by a line break, '7,028,75 8', still matches.)"""

from __future__ import annotations

import re

import pytest

from budgets.models import BudgetCell
from kpis.models import KpiValue
from procurement.models import ProcurementEntry

pytestmark = pytest.mark.django_db


def squash(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text).replace("\u2022", " ").replace("**", "")
    return re.sub(r"\s+", "", text)


def misplaced(records) -> list[str]:
    return [f"{plan}: {label} {text!r}" for plan, label, text, source in records if squash(text) not in squash(source)]


def test_every_kpi_value_is_printed_on_its_lines(all_plans):
    values = KpiValue.objects.select_related("kpi__plan").exclude(printed="")
    assert values.count() > 1000
    assert misplaced((v.kpi.plan.slug, v.src_label, v.printed, v.source_text()) for v in values) == []


def test_every_budget_cell_is_printed_on_its_row(all_plans):
    cells = BudgetCell.objects.select_related("row__table__plan").exclude(printed="")
    assert cells.count() > 900
    assert misplaced((c.row.table.plan.slug, c.row.src_label, c.printed, c.row.source_text()) for c in cells) == []


FIELDS = [
    "title",
    "value_printed",
    "procurement_start_printed",
    "advert_printed",
    "contract_start_printed",
    "length_printed",
    "statutory_printed",
]


def test_every_procurement_field_is_printed_on_its_row(all_plans):
    entries = list(ProcurementEntry.objects.select_related("plan"))
    assert len(entries) > 500
    records = (
        (e.plan.slug, e.src_label, getattr(e, f), e.source_text()) for e in entries for f in FIELDS if getattr(e, f)
    )
    assert misplaced(records) == []
