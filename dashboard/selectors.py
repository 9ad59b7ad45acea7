"""Reads that cross the domain apps (plans with KPIs, budgets and procurement), shaped for the dashboard pages:
the plan page, the deliverable page, the council overview, department dashboard and cabinet summary. Each
function's docstring states its query count."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum

from budgets.models import BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from kpis.assessment import NONE, Assessment
from kpis.models import Kpi, KpiValue
from kpis.selectors import kpi_table, plan_kpis
from plans.models import Deliverable, Plan, Risk, StrategicObjective
from plans.selectors import deliverable_link_keys
from procurement.models import ProcurementEntry

PLAN_PAGE_VALUE_FIELDS = ("kpi", "year", "kind", "printed", "column", "provisional", "doubtful", "order")


def plan_sections(*, plan: Plan) -> dict:
    """Everything a plan holds, for the plan page. A fixed number of queries (one per prefetch),
    whatever the size of the plan. Deliverables and their sub-actions (each deliverable's `subs`) are one
    query. Each list is ordered by its own order only: the models' default ordering starts with the plan's
    (department name, year, slug), which is the same for every row here and cost two joins per query."""
    items = list(plan.deliverables.filter(objective__isnull=True).select_related("plan").order_by("order"))
    subs: dict[int, list[Deliverable]] = {}
    for d in items:
        if d.parent_id is not None:
            subs.setdefault(d.parent_id, []).append(d)
    deliverables = [d for d in items if d.parent_id is None]
    for d in deliverables:
        d.subs = subs.get(d.pk, [])
    by_section: OrderedDict[tuple[str, str], list[Deliverable]] = OrderedDict()
    for d in deliverables:
        by_section.setdefault((d.get_section_display(), d.part or d.council_priority), []).append(d)
    statements: OrderedDict[str, list] = OrderedDict()
    for s in plan.statements.order_by("order"):
        statements.setdefault(s.get_kind_display(), []).append(s)
    kpis = list(
        plan.kpis.order_by("order").prefetch_related(
            # Only what the KPI tables draw (dashboard.cells.kpi_values): a value has 34 columns, a large plan
            # 500 values
            Prefetch("values", queryset=KpiValue.objects.published().order_by("order").only(*PLAN_PAGE_VALUE_FIELDS))
        )
    )
    kpi_groups: OrderedDict[str, list[Kpi]] = OrderedDict()
    for kpi in kpis:
        kpi_groups.setdefault(kpi.group or "", []).append(kpi)
    tables = plan.budget_tables.order_by("order").prefetch_related(
        Prefetch("columns", queryset=BudgetColumn.objects.order_by("order")),
        Prefetch(
            "rows",
            queryset=BudgetRow.objects.order_by("order").prefetch_related(
                Prefetch("cells", queryset=BudgetCell.objects.select_related("column").order_by("column__order"))
            ),
        ),
    )
    outcomes = plan.outcomes.order_by("number").prefetch_related(
        Prefetch(
            "objectives",
            queryset=StrategicObjective.objects.order_by("number").prefetch_related(
                Prefetch("actions", queryset=Deliverable.objects.select_related("plan").order_by("order"))
            ),
        )
    )
    return {
        "statements": statements,
        "divisions": list(plan.divisions.order_by("order")),
        "workforce": list(plan.workforce.order_by("order")),
        "headlines": list(plan.budget_headlines.order_by("order")),
        "pressures": list(plan.pressures.order_by("order")),
        "savings": list(plan.savings.order_by("order")),
        "budget_tables": list(tables),
        "deliverable_sections": by_section,
        "outcomes": list(outcomes),
        "kpi_tables": [(group, kpi_table(items)) for group, items in kpi_groups.items()],
        "procurement_tables": list(
            plan.procurement_tables.order_by("order").prefetch_related(
                Prefetch("entries", queryset=ProcurementEntry.objects.order_by("order"))
            )
        ),
        "risks": list(plan.risks.order_by("order")),
        "discrepancies": list(plan.discrepancies.order_by("src_start", "pk")),
    }


def deliverable_links(*, item: Deliverable) -> dict:
    """The KPIs of the same plan whose `links` name this deliverable, each with its assessment, and the
    risks whose `refs` name it. 3 queries (KPIs, their values, risks); 2 when no KPI is linked (Django
    skips the values query for no KPIs)."""
    keys = deliverable_link_keys(item=item)
    kpis = (
        Kpi.objects.filter(plan_id=item.plan_id, links__overlap=keys)
        .select_related("plan")
        .prefetch_related(Prefetch("values", queryset=KpiValue.objects.published().order_by("order")))
        .order_by("order")
    )
    return {
        "linked_kpis": [(kpi, kpi.assessment()) for kpi in kpis],
        "related_risks": list(Risk.objects.filter(plan_id=item.plan_id, refs__overlap=keys).order_by("order")),
    }


# -- Dashboards: council overview, department dashboard, cabinet summary ----------------------------------------


@dataclass
class PlanFigures:
    """Headline figures of one plan, for tiles and comparisons."""

    plan: Plan
    net_cell: BudgetCell | None = None  # the controllable budget's total net cell
    kpis: list[tuple[Kpi, Assessment]] = field(default_factory=list)  # off track first
    status_counts: dict[str, int] = field(default_factory=dict)  # status -> count
    deliverables_by_priority: list[tuple[str, int]] = field(default_factory=list)  # [(priority, count)]

    @property
    def net_budget(self):
        return self.net_cell.value if self.net_cell is not None else None

    @property
    def off_track(self) -> list[tuple[Kpi, Assessment]]:
        """Off track, counting a KPI whose newest figure awaits a target by its last assessed status."""
        return [(k, a) for k, a in self.kpis if a.watch_status == "off_track"]

    @property
    def needs_target(self) -> list[tuple[Kpi, Assessment]]:
        """KPIs whose newest (entered) figure has no target for its period ("No target set for 2026-27")."""
        return [(k, a) for k, a in self.kpis if a.needs_target]


def net_budgets(*, plans: list[Plan]) -> dict[int, BudgetCell]:
    """Plan id -> the controllable budget's total net cell (its value, and the printed figure and note
    where the printed total does not reconcile). 1 query."""
    cells = BudgetCell.objects.filter(
        row__table__plan__in=plans,
        row__table__kind=BudgetTable.Kind.CONTROLLABLE,
        row__kind=BudgetRow.Kind.TOTAL,
        column__role="net",
    ).select_related("row__table")
    return {cell.row.table.plan_id: cell for cell in cells}


# A division's row of the controllable budget: (division, gross, net), the figures as stored (None where blank).
DivisionBudget = tuple[str, Decimal | None, Decimal | None]


def division_budgets(*, plans: list[Plan]) -> dict[int, list[DivisionBudget]]:
    """Plan id -> [(division, gross, net)] from the controllable budget's division rows. 1 query."""
    # plan id -> (row order, division) -> column role ("gross", "net") -> value
    rows: defaultdict[int, dict[tuple[int, str], dict[str, Decimal | None]]] = defaultdict(dict)
    cells = (
        BudgetCell.objects.filter(
            row__table__plan__in=plans,
            row__table__kind=BudgetTable.Kind.CONTROLLABLE,
            row__kind=BudgetRow.Kind.ROW,
            column__role__in=["gross", "net"],
        )
        .values_list("row__table__plan_id", "row__order", "row__division", "row__group", "column__role", "value")
        .order_by("row__table__plan_id", "row__order")
    )
    for plan_id, order, division, group, role, value in cells:
        label = division or f"(unlabelled row{' in ' + group if group else ''})"
        rows[plan_id].setdefault((order, label), {})[role] = value
    return {
        pid: [(label, v.get("gross"), v.get("net")) for (_, label), v in sorted(r.items())] for pid, r in rows.items()
    }


