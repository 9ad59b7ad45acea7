"""Reads for the budget pages, shaped for tables and charts. Each function's docstring states its query
count; none grows with the number of rows."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from budgets.models import (
    BudgetCell,
    BudgetColumn,
    BudgetHeadline,
    BudgetRow,
    BudgetTable,
    Difference,
    Saving,
    ServicePressure,
)
from plans.models import Council, Department, Discrepancy, Plan, Sourced

ROLES = (BudgetColumn.Role.GROSS, BudgetColumn.Role.INCOME, BudgetColumn.Role.GRANTS, BudgetColumn.Role.NET)


def _with_contents(tables: QuerySet[BudgetTable]) -> QuerySet[BudgetTable]:
    """Budget tables with their columns, rows and cells (with column): 4 queries."""
    cells = BudgetCell.objects.select_related("column").order_by("column__order")
    return tables.prefetch_related(
        "columns", Prefetch("rows", queryset=BudgetRow.objects.prefetch_related(Prefetch("cells", queryset=cells)))
    )


# -- the overview ------------------------------------------------------------------------------------


@dataclass
class PlanTotal:
    plan: Plan
    table: BudgetTable | None
    cell: BudgetCell | None  # the net cell of the table's total row, when one is printed

    @property
    def net(self) -> Decimal | None:
        return self.cell.value if self.cell else None


def budget_overview(*, council: Council | None) -> list[PlanTotal]:
    """Every plan of the council with its controllable budget's total net (the total row's Net Budget cell,
    in pounds), departments in name order, plans oldest first. 2 queries: plans with departments; total net
    cells with their row, table and column."""
    plans = list(
        Plan.objects.filter(department__council=council)
        .select_related("department")
        .order_by("department__name", "financial_year", "slug")
    )
    cells = (
        BudgetCell.objects.filter(
            row__kind=BudgetRow.Kind.TOTAL,
            column__role=BudgetColumn.Role.NET,
            row__table__kind=BudgetTable.Kind.CONTROLLABLE,
            row__table__plan__in=[p.pk for p in plans],
        )
        .select_related("row__table", "column")
        .order_by("row__table__order", "row__order")
    )
    first: dict[int, BudgetCell] = {}
    for cell in cells:
        first.setdefault(cell.row.table.plan_id, cell)
    return [PlanTotal(p, first[p.pk].row.table if p.pk in first else None, first.get(p.pk)) for p in plans]


# -- one plan ----------------------------------------------------------------------------------------


@dataclass
class DivisionLine:
    """One division's (or service area's) gross, income, grants and net, in pounds."""

    label: str
    group: str = ""
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    row: BudgetRow | None = None
    members: int = 1  # rows summed into this line (group subtotals)

    @property
    def net(self) -> Decimal | None:
        return self.amounts.get(BudgetColumn.Role.NET)


def _printed_amount(row: BudgetRow, role: str) -> Decimal | None:
    """The row's amount in `role`, or None when the table has no such column or the row prints it blank."""
    if all(c.value is None for c in row.cells.all() if c.column.role == role):
        return None
    return row.amount(role)


def division_lines(table: BudgetTable) -> list[DivisionLine]:
    """The table's plain rows (not subtotals or totals) as division lines, in printed order (no query
    when the table's rows and cells are prefetched). A figure printed blank stays blank (None)."""
    return [
        DivisionLine(
            label=row.label, group=row.group, row=row, amounts={role: _printed_amount(row, role) for role in ROLES}
        )
        for row in table.rows.all()
        if row.kind == BudgetRow.Kind.ROW
    ]


def area_lines(lines: list[DivisionLine]) -> list[DivisionLine]:
    """Division lines summed by their printed group heading (a row without a group stands alone), in
    printed order. These subtotals are computed here: the documents print none."""
    areas: OrderedDict[str, DivisionLine] = OrderedDict()
    for line in lines:
        key = line.group or f"row:{line.label}"
        if key not in areas:
            areas[key] = DivisionLine(
                label=line.group or line.label, group=line.group, members=0, amounts={role: None for role in ROLES}
            )
        area = areas[key]
        area.members += 1
        for role, value in line.amounts.items():
            if value is not None:
                area.amounts[role] = (area.amounts[role] or Decimal(0)) + value
    return list(areas.values())


@dataclass
class PressureLine:
    title: str
    amounts: dict[str, Decimal] = field(default_factory=dict)  # by ServicePressure.Kind
    items: list[ServicePressure] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


def pressure_lines(pressures: list[ServicePressure]) -> list[PressureLine]:
    """One line per pressure title (a title funded in several kinds is one line), in printed order."""
    lines: OrderedDict[str, PressureLine] = OrderedDict()
    for item in pressures:
        line = lines.setdefault(item.title, PressureLine(item.title))
        line.amounts[item.kind] = line.amounts.get(item.kind, Decimal(0)) + item.amount
        line.items.append(item)
    return list(lines.values())


def pressure_totals(pressures: list[ServicePressure]) -> dict[str, Decimal]:
    """Totals by kind (every kind present, zero when none) and "total"."""
    totals = {kind: Decimal(0) for kind in ServicePressure.Kind.values}
    for item in pressures:
        totals[item.kind] += item.amount
    totals["total"] = sum(totals.values(), Decimal(0))
    return totals


@dataclass
class PlanBudget:
    plan: Plan
    controllable: list[BudgetTable]
    capital: list[BudgetTable]
    headlines: list[BudgetHeadline]
    pressures: list[ServicePressure]
    savings: list[Saving]
    discrepancies: list[Discrepancy]
    differences: dict[int, list[Difference]]  # by table id

    @property
    def savings_total(self) -> Decimal:
        return sum((s.amount or Decimal(0) for s in self.savings), Decimal(0))


