"""The cabinet summary: a two-page briefing on one plan (dashboard/views.py plan_summary).

What a cabinet member reads first: the measures off track (then near target), each with its latest figure
against its target as printed, the status word, the direction of travel as an arrow with words, a small
trend line and the lead's latest commentary; then what changed since the department's previous plan, the
budget headline, the deliverables and the largest contracts and risks. Everything else is one link away
in the full plan, so the lists here are cut to what fits two A4 pages. The page's tables are drawn from
plan_summary by dashboard/summary_tables.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from budgets.models import Saving, ServicePressure
from dashboard.selectors import division_budgets, plan_figures
from kpis.assessment import NEAR, OFF_TRACK, Assessment, pick_current
from kpis.models import Kpi, KpiValue
from plans.models import DeliverableUpdate, Plan
from plans.parsing import fy_label
from plans.selectors import previous_plan
from procurement.models import ProcurementEntry

# How much of each list a two-page briefing holds; the full plan has the rest.
MOST_DIVISIONS = 10
MOST_PRESSURES = 5
MOST_CONTRACTS = 3
MOST_RISKS = 5
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 72, 20, 3


def division_key(name: str) -> str:
    """A division's name for matching across plans ('Early Help & Safeguarding' = 'Early help and safeguarding')."""
    return " ".join(name.lower().replace("&", "and").replace(",", " ").split())


def _figure(value: object) -> KpiValue | None:
    """A figure kpis.assessment picked (it holds them as plain objects): the KpiValue, or None for none."""
    return value if isinstance(value, KpiValue) else None


@dataclass
class MeasureLine:
    """One measure of the briefing: what it is, where it stands and which way it is going."""

    kpi: Kpi
    assessment: Assessment
    previous: KpiValue | None = None  # the figure for the year before the latest
    points: list[KpiValue] = field(default_factory=list)  # one per year, oldest first, each with a value
    commentary: KpiValue | None = None  # the lead's newest entry with commentary

    @property
    def latest(self) -> KpiValue | None:
        return _figure(self.assessment.value)

    @property
    def target(self) -> KpiValue | None:
        return _figure(self.assessment.target)

    @property
    def arrow(self) -> str:
        """'up', 'down' or 'level': which way the figure moved (the status word says whether that is good)."""
        latest, previous = self.latest, self.previous
        # (pick_current picks only figures with a value: the last two tests never fail.)
        if latest is None or previous is None or latest.value is None or previous.value is None:
            return ""
        change = latest.value - previous.value
        return "up" if change > 0 else "down" if change < 0 else "level"

    @property
    def arrow_text(self) -> str:
        """The arrow in words, for screen readers and the download."""
        if not self.arrow or self.previous is None:  # (an arrow means there is a previous figure)
            return "No earlier figure"
        moved = {"up": "Up", "down": "Down", "level": "Level"}[self.arrow]
        return f"{moved} from {self.previous.printed.strip()} in {fy_label(self.previous.year)}"

    @property
    def trend_text(self) -> str:
        return "; ".join(f"{fy_label(v.year)}: {v.printed.strip()}" for v in self.points)

    @property
    def sparkline(self) -> str:
        """The SVG polyline points of the trend (at least two figures), scaled into the sparkline's box."""
        values = [v.value for v in self.points if v.value is not None]  # all of them (see measure_line)
        if len(values) < 2:
            return ""
        low, high = min(values), max(values)
        span = (high - low) or Decimal(1)
        step = (SPARK_WIDTH - 2 * SPARK_PAD) / (len(values) - 1)
        inner = SPARK_HEIGHT - 2 * SPARK_PAD
        coords = []
        for i, value in enumerate(values):
            y = SPARK_HEIGHT - SPARK_PAD - float((value - low) / span) * inner if high != low else SPARK_HEIGHT / 2
            coords.append(f"{SPARK_PAD + i * step:.1f},{y:.1f}")
        return " ".join(coords)

    @property
    def spark_end(self) -> tuple[str, str]:
        """The last point of the sparkline (drawn as a dot: the latest figure)."""
        x, y = self.sparkline.split(" ")[-1].split(",")
        return x, y


def measure_line(kpi: Kpi, assessment: Assessment) -> MeasureLine:
    """A MeasureLine from a KPI whose values are prefetched. No queries."""
    values = list(kpi.values.all())
    _, previous, _ = pick_current(values)
    by_year: dict[int, KpiValue] = {}
    # One figure a year, preferred as the assessment prefers them: a part-year latest over an actual, a
    # lead's entry over the document's, the newest entry last.
    for v in sorted(
        (v for v in values if v.kind != KpiValue.Kind.TARGET and v.value is not None),
        key=lambda v: (v.kind == KpiValue.Kind.LATEST, v.is_entry, v.entered_at.timestamp() if v.entered_at else 0),
    ):
        by_year[v.year] = v
    said = sorted(
        (v for v in values if v.source == "entry" and v.commentary.strip()),
        key=lambda v: v.entered_at.timestamp() if v.entered_at else 0,
    )
    return MeasureLine(
        kpi, assessment, _figure(previous), [by_year[y] for y in sorted(by_year)], said[-1] if said else None
    )


