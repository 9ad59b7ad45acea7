"""Cells drawn in Python rather than by a template: the ones a large plan page repeats hundreds of times (a
KPI table's printed values, a budget table's figures), where the template language's per-cell cost was most
of the page's rendering time. Each draws exactly what its template drew."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

NO_VALUE = mark_safe('<span class="app-muted">–</span>\n')
PROVISIONAL = mark_safe(' <abbr title="provisional">(prov.)</abbr>')


def kpi_values(values: Sequence[Any]) -> SafeString:
    """The values a KPI table prints in one column (kpis.KpiValue), one a line: the printed figure (a dash for
    none), provisional, how a value printed in another year's or kind's column is read, and a doubt."""
    if not values:
        return NO_VALUE
    lines = []
    for v in values:
        line = format_html('<span class="app-value">{}</span>', v.printed or "–")
        if v.provisional:
            line += PROVISIONAL
        read_as = v.read_as
        if read_as:
            line += format_html(' <span class="app-muted">(read as the {})</span>', read_as)
        if v.doubtful:  # rare: the shared partial, as the other pages show a doubt
            line += " " + render_to_string("partials/doubtful.html", {"reason": v.doubtful})
        lines.append(line)
    return mark_safe("<br>".join(lines) + "\n")  # the template's file ended in a new line