def _overlaps(record: Sourced, others: list[Sourced]) -> bool:
    if not record.src_start:
        return False
    end = record.src_end or record.src_start
    return any(o.src_start and o.src_start <= end and record.src_start <= (o.src_end or o.src_start) for o in others)


def plan_budget_get(*, slug: str) -> Plan:
    """The plan with its department, or 404. 1 query."""
    return get_object_or_404(Plan.objects.select_related("department"), slug=slug)


def plan_budget(*, plan: Plan) -> PlanBudget:
    """Everything about one plan's money. 8 queries: budget tables, their columns, rows, cells (with
    column); headlines; pressures; savings; the plan's discrepancies (with content type).

    A discrepancy belongs to the budget when it is attached to a budget record, or, for those attached
    to none (recorded at the plan level), when its source lines overlap a budget record's lines."""
    tables = list(_with_contents(plan.budget_tables.all()))
    headlines = list(plan.budget_headlines.all())
    pressures = list(plan.pressures.all())
    savings = list(plan.savings.all())
    budget_records: list[Sourced] = [*tables, *headlines, *pressures, *savings]
    discrepancies = [
        d
        for d in plan.discrepancies.select_related("content_type")
        if (d.content_type.app_label == "budgets" if d.content_type else _overlaps(d, budget_records))
    ]
    return PlanBudget(
        plan=plan,
        controllable=[t for t in tables if t.kind == BudgetTable.Kind.CONTROLLABLE],
        capital=[t for t in tables if t.kind == BudgetTable.Kind.CAPITAL],
        headlines=headlines,
        pressures=pressures,
        savings=savings,
        discrepancies=discrepancies,
        differences={t.pk: t.reconciliation() for t in tables},
    )


# -- a department across years -----------------------------------------------------------------------


def division_key(name: str) -> str:
    """Division names compared across years: case, punctuation and '&' for 'and' do not count
    ("Early Help & Safeguarding" is "Early Help and Safeguarding")."""
    return re.sub(r"[^a-z0-9]+", " ", name.casefold().replace("&", " and ")).strip()


@dataclass
class YearBudget:
    plan: Plan
    table: BudgetTable | None
    total: BudgetRow | None
    lines: list[DivisionLine]
    pressures: dict[str, Decimal]
    pressure_count: int
    savings: Decimal
    saving_count: int

    def total_amount(self, role: str) -> Decimal | None:
        return _printed_amount(self.total, role) if self.total else None


@dataclass
class DivisionHistory:
    """One division followed across a department's plans: its line (or None) per plan, in plan order."""

    key: str
    lines: list[DivisionLine | None]
    years: list[YearBudget]

    @property
    def label(self) -> str:
        """The name as most recently printed."""
        return next(line.label for line in reversed(self.lines) if line)

    @property
    def names(self) -> list[tuple[str, list[str]]]:
        """Each printed name with the years it was printed in, in order of first use."""
        names: OrderedDict[str, list[str]] = OrderedDict()
        for line, year in zip(self.lines, self.years, strict=False):
            if line:
                names.setdefault(line.label, []).append(year.plan.year_label)
        return list(names.items())

    @property
    def printed_in(self) -> list[str]:
        return [year.plan.year_label for line, year in zip(self.lines, self.years, strict=False) if line]

    @property
    def missing_in(self) -> list[str]:
        return [year.plan.year_label for line, year in zip(self.lines, self.years, strict=False) if not line]

    @property
    def renamed(self) -> bool:
        return len(self.names) > 1


@dataclass
class DepartmentBudget:
    department: Department
    years: list[YearBudget]
    divisions: list[DivisionHistory]

    @property
    def table_years(self) -> list[YearBudget]:
        return [y for y in self.years if y.table]


def department_budget(*, slug: str) -> DepartmentBudget:
    """A department's budgets across its plans, oldest first, divisions matched by name (see
    division_key). 8 queries: department; plans; their controllable tables, columns, rows, cells (with
    column); pressures; savings (the department 404s before any other query)."""
    department = get_object_or_404(Department, slug=slug)
    controllable = Prefetch(
        "budget_tables", queryset=_with_contents(BudgetTable.objects.filter(kind=BudgetTable.Kind.CONTROLLABLE))
    )
    plans = list(
        department.plans.order_by("financial_year", "slug").prefetch_related(controllable, "pressures", "savings")
    )
    years = []
    for plan in plans:
        table = next(iter(plan.budget_tables.all()), None)
        rows = list(table.rows.all()) if table else []
        pressures = list(plan.pressures.all())
        savings = list(plan.savings.all())
        years.append(
            YearBudget(
                plan=plan,
                table=table,
                total=next((r for r in rows if r.kind == BudgetRow.Kind.TOTAL), None),
                lines=division_lines(table) if table else [],
                pressures=pressure_totals(pressures),
                pressure_count=len(pressures),
                savings=sum((s.amount or Decimal(0) for s in savings), Decimal(0)),
                saving_count=len(savings),
            )
        )
    with_tables = [y for y in years if y.table]
    histories: OrderedDict[str, DivisionHistory] = OrderedDict()
    for i, year in enumerate(with_tables):
        for line in year.lines:
            key = division_key(line.label)
            history = histories.setdefault(key, DivisionHistory(key, [None] * len(with_tables), with_tables))
            history.lines[i] = line
    return DepartmentBudget(department=department, years=years, divisions=list(histories.values()))
