"""Cells drawn in Python rather than by a template: the ones a large plan page repeats hundreds of times (a
KPI table's printed values, a budget table's figures), where the template language's per-cell cost was most
of the page's rendering time. Each draws exactly what its template drew."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from budgets.figures import cell_beside
from budgets.models import BudgetCell, BudgetTable
from budgets.templatetags.budget_extras import cell_text
from kpis.models import Kpi
from plans.html import conditional_escape, format_html

NO_VALUE = mark_safe('<span class="app-muted">–</span>\n')
PROVISIONAL = mark_safe(' <abbr title="provisional">(prov.)</abbr>')


def kpi_values(values: Sequence[Any]) -> SafeString:
    """The values a KPI table prints in one column (kpis.KpiValue), one a line: the printed figure (a dash for
    none), provisional, how a value printed in another year's or kind's column is read, and a doubt."""
    if not values:
        return NO_VALUE
    lines = []
    for v in values:
        line: str = format_html('<span class="app-value">{}</span>', v.printed or "–")
        if v.provisional:
            line += PROVISIONAL
        read_as = v.read_as
        if read_as:
            line += format_html(' <span class="app-muted">(read as the {})</span>', read_as)
        if v.doubtful:  # rare: the shared partial, as the other pages show a doubt
            line += " " + render_to_string("partials/doubtful.html", {"reason": v.doubtful})
        lines.append(line)
    return mark_safe("<br>".join(lines) + "\n")  # the template's file ended in a new line


def budget_figure(cell: BudgetCell | None, *, table: BudgetTable) -> SafeString:
    """One budget cell on the plan page, in pounds: the printed figure (a dash or blank as printed; a count or
    an age as a plain number), a repaired figure marked with its printed text, and, where the printed figure
    does not equal what its parts sum to, that reconciling figure beside it, marked, linked to the
    discrepancy. Nothing for no cell."""
    if not cell:
        return mark_safe("\n")
    figure = conditional_escape(cell_text(cell))
    if cell.note:
        figure = format_html(
            '<span class="app-repaired" title="Printed {}; {}">{}</span>', cell.printed, cell.note, figure
        )
    return mark_safe(figure + conditional_escape(cell_beside(cell, table)) + "\n")


def kpi_link(kpi: Kpi) -> SafeString:
    """The measure's name, linked to its page."""
    return format_html('<a class="govuk-link" href="{}">{}</a>', kpi.get_absolute_url(), kpi.description)


def kpi_link_with_footnotes(kpi: Kpi) -> SafeString:
    """The measure's name, linked, with the plan's footnotes to it on lines below."""
    notes = "".join(format_html('<br><span class="app-muted">{}</span>', note) for note in kpi.footnotes)
    return mark_safe(kpi_link(kpi) + notes)