def plan_figures(*, plans: list[Plan], with_kpis: bool = True) -> dict[int, PlanFigures]:
    """Headline figures for several plans at once. 5 queries (net budgets, KPIs, their values, their
    benchmarks, deliverables by priority), however many plans and rows. Without `with_kpis` (the overview:
    counts only) the status counts are the stored assessments (Kpi.status) counted in SQL: 3 queries."""
    budgets = net_budgets(plans=plans)
    figures = {p.id: PlanFigures(p, budgets.get(p.id), [], {}, []) for p in plans}
    if with_kpis:
        for kpi in plan_kpis(plans=plans):
            figures[kpi.plan_id].kpis.append((kpi, kpi.assessment()))
        for f in figures.values():
            f.kpis.sort(key=lambda pair: pair[1].sort_key)
            for _, assessment in f.kpis:
                f.status_counts[assessment.status] = f.status_counts.get(assessment.status, 0) + 1
    else:
        counts = Kpi.objects.filter(plan__in=plans).values_list("plan_id", "status").annotate(n=Count("id")).order_by()
        for plan_id, status, n in counts:
            key = status or NONE
            figures[plan_id].status_counts[key] = figures[plan_id].status_counts.get(key, 0) + n
    priorities = (
        Deliverable.objects.filter(plan__in=plans, parent__isnull=True)
        .values_list("plan_id", "council_priority")
        .annotate(n=Count("id"))
        .order_by("plan_id", "council_priority")
    )
    for plan_id, priority, n in priorities:
        figures[plan_id].deliverables_by_priority.append((priority or "Not linked to a priority", n))
    return figures


def upcoming_contracts(*, plan: Plan, today, limit: int = 5) -> tuple[list, bool]:
    """The plan's contracts starting soonest on or after `today`; when none is upcoming (an older plan),
    its most recent starts instead, and False. 1 query (2 when none is upcoming)."""
    entries = ProcurementEntry.objects.filter(plan=plan, contract_start__isnull=False)
    upcoming = list(entries.filter(contract_start__gte=today).order_by("contract_start", "order")[:limit])
    if upcoming:
        return upcoming, True
    return list(entries.order_by("-contract_start", "order")[:limit]), False


def pipeline_totals(*, plan: Plan) -> dict:
    """Count and total estimated value of the plan's procurement pipeline. 1 query."""
    return ProcurementEntry.objects.filter(plan=plan).aggregate(count=Count("id"), value=Sum("value"))
