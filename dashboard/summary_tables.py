"""The cabinet summary's tables (dashboard/views.py plan_summary), from dashboard/briefing.py plan_summary: the
measures off track or near target, the status changes since the previous plan, budget by division, savings,
service pressures and the largest contracts. Drawn on the page and downloadable like every page table
(plans/page_table.py)."""

from __future__ import annotations

import django_tables2 as tables

from dashboard.briefing import MOST_PRESSURES
from dashboard.page_tables import _kpi_link, _status
from plans.models import Plan
from plans.page_table import AmountColumn, PageTable, TextColumn, page_table

LATEST = (
    '{% with v=record.latest %}{% if v %}<span class="app-briefing__figure">{{ v.printed }}</span> '
    '<span class="app-muted">{{ v.get_kind_display|lower }} {{ v.year_label }}</span>{% else %}'
    '<span class="app-muted">No figure</span>{% endif %}{% endwith %}'
)
TARGET = (
    '{% with v=record.target %}{% if v %}<span class="app-briefing__figure">{{ v.printed }}</span> '
    '<span class="app-muted">{{ v.year_label }}</span>{% endif %}{% endwith %}'
)
TRAVEL = (
    '<span class="app-travel app-travel--{{ record.assessment.travel }}">'
    '{% if record.arrow %}<span class="app-travel__arrow" aria-hidden="true">'
    '{% if record.arrow == "up" %}↑{% elif record.arrow == "down" %}↓{% else %}→{% endif %}</span> {% endif %}'
    '{{ record.assessment.travel_label }}<span class="govuk-visually-hidden">: {{ record.arrow_text }}'
    "</span></span>"
)
TREND = (
    '{% if record.sparkline %}<svg class="app-spark" aria-hidden="true" focusable="false" width="72" height="20" '
    'viewBox="0 0 72 20"><polyline points="{{ record.sparkline }}" fill="none" stroke="#0b0c0c" '
    'stroke-width="1.5"/>{% with end=record.spark_end %}<circle cx="{{ end.0 }}" cy="{{ end.1 }}" r="2.5" '
    'fill="#0b0c0c"/>{% endwith %}</svg><span class="govuk-visually-hidden">{{ record.trend_text }}</span>'
    '{% else %}<span class="app-muted">One figure</span>{% endif %}'
)
COMMENTARY = (
    "{% with c=record.commentary %}{% if c %}<bdi>{{ c.commentary }}</bdi> "
    '<span class="app-muted app-briefing__entered">(entered '
    '<span class="app-nowrap">{{ c.entered_at|date:"j M Y" }})</span></span>'
    '{% else %}<span class="app-muted">None entered</span>{% endif %}{% endwith %}'
)


def summary_tables(*, plan: Plan, summary: dict) -> list[PageTable]:
    """The briefing's tables from plan_summary. No queries."""
    previous = summary["previous"]
    since = f"the {previous.year_label} plan" if previous else "the previous plan"
    result = [
        page_table(
            "off-track",
            summary["measures"],
            [
                ("measure", _kpi_link()),
                ("latest", TextColumn(LATEST, verbose_name="Latest")),
                ("target", TextColumn(TARGET, verbose_name="Target")),
                ("status", _status("assessment", "Status")),
                ("travel", TextColumn(TRAVEL, verbose_name="Direction of travel")),
                ("trend", TextColumn(TREND, verbose_name="Trend")),
                ("commentary", TextColumn(COMMENTARY, verbose_name="Lead’s latest commentary")),
            ],
            label="Measures off track or near target",
            region="Measures off track or near target",
            attrs={"class": "govuk-table govuk-body-s app-briefing__measures"},
            # A column saying "none entered" on every row is a wall: the page says it once instead.
            exclude=() if summary["commented"] else ("commentary",),
        ),
        page_table(
            "kpi-changes",
            summary["kpi_changes"],
            [
                ("measure", _kpi_link()),
                ("then", _status("then", f"In {since}")),
                ("now", _status("now", "Now")),
            ],
            label=f"Measures whose status changed since {since}",
            region=f"Measures whose status changed since {since}",
            attrs={"class": "govuk-table govuk-body-s app-briefing__changes"},
        ),
    ]
    with_previous = bool(previous and summary["divisions_matched"])
    divisions = [
        {
            "division": d["division"],
            "then": d["then"] if d["then"] is not None else "–",
            "now": d["now"],
            "change": d["change"] if d["change"] is not None else "–",
        }
        for d in summary["division_changes"]
    ]
    result.append(
        page_table(
            "divisions",
            divisions,
            [
                ("division", tables.Column(verbose_name="Division")),
                ("then", AmountColumn(verbose_name=f"Net {previous.year_label}" if previous else "Net before")),
                ("now", AmountColumn(verbose_name=f"Net {plan.year_label}")),
                ("change", AmountColumn(verbose_name="Change")),
            ],
            label="Budget by division",
            region="Budget by division",
            exclude=() if with_previous else ("then", "change"),
        )
    )
    savings = [{"title": s.title, "amount": s.amount, "total": False} for s in summary["savings"]]
    savings.append({"title": "Total", "amount": summary["savings_total"], "total": True})
    amount = {
        "td": {"class": lambda record: "app-num govuk-!-font-weight-bold" if record["total"] else "app-num"},
        "th": {"class": "app-num"},
    }
    result.append(
        page_table(
            "savings",
            savings,
            [
                ("title", tables.Column(verbose_name="Saving")),
                ("amount", AmountColumn(verbose_name="Amount", attrs=amount)),
            ],
            label="Savings",
            caption="Savings",
            caption_class="govuk-table__caption--s",
            show_header=False,
        )
    )
    pressures = [
        {"title": p.title, "kind": p.get_kind_display(), "amount": p.amount, "total": False}
        for p in summary["pressures"][:MOST_PRESSURES]
    ]
    pressures += [
        {"title": "", "kind": kind, "amount": total, "total": True}
        for kind, total in summary["pressure_totals"].items()
    ]
    result.append(
        page_table(
            "pressures",
            pressures,
            [
                (
                    "title",
                    TextColumn(
                        "{% if record.total %}Total {{ record.kind|lower }}{% else %}{{ record.title }} "
                        '<span class="app-muted">({{ record.kind|lower }})</span>{% endif %}',
                        verbose_name="Service pressure",
                    ),
                ),
                ("amount", AmountColumn(verbose_name="Amount", attrs=amount)),
            ],
            label="Service pressures funded",
            caption="Largest service pressures funded, and the totals",
            caption_class="govuk-table__caption--s",
            show_header=False,
        )
    )
    result.append(
        page_table(
            "contracts",
            summary["contracts"],
            [
                ("title", tables.Column(verbose_name="Contract")),
                (
                    "start",
                    TextColumn(
                        "{{ record.contract_start_printed|default:record.procurement_start_printed }}",
                        verbose_name="Contract start",
                    ),
                ),
                ("value", AmountColumn(verbose_name="Estimated value")),
            ],
            label="Largest contracts",
            region="Largest contracts",
        )
    )
    return result
