"""Template filters for budget figures: which reconciliation differences are rounding, and one cell shown
as printed with what its parts sum to beside it (the plan page and the net budget tiles)."""

from __future__ import annotations

from django import template

from budgets.figures import cell_beside, headline_beside
from budgets.models import BudgetCell, BudgetColumn, BudgetHeadline, BudgetTable, Difference
from plans.templatetags.plan_extras import money, number

register = template.Library()


@register.filter
def rounding_only(differences: list[Difference], table: BudgetTable) -> list[Difference]:
    return [d for d in differences if table.is_rounding(d.amount)]


@register.filter
def not_rounding(differences: list[Difference], table: BudgetTable) -> list[Difference]:
    return [d for d in differences if not table.is_rounding(d.amount)]


@register.filter
def cell_text(cell: BudgetCell | None) -> str:
    """A cell in pounds as the plan page shows it: a count or an age as a plain number, a printed dash or
    blank as printed (nothing is stored for it)."""
    if cell is None:
        return ""
    if cell.value is None:
        return cell.printed.strip()
    return money(cell.value) if cell.column.unit == BudgetColumn.Unit.POUNDS else number(cell.value)


@register.filter
def reconciling_flag(cell: BudgetCell, table: BudgetTable) -> str:
    """'rounding' or 'does not add up', for a cell whose printed figure differs from its parts."""
    difference = cell.reconciling_difference  # None when the printed figure has no reconciling figure
    if difference is None:
        return ""
    return table.difference_flag(difference)


@register.filter
def reconciling_beside(cell: BudgetCell, table: BudgetTable) -> str:
    return cell_beside(cell, table)


@register.filter
def printed_beside(headline: BudgetHeadline, plan) -> str:
    return headline_beside(headline, plan.slug)
