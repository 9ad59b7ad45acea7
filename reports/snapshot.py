"""What a pack shows, built from the same selectors as the pages the cabinet reads (the council overview's
dashboard.selectors.plan_figures and each plan's cabinet summary, dashboard.briefing.plan_summary), as plain JSON:
every figure, target and word as the pages print them, so that a pack stored once renders the same for ever, and so
that comparing a pack with `council_content` now lists what has been restated since."""

from __future__ import annotations

from dashboard import briefing
from dashboard.briefing import MeasureLine
from kpis.assessment import OFF_TRACK, WORSENING
from kpis.models import Kpi
from kpis.periods import long_date
from plans import selectors as plan_selectors
from plans.models import Council, Plan
from plans.parsing import fy_label
from plans.templatetags.plan_extras import headline_money, money

ARROWS = {"up": "↑", "down": "↓", "level": "→", "": "–"}


def _when(value) -> str:
    return value.isoformat() if value is not None else ""


def remedial(kpi: Kpi) -> str:
    """The newest remedial action a lead recorded with an entry (published: the values the summary read), with its
    owner and due date: "Recruit two reviewers (owner: Head of Fostering; due 31 January 2027)". No query."""
    actions = [v for v in kpi.values.all() if v.is_entry and v.action.strip()]
    if not actions:
        return ""
    newest = max(actions, key=lambda v: v.entry_time())
    owner, due = newest.action_owner.strip(), newest.action_due
    details = "; ".join(
        part for part in (f"owner: {owner}" if owner else "", f"due {long_date(due)}" if due else "") if part
    )
    return f"{newest.action.strip()} ({details})" if details else newest.action.strip()


def measure_row(plan: Plan, line: MeasureLine) -> dict:
    """One measure as the scorecard prints it: figure and target as printed, the status word with its doubt
    caveat, the direction of travel (arrow and words), the trend, the lead's commentary. No queries."""
    kpi, assessment = line.kpi, line.assessment
    latest, target = line.latest, line.target
    commentary = line.commentary
    return {
        "department": plan.department.name,
        "department_slug": plan.department.slug,
        "plan": plan.title,
        "plan_slug": plan.slug,
        "measure": kpi.description,
        "key": kpi.key,
        "figure": latest.printed.strip() if latest else "",
        "year": latest.year if latest else None,
        "year_label": latest.period_label if latest else "",
        "target": target.printed.strip() if target else "",
        "target_year_label": target.period_label if target else "",
        "status": assessment.status,
        "status_label": assessment.label,
        "status_word": assessment.full_label,
        "reason": assessment.reason,
        "travel": assessment.travel,
        "travel_word": assessment.travel_label,
        "arrow": ARROWS[line.arrow],
        "arrow_text": line.arrow_text,
        "doubt": assessment.doubtful,
        "trend": [[fy_label(v.year), v.printed.strip()] for v in line.points],
        "sparkline": line.sparkline,
        "spark_end": list(line.spark_end) if line.sparkline else [],
        "commentary": commentary.commentary.strip() if commentary else "",
        "commentary_by": commentary.entrant().get_full_name() or commentary.entrant().get_username()
        if commentary
        else "",
        "commentary_at": _when(commentary.entered_at) if commentary else "",
        # Who put the figure there and why: an entry's author, time and commentary; blank for the documents.
        "source": latest.source if latest else "",
        "value_id": latest.pk if latest else None,  # a reload writes the documents' values again: a new id
        "entered_by": (latest.entrant().get_full_name() or latest.entrant().get_username())
        if latest is not None and latest.is_entry
        else "",
        "entered_at": _when(latest.entered_at) if latest else "",
        "entry_reason": latest.commentary.strip() if latest is not None and latest.is_entry else "",
        "remedial": remedial(kpi),
        "exception": assessment.status == OFF_TRACK or assessment.travel == WORSENING,
    }


def plan_content(*, plan: Plan) -> dict:
    """One department's summary as the cabinet summary shows it, with every measure (not only those off track).
    The queries of dashboard.briefing.plan_summary."""
    summary = briefing.plan_summary(plan=plan)
    now = summary["now"]
    lines = [briefing.measure_line(kpi, assessment) for kpi, assessment in now.kpis]
    return {
        "department": plan.department.name,
        "department_slug": plan.department.slug,
        "plan": plan.title,
        "plan_slug": plan.slug,
        "plan_year": plan.year_label,
        "net_budget": headline_money(now.net_budget) if now.net_budget is not None else "",
        "status_counts": dict(now.status_counts),
        "measures": [measure_row(plan, line) for line in lines],
        "headlines": [{"label": h.label, "printed": h.printed} for h in summary["headlines"]],
        "savings_total": money(summary["savings_total"]) if summary["savings_total"] is not None else "",
        "pressures_total": money(summary["pressures_total"]) if summary["pressures_total"] is not None else "",
        "contracts": [
            {
                "title": c.title,
                "value": c.value_printed.strip() or money(c.value),
                "contract_start": c.contract_start_printed.strip(),
                "length": c.length_printed.strip(),
            }
            for c in summary["contracts"]
        ],
    }


def council_content(*, council: Council, plan_slugs: list[str] | None = None) -> dict:
    """The council overview scorecard and each department's summary: each department's current plan (as the
    overview picks them), or the plans named by `plan_slugs` (what a pack showed, to compare with now)."""
    if plan_slugs is None:
        plans, _ = plan_selectors.current_plans(year=None, council=council)
    else:
        by_slug = {p.slug: p for p in Plan.objects.filter(slug__in=plan_slugs).select_related("department")}
        plans = [by_slug[s] for s in plan_slugs if s in by_slug]
    return {
        "council": {"slug": council.slug, "name": council.name},
        "departments": [plan_content(plan=plan) for plan in plans],
    }
