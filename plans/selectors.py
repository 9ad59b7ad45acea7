"""Reads that cross models, shaped for the pages. Each function's docstring states its query count."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from budgets.models import BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from kpis.models import Kpi, KpiValue
from plans.models import Council, Deliverable, Department, Plan, StrategicObjective
from procurement.models import ProcurementEntry

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def departments_with_plans() -> QuerySet[Department]:
    """Every department with its plans, newest first. 2 queries."""
    plans = Plan.objects.order_by("-financial_year", "slug")
    return Department.objects.select_related("council").prefetch_related(Prefetch("plans", queryset=plans))


def councils_in_order() -> list[Council]:
    """Real councils by name, then synthetic benchmark councils. 1 query."""
    return list(Council.objects.order_by("is_synthetic", "name"))


def council_pick(councils: list[Council], slug: str | None) -> Council | None:
    """The council a council-wide page is about: ?council=<slug> (404 when there is no such council), else
    the first real council (synthetic ones only when the installation holds nothing else); None when no
    council is loaded yet. No query."""
    if slug:
        found = next((c for c in councils if c.slug == slug), None) if SLUG.fullmatch(slug) else None
        if found is None:
            raise Http404("No such council")
        return found
    return councils[0] if councils else None


def council_choices(councils: list[Council]) -> list[tuple[str, str]]:
    """(slug, name) for a Council choice on a council-wide form, or [] when there is nothing to choose (one
    council or none): the form then has no Council field. No query."""
    return [(c.slug, c.name) for c in councils] if len(councils) > 1 else []


def council_get(*, slug: str | None) -> Council | None:
    """council_pick over every council. 1 query."""
    return council_pick(councils_in_order(), slug)


def department_get(*, slug: str) -> Department:
    """Department slugs are unique within a council; URLs carry the slug alone, so a real council's
    department wins over a synthetic one of the same slug (the generator prefixes its slugs anyway)."""
    department = (Department.objects.filter(slug=slug).order_by("council__is_synthetic", "council__name")
                  .prefetch_related(Prefetch("plans", queryset=Plan.objects.order_by("-financial_year"))).first())
    if department is None:
        raise Http404("No such department")
    return department


def plan_get(*, slug: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("department"), slug=slug)


@dataclass
class KpiRow:
    kpi: Kpi
    cells: list[list[KpiValue]]  # one list per column (a cell may hold several years' values)


@dataclass
class KpiTable:
    columns: list[tuple[str, int]]  # (kind, year)
    rows: list[KpiRow]

    @property
    def headers(self) -> list[str]:
        from plans.parsing import fy_label

        return [f"{kind.title()} {fy_label(year)}" for kind, year in self.columns]


def kpi_table(kpis: list[Kpi]) -> KpiTable:
    """Arrange prefetched KPI values into the plan's columns (no queries). Each value sits in the column it was
    printed in (KpiValue.printed_in): a 2016-17 figure printed in brackets in the 'Actual 2017-18' cell, or a
    target printed in the 'Latest' column, stays in that cell; a column only such values name is still drawn."""
    order = {"actual": 0, "latest": 1, "target": 2}
    columns = sorted({value.printed_in for kpi in kpis for value in kpi.values.all()},
                     key=lambda c: (order[c[0]], c[1]))
    position = {column: i for i, column in enumerate(columns)}
    rows = []
    for kpi in kpis:
        cells: list[list[KpiValue]] = [[] for _ in columns]
        for value in kpi.values.all():
            cells[position[value.printed_in]].append(value)
        rows.append(KpiRow(kpi, cells))
    return KpiTable(columns, rows)


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
    kpis = list(plan.kpis.order_by("order").prefetch_related(
        # Only what the KPI tables draw (dashboard.cells.kpi_values): a value has 34 columns, a large plan 500 values
        Prefetch("values", queryset=KpiValue.objects.order_by("order").only(*PLAN_PAGE_VALUE_FIELDS))))
    kpi_groups: OrderedDict[str, list[Kpi]] = OrderedDict()
    for kpi in kpis:
        kpi_groups.setdefault(kpi.group or "", []).append(kpi)
    tables = plan.budget_tables.order_by("order").prefetch_related(
        Prefetch("columns", queryset=BudgetColumn.objects.order_by("order")),
        Prefetch("rows", queryset=BudgetRow.objects.order_by("order").prefetch_related(
            Prefetch("cells", queryset=BudgetCell.objects.select_related("column").order_by("column__order")))),
    )
    outcomes = plan.outcomes.order_by("number").prefetch_related(
        Prefetch("objectives", queryset=StrategicObjective.objects.order_by("number").prefetch_related(
            Prefetch("actions", queryset=Deliverable.objects.select_related("plan").order_by("order"))))
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
        "procurement_tables": list(plan.procurement_tables.order_by("order").prefetch_related(
            Prefetch("entries", queryset=ProcurementEntry.objects.order_by("order")))),
        "risks": list(plan.risks.order_by("order")),
        "discrepancies": list(plan.discrepancies.order_by("src_start", "pk")),
    }


# -- Deliverables, risks and the 2025-29 objective tree (council-wide lists and the deliverable page) --------

def deliverables_across_plans() -> QuerySet[Deliverable]:
    """Every deliverable, sub-action and 2025-29 action with its plan, department and parent, in document
    order. 1 query when evaluated."""
    return Deliverable.objects.select_related("plan__department", "parent").order_by(
        "plan__department__name", "-plan__financial_year", "order")


def risks_across_plans() -> QuerySet:
    """Every risk with its plan and department, in document order. 1 query when evaluated."""
    from plans.models import Risk

    return Risk.objects.select_related("plan__department").order_by(
        "plan__department__name", "-plan__financial_year", "order")


def deliverable_link_keys(*, item: Deliverable) -> list[str]:
    """What a KPI's `links` or a risk's `refs` print to name this deliverable: each of its refs, and its
    number (prefixed by its part where numbering restarts per part, e.g. 'Section Two – Departmental
    Priorities 1'). No queries."""
    keys = list(item.refs)
    if item.number and not item.objective_id:
        keys.append(f"{item.part} {item.number}" if item.part else item.number)
    return keys


def deliverable_links(*, item: Deliverable) -> dict:
    """The KPIs of the same plan whose `links` name this deliverable, each with its assessment, and the
    risks whose `refs` name it. 3 queries (KPIs, their values, risks); 2 when no KPI is linked (Django
    skips the values query for no KPIs)."""
    from plans.models import Risk

    keys = deliverable_link_keys(item=item)
    kpis = Kpi.objects.filter(plan_id=item.plan_id, links__overlap=keys).select_related("plan").prefetch_related(
        Prefetch("values", queryset=KpiValue.objects.order_by("order"))).order_by("order")
    return {
        "linked_kpis": [(kpi, kpi.assessment()) for kpi in kpis],
        "related_risks": list(Risk.objects.filter(plan_id=item.plan_id, refs__overlap=keys).order_by("order")),
    }


def objective_tree(*, plan: Plan) -> list:
    """The plan's outcomes -> strategic objectives -> actions (2025-29 shape). 3 queries (outcomes,
    objectives, actions); the actions carry their objective and outcome without further queries."""
    actions = Deliverable.objects.select_related("plan").order_by("order")
    objectives = StrategicObjective.objects.order_by("number").prefetch_related(Prefetch("actions", queryset=actions))
    return list(plan.outcomes.order_by("number").prefetch_related(Prefetch("objectives", queryset=objectives)))


# -- Dashboards: council overview, department dashboard, cabinet summary ----------------------------------------

@dataclass
class PlanFigures:
    """Headline figures of one plan, for tiles and comparisons."""

    plan: Plan
    net_cell: BudgetCell | None = None  # the controllable budget's total net cell
    kpis: list = None  # [(kpi, assessment)], off track first
    status_counts: dict = None  # status -> count
    deliverables_by_priority: list = None  # [(priority, count)]

    @property
    def net_budget(self):
        return self.net_cell.value if self.net_cell is not None else None

    @property
    def off_track(self) -> list:
        return [(k, a) for k, a in self.kpis if a.status == "off_track"]


def net_budgets(*, plans: list[Plan]) -> dict[int, BudgetCell]:
    """Plan id -> the controllable budget's total net cell (its value, and the printed figure and note
    where the printed total does not reconcile). 1 query."""
    cells = BudgetCell.objects.filter(
        row__table__plan__in=plans, row__table__kind=BudgetTable.Kind.CONTROLLABLE, row__kind=BudgetRow.Kind.TOTAL,
        column__role="net").select_related("row__table")
    return {cell.row.table.plan_id: cell for cell in cells}


def division_budgets(*, plans: list[Plan]) -> dict[int, list[tuple[str, object, object]]]:
    """Plan id -> [(division, gross, net)] from the controllable budget's division rows. 1 query."""
    from collections import defaultdict

    rows: dict = defaultdict(dict)
    cells = (BudgetCell.objects.filter(row__table__plan__in=plans, row__table__kind=BudgetTable.Kind.CONTROLLABLE,
                                       row__kind=BudgetRow.Kind.ROW, column__role__in=["gross", "net"])
             .values_list("row__table__plan_id", "row__order", "row__division", "row__group", "column__role", "value")
             .order_by("row__table__plan_id", "row__order"))
    for plan_id, order, division, group, role, value in cells:
        label = division or f"(unlabelled row{' in ' + group if group else ''})"
        rows[plan_id].setdefault((order, label), {})[role] = value
    return {pid: [(label, v.get("gross"), v.get("net")) for (_, label), v in sorted(r.items())]
            for pid, r in rows.items()}


def plan_figures(*, plans: list[Plan], with_kpis: bool = True) -> dict[int, PlanFigures]:
    """Headline figures for several plans at once. 5 queries (net budgets, KPIs, their values, their
    benchmarks, deliverables by priority), however many plans and rows. Without `with_kpis` (the overview:
    counts only) the status counts are the stored assessments (Kpi.status) counted in SQL: 3 queries."""
    from django.db.models import Count

    from kpis.assessment import NONE
    from kpis.selectors import plan_kpis

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
    counts = (Deliverable.objects.filter(plan__in=plans, parent__isnull=True)
              .values_list("plan_id", "council_priority").annotate(n=Count("id"))
              .order_by("plan_id", "council_priority"))
    for plan_id, priority, n in counts:
        figures[plan_id].deliverables_by_priority.append((priority or "Not linked to a priority", n))
    return figures


def current_plans(*, year: int | None, council: Council | None) -> tuple[list[Plan], list[int]]:
    """Each of the council's departments' plan for `year` (its newest plan for that year or before;
    default: the newest year held), and every year that has a plan. 1 query."""
    plans = list(Plan.objects.filter(department__council=council).select_related("department")
                 .order_by("department__name", "-financial_year", "slug"))
    years = sorted({p.financial_year for p in plans}, reverse=True)
    if year is None and years:
        year = years[0]
    chosen: dict[int, Plan] = {}
    for plan in plans:
        if plan.financial_year <= (year or 0) and plan.department_id not in chosen:
            chosen[plan.department_id] = plan
    return list(chosen.values()), years


def upcoming_contracts(*, plan: Plan, today, limit: int = 5) -> tuple[list, bool]:
    """The plan's contracts starting soonest on or after `today`; when none is upcoming (an older plan),
    its most recent starts instead, and False. 1 query (2 when none is upcoming)."""
    entries = ProcurementEntry.objects.filter(plan=plan, contract_start__isnull=False)
    upcoming = list(entries.filter(contract_start__gte=today).order_by("contract_start", "order")[:limit])
    if upcoming:
        return upcoming, True
    return list(entries.order_by("-contract_start", "order")[:limit]), False


def previous_plan(*, plan: Plan) -> Plan | None:
    """The same department's plan before this one. 1 query."""
    return (Plan.objects.filter(department_id=plan.department_id, financial_year__lt=plan.financial_year)
            .order_by("-financial_year").first())


def pipeline_totals(*, plan: Plan) -> dict:
    """Count and total estimated value of the plan's procurement pipeline. 1 query."""
    from django.db.models import Count, Sum

    return ProcurementEntry.objects.filter(plan=plan).aggregate(count=Count("id"), value=Sum("value"))