class DivisionChange(TypedDict):
    """A division's net budget in the plan and in the department's previous plan (matched by name)."""

    division: str
    now: Decimal | None
    then: Decimal | None
    change: Decimal | None


class MeasureChange(TypedDict):
    """A measure whose status moved since the previous plan."""

    kpi: Kpi
    now: Assessment
    then: Assessment


def plan_summary(*, plan: Plan) -> dict:
    """Everything the cabinet summary shows, with the change from the department's previous plan.
    15 queries whatever the size of the plans: previous plan; figures (net budgets, KPIs, values,
    benchmarks, deliverables by priority); division budgets; pressures; savings; deliverables reported at
    risk or off track; contracts; risks; headlines; discrepancy count (the view adds the plan itself)."""
    before = previous_plan(plan=plan)
    plans = [plan] + ([before] if before else [])
    figures = plan_figures(plans=plans)
    divisions = division_budgets(plans=plans)
    now, then = figures[plan.id], figures[before.id] if before else None

    earlier = {division_key(name): (name, net) for name, _, net in divisions.get(before.id, [])} if before else {}
    compared: list[DivisionChange] = []
    for name, _, net in divisions.get(plan.id, []):
        old = earlier.pop(division_key(name), None)
        compared.append(
            {
                "division": name,
                "now": net,
                "then": old[1] if old else None,
                "change": (net - old[1]) if old and net is not None and old[1] is not None else None,
            }
        )
    matched = sum(1 for d in compared if d["then"] is not None)
    compared.sort(key=lambda d: -(d["now"] or 0))

    changed: list[MeasureChange] = []
    unchanged = 0
    if then:
        previous_status = {kpi.measure_id: a for kpi, a in then.kpis}
        for kpi, assessment in now.kpis:
            was = previous_status.get(kpi.measure_id)
            if was is None:
                continue
            if was.status == assessment.status:
                unchanged += 1
            else:
                changed.append({"kpi": kpi, "now": assessment, "then": was})
        # Worse first: what is off track now, then near target, then what improved.
        changed.sort(key=lambda c: (c["now"].sort_key, -c["then"].sort_key))

    pressures = list(ServicePressure.objects.filter(plan=plan))
    pressure_totals: dict[str, Decimal] = {}
    for p in pressures:
        pressure_totals[p.get_kind_display()] = pressure_totals.get(p.get_kind_display(), 0) + p.amount
    savings = list(Saving.objects.filter(plan=plan))
    amounts = [s.amount for s in savings if s.amount is not None]
    flagged = list(
        DeliverableUpdate.objects.filter(deliverable__plan=plan)
        .order_by("deliverable_id", "-entered_at", "-pk")
        .distinct("deliverable_id")
        .select_related("deliverable")
    )
    # A register row printed as "None identified" is no risk to brief on.
    risks = [
        r for r in plan.risks.all() if r.description.strip().lower().rstrip(".") not in {"none", "none identified"}
    ]
    # watch_status: a measure whose newest figure awaits a target stays listed by its last status, saying why.
    measures = [measure_line(k, a) for k, a in now.kpis if a.watch_status in {OFF_TRACK, NEAR}]
    return {
        "previous": before,
        "now": now,
        "then": then,
        "measures": measures,
        "commented": sum(1 for m in measures if m.commentary),
        "division_changes": compared[:MOST_DIVISIONS],
        "divisions_left": compared[MOST_DIVISIONS:],
        "divisions_matched": matched,
        "divisions_unmatched": [name for name, _ in earlier.values()],
        "kpi_changes": changed,
        "kpi_unchanged": unchanged,
        "savings": savings,
        "savings_total": sum(amounts) if amounts else None,
        "pressures": sorted(pressures, key=lambda p: -p.amount),
        "pressure_totals": pressure_totals,
        "pressures_total": sum(pressure_totals.values()) if pressures else None,
        "deliverable_count": sum(n for _, n in now.deliverables_by_priority),
        "deliverables_flagged": [u for u in flagged if u.status in {"at_risk", "off_track"}],
        "deliverables_reported": len(flagged),
        "contracts": list(
            ProcurementEntry.objects.filter(plan=plan, value__isnull=False).order_by("-value", "order")[:MOST_CONTRACTS]
        ),
        "risks": risks[:MOST_RISKS],
        "risks_left": len(risks) - MOST_RISKS if len(risks) > MOST_RISKS else 0,
        "headlines": list(plan.budget_headlines.all()),
        "discrepancy_count": plan.discrepancies.count(),
    }
