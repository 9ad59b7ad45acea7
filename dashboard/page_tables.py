"""The tables of the council overview and department dashboard pages (the plan page's are in dashboard/plan_tables.py,
the cabinet summary's in dashboard/summary_tables.py, the KPI and measure pages' in kpis/page_tables.py) as
django-tables2 tables built from plans/page_table.py, drawn as the pages drew them (templates/partials/page_table.html)
and downloadable with the same rows and columns: `<page>?_export=csv|xlsx&_table=<name>`, the page's own
query string kept (?year=, ?plan=). Built from data the page has already loaded: no queries. The measure link and
status cell are shared with the plan page's and the summary's tables."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.utils.safestring import SafeString, mark_safe

from dashboard.cells import kpi_link
from kpis.tables import freshness_html, status_html
from plans.page_table import NUMERIC, AmountColumn, DrawnColumn, PageTable, TextColumn, page_table, plain
from plans.templatetags.plan_extras import fy


def _status_cell(assessment) -> SafeString:
    return status_html(assessment) + SafeString("\n")  # as templates/partials/status.html ends


def _status(accessor: str, verbose_name: str) -> DrawnColumn:
    """The status of the assessment at `accessor` (kpis.tables.status_html, drawn as every page draws it)."""
    return DrawnColumn(_status_cell, accessor=accessor, verbose_name=verbose_name)


def _kpi_link(verbose_name: str = "Measure") -> DrawnColumn:
    return DrawnColumn(kpi_link, accessor="kpi", verbose_name=verbose_name)


def _money_or(value: Decimal | None, words: str) -> Decimal | str:
    return words if value is None else value


# -- council overview --------------------------------------------------------------------------------------


def overview_tables(rows: list, *, year: int | None) -> list[PageTable]:
    """`rows` are selectors.PlanFigures, one per department."""
    departments = page_table(
        "departments",
        rows,
        [
            (
                "department",
                TextColumn(
                    '<a class="govuk-link" href="{{ record.plan.department.get_absolute_url }}">'
                    "{{ record.plan.department.name }}</a>",
                    verbose_name="Department",
                ),
            ),
            (
                "plan",
                TextColumn(
                    '<a class="govuk-link" href="{{ record.plan.get_absolute_url }}">{{ record.plan.title }}</a><br>'
                    '<span class="app-muted">for {{ record.plan.year_label }}'
                    '{% if record.plan.status == "draft" %}, draft'
                    "{% endif %}</span><br>"
                    '<a class="govuk-link govuk-body-s" href="{% url \'plan_summary\' record.plan.slug %}">'
                    "Cabinet summary</a>",
                    verbose_name="Plan",
                    # the link to the cabinet summary is a way on, not part of the record
                    export=lambda f: (
                        f"{f.plan.title}\nfor {f.plan.year_label}{', draft' if f.plan.status == 'draft' else ''}"
                    ),
                ),
            ),
            (
                "net",
                TextColumn(
                    '{% include "partials/net_budget.html" with cell=record.net_cell %}',
                    numeric=True,
                    verbose_name="Net controllable budget",
                    export=lambda f: plain(f.net_budget) if f.net_cell is not None else "Not printed",
                ),
            ),
            (
                "kpis",
                TextColumn(
                    '{% include "partials/status_counts.html" with counts=record.status_counts %}',
                    verbose_name="KPIs by status",
                ),
            ),
            (
                "deliverables",
                TextColumn(
                    '<ul class="govuk-list app-list-tight govuk-body-s">'
                    "{% for priority, n in record.deliverables_by_priority %}"
                    "<li>{{ priority }}: {{ n }}</li>{% empty %}<li>None printed</li>{% endfor %}</ul>",
                    verbose_name="Deliverables by priority",
                ),
            ),
        ],
        label=f"Departments and their plans for {fy(year)}",
        caption=f"Departments and their plans for {fy(year)}",
        region="Departments",
        small=False,
    )
    counts = [
        {
            "department": f.plan.department.name,
            **{s: f.status_counts.get(s, 0) for s in ("off_track", "near", "on_track", "none")},
        }
        for f in rows
    ]
    chart = page_table(
        "kpi-status",
        counts,
        [
            ("department", tables.Column(verbose_name="Department")),
            ("off_track", tables.Column(verbose_name="Off track", attrs=NUMERIC)),
            ("near", tables.Column(verbose_name="Near target", attrs=NUMERIC)),
            ("on_track", tables.Column(verbose_name="On track", attrs=NUMERIC)),
            ("none", tables.Column(verbose_name="No assessment", attrs=NUMERIC)),
        ],
        label="The chart's figures: key performance measures by status and department",
        caption="The chart's figures",
        caption_class="govuk-table__caption--s",
    )
    return [departments, chart]


# -- department dashboard ----------------------------------------------------------------------------------


def department_tables(
    *, department, plans: list, plan, figures=None, divisions=(), contracts=(), upcoming: bool = False
) -> list[PageTable]:
    """The dashboard of `plan` (None: the department has no plan) and the department's plans over time."""
    result = [
        page_table(
            "plans",
            [{"plan": p, "shown": p == plan} for p in plans],
            [
                (
                    "plan",
                    TextColumn(
                        '<a class="govuk-link" href="{{ record.plan.get_absolute_url }}">{{ record.plan.title }}</a>',
                        verbose_name="Plan",
                    ),
                ),
                ("year", tables.Column(accessor="plan__year_label", verbose_name="For year")),
                ("period", tables.Column(accessor="plan__period", verbose_name="Period")),
                ("director", tables.Column(accessor="plan__executive_director", verbose_name="Executive director")),
                ("status", tables.Column(accessor="plan__get_status_display", verbose_name="Status")),
                (
                    "dashboard",
                    TextColumn(
                        "{% if record.shown %}Shown above{% else %}"
                        '<a class="govuk-link" href="?plan={{ record.plan.slug }}">Show dashboard'
                        '<span class="govuk-visually-hidden"> for {{ record.plan.year_label }}</span></a>{% endif %}',
                        verbose_name=mark_safe('<span class="govuk-visually-hidden">Dashboard</span>'),
                        exclude_from_export=True,
                    ),
                ),  # a way to another dashboard, not part of the record
            ],
            label=f"{department.name} plans",
            caption=f"{department.name} plans",
            caption_class="govuk-visually-hidden",
            row_headers=False,
            small=False,
        )
    ]
    if plan is None:
        return result
    kpis = [{"kpi": kpi, "assessment": assessment} for kpi, assessment in figures.kpis[:15]]
    result.append(
        page_table(
            "kpis",
            kpis,
            [
                ("measure", _kpi_link()),
                ("status", _status("assessment", "Status")),
                ("travel", tables.Column(accessor="assessment__travel_label", verbose_name="Direction of travel")),
                ("reason", tables.Column(accessor="assessment__reason", verbose_name="Why")),
                ("freshness", DrawnColumn(freshness_html, accessor="kpi", verbose_name="Freshness")),
            ],
            label="Key performance measures, off track first",
            region="Key performance measures",
        )
    )
    result.append(
        page_table(
            "divisions",
            [{"division": n, "gross": g, "net": net} for n, g, net in divisions],
            [
                ("division", tables.Column(verbose_name="Division")),
                ("gross", AmountColumn(verbose_name="Gross")),
                ("net", AmountColumn(verbose_name="Net")),
            ],
            label=f"Net controllable budget by division ({plan.year_label})",
            caption=f"Net controllable budget by division ({plan.year_label})",
            caption_class="govuk-table__caption--s",
        )
    )
    result.append(
        page_table(
            "contracts",
            [
                {
                    "title": e.title,
                    "start": e.contract_start_printed,
                    "value": _money_or(e.value, e.value_printed or "Not stated"),
                }
                for e in contracts
            ],
            [
                ("title", tables.Column(verbose_name="Contract")),
                ("start", tables.Column(verbose_name="Contract start")),
                ("value", AmountColumn(verbose_name="Estimated value")),
            ],
            label="Contracts starting soonest" if upcoming else "Latest contract starts in this plan",
        )
    )
    return result
