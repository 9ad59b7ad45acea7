"""The tables of the KPI and measure pages as django-tables2 tables (plans/page_table.py), drawn as the pages
drew them and downloadable with the same rows and columns. Built from data the page has already loaded: no
queries."""

from __future__ import annotations

import django_tables2 as tables

from plans.page_table import PageTable, TextColumn, page_table
from plans.tables import YEAR_CELL

DOUBT = '{% if v.doubtful %}{% include "partials/doubtful.html" with reason=v.doubtful %} {% endif %}'
AS_AT = (
    '{% if v.as_at %}As at {% if v.as_at_precision == "day" %}{{ v.as_at|date:"j M Y" }}{% else %}'
    '{{ v.as_at|date:"M Y" }}{% endif %}. {% endif %}{% if v.provisional %}Provisional. {% endif %}'
)


def history_table(history: list, *, charted: bool) -> PageTable:
    """Every value of a measure by year (kpis.selectors.measure_history): the history chart's table."""
    rows = [{"point": point, "v": v} for point in history for v in point.values]
    with_v = "{% with v=record.v %}CODE{% endwith %}"
    caption = f"Every value held, by year{'' if charted else ' (nothing numeric to chart)'}"
    return page_table(
        "history",
        rows,
        [
            ("year", tables.Column(accessor="point__year_label", verbose_name="Year", attrs=YEAR_CELL)),
            (
                "kind",
                TextColumn(
                    with_v.replace(
                        "CODE", '{{ v.get_kind_display }}{% if v.kind == "latest" %} (part-year){% endif %}'
                    ),
                    verbose_name="Kind",
                ),
            ),
            ("printed", TextColumn('{{ record.v.printed|default:"(blank)" }}', verbose_name="As printed")),
            (
                "plan",
                TextColumn(
                    with_v.replace(
                        "CODE",
                        (
                            "{% if v.is_entry %}Entered by "
                            "{{ v.entered_by.get_full_name|default:v.entered_by.get_username }}, "
                            '{{ v.entered_at|date:"j M Y" }}{% else %}'
                            '<a class="govuk-link" href="{{ v.kpi.get_absolute_url }}">'
                            "{{ v.kpi.plan.year_label }} {{ v.kpi.plan.get_kind_display|lower }}</a>{% endif %}"
                        ),
                    ),
                    verbose_name="In plan",
                ),
            ),
            (
                "notes",
                TextColumn(
                    with_v.replace(
                        "CODE",
                        AS_AT
                        + (
                            '{% if record.point.is_restated and v.kind != "target" %}'
                            '<strong class="govuk-tag govuk-tag--yellow">'
                            "Restated</strong> plans print different figures for this year. {% endif %}"
                            + DOUBT
                            + "{{ v.note }}"
                        ),
                    ),
                    verbose_name="Notes",
                ),
            ),
        ],
        label="Every value held, by year",
        caption=caption,
        region="Every value held, by year",
        row_headers=False,
    )


def kpi_tables(*, kpi, entries: list, history: list, charted: bool) -> list[PageTable]:
    """The KPI page's tables: the values entered, its history across plans, and this plan's row as printed."""
    with_v = "{% with v=record %}CODE{% endwith %}"
    entered = page_table(
        "entries",
        entries,
        [
            ("when", TextColumn('{{ record.entered_at|date:"j M Y H:i" }}', verbose_name="When")),
            (
                "who",
                TextColumn(
                    "{{ record.entered_by.get_full_name|default:record.entered_by.get_username }}", verbose_name="Who"
                ),
            ),
            ("year", tables.Column(accessor="period_label", verbose_name="Year", attrs=YEAR_CELL)),
            (
                "was",
                TextColumn(
                    '{{ record.previous_printed|default:"(nothing)" }}{% if record.previous_printed %} '
                    '<span class="app-muted">({% if record.previous_by %}entered by {{ record.previous_by }}'
                    "{% else %}as printed in the plan{% endif %})</span>{% endif %}",
                    verbose_name="Was",
                ),
            ),
            (
                "now",
                TextColumn(
                    "{{ record.printed }}{% if record.provisional %} (provisional){% endif %}"
                    '{% if record.as_at %} as at {{ record.as_at|date:"M Y" }}{% endif %}',
                    verbose_name="Now",
                ),
            ),
            ("commentary", TextColumn("<bdi>{{ record.commentary }}</bdi>", verbose_name="Why")),
        ],
        label="Values entered by performance leads, newest first",
        caption="Values entered by performance leads, newest first",
        caption_class="govuk-visually-hidden",
        row_headers=False,
    )
    printed = page_table(
        "printed",
        list(kpi.values.all()),
        [
            (
                "year",
                TextColumn(
                    '{{ record.period_label }}{% if record.column %} <span class="app-muted">(printed under '
                    "{{ record.column }})</span>{% endif %}",
                    verbose_name="Year",
                ),
            ),
            ("kind", tables.Column(accessor="get_kind_display", verbose_name="Kind")),
            ("printed", TextColumn('{{ record.printed|default:"(blank)" }}', verbose_name="Printed")),
            (
                "read_as",
                TextColumn(
                    '{% if record.kind == "target" %}{{ record.target_summary|capfirst }}'
                    "{% elif record.value is not None %}{{ record.value|number }}{% elif record.status %}"
                    "{{ record.get_status_display }}{% endif %}",
                    numeric=True,
                    verbose_name="Read as",
                ),
            ),
            ("notes", TextColumn(with_v.replace("CODE", AS_AT + DOUBT + "{{ v.note }}"), verbose_name="Notes")),
        ],
        label=f"Values as printed in {kpi.plan.title}",
        caption=f"Values as printed in {kpi.plan.title}",
        caption_class="govuk-visually-hidden",
        row_headers=False,
    )
    return [entered, history_table(history, charted=charted), printed]
