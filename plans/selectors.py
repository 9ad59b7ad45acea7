"""Reads that cross models, shaped for the pages. Each function's docstring states its query count."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from budgets.models import BudgetCell, BudgetRow, BudgetTable
from kpis.models import Kpi, KpiValue
from plans.models import Deliverable, Department, Plan, StrategicObjective
from procurement.models import ProcurementEntry, ProcurementTable


def departments_with_plans() -> QuerySet[Department]:
    """Every department with its plans, newest first. 2 queries."""
    plans = Plan.objects.order_by("-financial_year", "slug")
    return Department.objects.select_related("council").prefetch_related(Prefetch("plans", queryset=plans))


def department_get(*, slug: str) -> Department:
    return get_object_or_404(
        Department.objects.prefetch_related(Prefetch("plans", queryset=Plan.objects.order_by("-financial_year"))),
        slug=slug,
    )


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
    """Arrange prefetched KPI values into the plan's columns (no queries)."""
    columns: list[tuple[str, int]] = []
    order = {"actual": 0, "latest": 1, "target": 2}
    for kpi in kpis:
        for value in kpi.values.all():
            if not value.column and (value.kind, value.year) not in columns:
                columns.append((value.kind, value.year))
    columns.sort(key=lambda c: (order[c[0]], c[1]))
    rows = []
    for kpi in kpis:
        cells: list[list[KpiValue]] = [[] for _ in columns]
        for value in kpi.values.all():
            key = (value.kind, value.year)
            if value.column:
                # Printed inside another column (e.g. a 2018-19 figure in the 2019-20 column): find it.
                for i, (kind, year) in enumerate(columns):
                    if kind == value.kind and value.column.endswith(str(year + 1)):
                        key = (kind, year)
                        break
            if key in columns:
                cells[columns.index(key)].append(value)
        rows.append(KpiRow(kpi, cells))
    return KpiTable(columns, rows)


def plan_sections(*, plan: Plan) -> dict:
    """Everything a plan holds, for the plan page. A fixed number of queries (one per prefetch),
    whatever the size of the plan."""
    deliverables = list(
        plan.deliverables.filter(parent__isnull=True, objective__isnull=True).prefetch_related(
            Prefetch("sub_actions", queryset=Deliverable.objects.select_related("plan").order_by("order"))
        )
    )
    by_section: "OrderedDict[tuple[str, str], list[Deliverable]]" = OrderedDict()
    for d in deliverables:
        by_section.setdefault((d.get_section_display(), d.part or d.council_priority), []).append(d)
    statements: "OrderedDict[str, list]" = OrderedDict()
    for s in plan.statements.all():
        statements.setdefault(s.get_kind_display(), []).append(s)
    kpis = list(plan.kpis.prefetch_related(Prefetch("values", queryset=KpiValue.objects.order_by("order"))))
    kpi_groups: "OrderedDict[str, list[Kpi]]" = OrderedDict()
    for kpi in kpis:
        kpi_groups.setdefault(kpi.group or "", []).append(kpi)
    tables = plan.budget_tables.prefetch_related(
        "columns",
        Prefetch("rows", queryset=BudgetRow.objects.prefetch_related(
            Prefetch("cells", queryset=BudgetCell.objects.select_related("column").order_by("column__order")))),
    )
    outcomes = plan.outcomes.prefetch_related(
        Prefetch("objectives", queryset=StrategicObjective.objects.prefetch_related(
            Prefetch("actions", queryset=Deliverable.objects.select_related("plan").order_by("order"))))
    )
    return {
        "statements": statements,
        "divisions": list(plan.divisions.all()),
        "workforce": list(plan.workforce.all()),
        "headlines": list(plan.budget_headlines.all()),
        "pressures": list(plan.pressures.all()),
        "savings": list(plan.savings.all()),
        "budget_tables": list(tables),
        "deliverable_sections": by_section,
        "outcomes": list(outcomes),
        "kpi_tables": [(group, kpi_table(items)) for group, items in kpi_groups.items()],
        "procurement_tables": list(plan.procurement_tables.prefetch_related(
            Prefetch("entries", queryset=ProcurementEntry.objects.order_by("order")))),
        "risks": list(plan.risks.all()),
        "discrepancies": list(plan.discrepancies.all()),
    }
