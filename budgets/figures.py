"""One budget cell as the budget pages show it: the printed figure in its unit, a disclosure where it was
repaired (garbled in extraction), and, where it does not equal what its parts sum to, that reconciling
figure beside it, marked, with the difference and a link to the discrepancy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html_join

from budgets.models import BudgetCell, BudgetColumn, BudgetHeadline, BudgetTable, Difference
from plans.html import format_html
from plans.templatetags.plan_extras import money, number


def plain(value: Decimal | None) -> Decimal | int | None:
    """A figure for a spreadsheet: whole numbers without decimal places."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else value.normalize()


# What a spreadsheet cell gets: printed text, a number, or nothing.
Export = str | Decimal | int | None


# -- a figure that may carry a repair, or a reconciling figure beside it ------------------------------


@dataclass
class Figure:
    """One cell as the page shows it: `text` (the printed figure, in the printed unit), and, where the
    figure was repaired (garbled in extraction), a disclosure with the printed and stored figures and
    the arithmetic; where the printed figure does not equal what its parts sum to, that reconciling
    figure `beside` it, marked by `beside_flag` ("rounding" or "does not add up"), with the difference
    and a link to the discrepancy."""

    text: str
    export: Export
    flag: str = ""  # "" | "repaired"
    printed: str = ""
    stored: str = ""
    notes: list[str] = field(default_factory=list)
    beside: str = ""
    beside_flag: str = ""
    link: str = ""

    def __str__(self) -> str:
        return self.text


def corrections_url(plan_slug: str) -> str:
    return f"{reverse('corrections')}?plan={plan_slug}"


def reconciling_words(cell: BudgetCell, shown: Callable[[Decimal], str]) -> str:
    """'the rows sum to £253,282,373; difference £1,153,394' in the unit the figure is shown in."""
    reconciling, difference = cell.reconciling, cell.reconciling_difference
    if reconciling is None or difference is None:
        raise ValueError(f"{cell} has no reconciling figure: nothing to show beside it")
    return f"{cell.get_reconciling_check_display()} {shown(reconciling)}; difference {shown(difference)}"


def figure(
    cell: BudgetCell | None,
    table: BudgetTable,
    differences: Sequence[Difference] = (),
    *,
    as_printed_text: bool = False,
    in_pounds: bool = False,
    plan_slug: str = "",
) -> Figure:
    """`cell` shown in its table's printed unit (`in_pounds` to show pounds whatever the unit), or as its
    printed text (`as_printed_text`, for capital programmes). A column of counts or years shows plain
    numbers; a printed dash or blank shows as printed (no value is stored for it)."""
    if cell is None:
        return Figure("", None)
    unit = cell.column.unit

    def shown(value: Decimal) -> str:
        if unit != BudgetColumn.Unit.POUNDS:
            return number(value)
        if in_pounds or table.multiplier == 1:
            return money(value)
        return number(value / table.multiplier)

    export: Export
    if as_printed_text:
        text = cell.printed if not cell.note else (shown(cell.value) if cell.value is not None else "")
        export = text
    elif cell.value is None:
        text, export = cell.printed.strip(), cell.printed.strip() or None
    else:
        text = shown(cell.value)
        export = plain(
            cell.value
            if in_pounds or table.multiplier == 1 or unit != BudgetColumn.Unit.POUNDS
            else cell.value / table.multiplier
        )
    result = Figure(
        text,
        export,
        flag="repaired" if cell.note else "",
        printed=cell.printed or "(blank)",
        stored=shown(cell.value) if cell.value is not None else "(blank)",
        notes=[cell.note] if cell.note else [],
    )
    difference = cell.reconciling_difference  # None when the printed figure has no reconciling figure
    if difference is not None:
        result.beside = reconciling_words(cell, shown)
        result.beside_flag = table.difference_flag(difference)
        result.link = corrections_url(plan_slug or table.plan.slug)
    return result


class FigureColumn(tables.Column):
    """A Figure: right-aligned; a repaired figure opens to show printed, stored and why; a figure that
    does not equal its parts has the reconciling figure beside it, marked."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "app-num"}, "th": {"class": "app-num"}})
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def render(self, value: Figure) -> str:
        shown = value.text
        if value.flag:
            shown = format_html(
                '<details class="app-figure"><summary class="app-figure__summary">{} '
                '<strong class="app-figure__flag">{}</strong></summary>'
                '<div class="app-figure__note"><span class="govuk-visually-hidden">Repaired figure. </span>'
                "Printed: <q>{}</q><br>Stored: {}<br>{}</div></details>",
                value.text,
                value.flag,
                value.printed,
                value.stored,
                format_html_join("", "{}<br>", ((n,) for n in value.notes)),
            )
        if not value.beside:
            return shown
        return format_html("{}{}", shown, flagged_beside(value.beside_flag, value.beside, value.link))

    def value(self, value: Figure) -> Export:
        return value.export


def flagged_beside(flag: str, words: str, link: str) -> str:
    """What follows a printed figure that differs from its parts: the mark, then the reconciling figure under
    it, short, and linked to the discrepancy. The one markup for budget cells and headlines on every page."""
    return format_html(
        ' <strong class="app-figure__flag">{}</strong><br><span class="govuk-body-s app-muted '
        'app-figure__beside">{} (<a class="govuk-link" href="{}">discrepancy</a>)</span>',
        flag,
        words,
        link,
    )


def cell_beside(cell: BudgetCell, table: BudgetTable) -> str:
    """flagged_beside for a cell shown in pounds (the plan page); empty when it equals its parts."""
    difference = cell.reconciling_difference  # None when the printed figure has no reconciling figure
    if difference is None:
        return ""
    return flagged_beside(
        table.difference_flag(difference), reconciling_words(cell, money), corrections_url(table.plan.slug)
    )


def headline_beside(headline: BudgetHeadline, plan_slug: str) -> str:
    """flagged_beside for a figure printed in the plan's text whose printed parts (its note names them) sum to
    something else; empty when they agree."""
    if headline.reconciling is None:
        return ""
    words = f"{headline.note} sum to {money(headline.reconciling)}; difference {money(headline.reconciling_difference)}"
    return flagged_beside("does not add up", words, corrections_url(plan_slug))
