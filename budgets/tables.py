"""django-tables2 tables for the budget pages. Several tables share a page, so each has a prefix (its
sort keys do not collide) and a `name`: `?_export=csv&_table=<name>` downloads that table
(templates/budgets/table.html puts both in its download links)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import reverse

from budgets.figures import Figure, FigureColumn, figure, headline_beside, plain
from budgets.models import BudgetRow, BudgetTable, Difference, Saving, ServicePressure
from budgets.selectors import DepartmentBudget, DivisionLine, PlanTotal, PressureLine
from plans.html import format_html
from plans.parsing import fy_label
from plans.tables import YEAR_CELL, MoneyColumn
from plans.templatetags.plan_extras import money

TEMPLATE = "budgets/table.html"


_plain = plain  # the name the tables below use


def named(table: tables.Table, name: str, caption: str) -> tables.Table:
    table.name = name
    table.prefix = f"{name}-"
    table.caption = caption
    return table


# -- a budget table as printed -------------------------------------------------------------------------


class PrintedBudgetTable(tables.Table):
    label = tables.Column(verbose_name="Division or service", orderable=False)

    class Meta:
        template_name = TEMPLATE
        orderable = False  # the printed order is the table's meaning: totals follow what they sum

    def render_label(self, value: str, record: dict) -> str:
        if record["kind"] == "heading":
            return format_html(
                '{}<span class="govuk-visually-hidden"> (group heading for the rows below)</span>', value
            )
        return value

    def value_label(self, value: str) -> str:
        return value


def printed_budget_table(table: BudgetTable, differences: list[Difference], *, name: str) -> PrintedBudgetTable:
    """The table row by row, column by column, as printed: a group heading is a row of its own above the
    rows under it, as in the document; figures in the printed unit (capital programmes as printed text).
    No query when the table's contents are prefetched."""
    capital = table.kind == BudgetTable.Kind.CAPITAL
    columns = list(table.columns.all())
    data = []
    heading = ""
    for row in table.rows.all():
        if row.kind == BudgetRow.Kind.ROW and row.group != heading:
            heading = row.group
            if heading:
                data.append({"label": heading, "kind": "heading"})
        record: dict[str, Any] = {"label": row.label, "kind": row.kind}
        for column in columns:
            record[f"c{column.pk}"] = figure(row.cell_for(column), table, differences, as_printed_text=capital)
        data.append(record)
    extra = [(f"c{c.pk}", FigureColumn(verbose_name=c.label)) for c in columns]
    if capital:
        unit = ""
    elif table.multiplier == 1 and table.unit_note:
        unit = f" (figures in pounds; the header prints {table.unit})"
    else:
        unit = f" (figures in {table.unit}, as printed)"
    return named(PrintedBudgetTable(data, extra_columns=extra), name, f"{table.title}{unit}")


# -- net budget by division / by group ----------------------------------------------------------------


class DivisionTable(tables.Table):
    label = tables.Column(verbose_name="Division or service")
    group = tables.Column(verbose_name="Group heading", default="")
    gross = MoneyColumn(verbose_name="Gross budget", default="")
    income = MoneyColumn(verbose_name="Income", default="")
    grants = MoneyColumn(verbose_name="Grants", default="")
    net = MoneyColumn(verbose_name="Net budget", default="")

    class Meta:
        template_name = TEMPLATE


class AreaTable(tables.Table):
    label = tables.Column(verbose_name="Group heading (or division printed without one)")
    members = tables.Column(verbose_name="Rows summed", attrs={"td": {"class": "app-num"}, "th": {"class": "app-num"}})
    gross = MoneyColumn(verbose_name="Gross budget", default="")
    income = MoneyColumn(verbose_name="Income", default="")
    grants = MoneyColumn(verbose_name="Grants", default="")
    net = MoneyColumn(verbose_name="Net budget", default="")

    class Meta:
        template_name = TEMPLATE


def _amount_rows(lines: list[DivisionLine]) -> list[dict]:
    return [
        {
            "label": line.label,
            "group": line.group,
            "members": line.members,
            **{role: line.amounts.get(role) for role in ("gross", "income", "grants", "net")},
        }
        for line in lines
    ]


def division_table(lines: list[DivisionLine], *, has_grants: bool, name: str, caption: str) -> DivisionTable:
    data = _amount_rows(lines)
    exclude = [c for c, keep in (("group", any(r["group"] for r in data)), ("grants", has_grants)) if not keep]
    return named(DivisionTable(data, exclude=exclude), name, caption)


def area_table(lines: list[DivisionLine], *, has_grants: bool, name: str, caption: str) -> AreaTable:
    return named(AreaTable(_amount_rows(lines), exclude=() if has_grants else ("grants",)), name, caption)


# -- headlines, pressures, savings, discrepancies -----------------------------------------------------


class HeadlineTable(tables.Table):
    label = tables.Column(verbose_name="Figure")
    printed = tables.Column(verbose_name="As printed")
    value = MoneyColumn(verbose_name="In pounds", default="no figure stored")
    note = tables.Column(verbose_name="Note", default="")
    src_label = tables.Column(verbose_name="Source", orderable=False, default="")

    class Meta:
        template_name = TEMPLATE

    def render_value(self, value, record) -> str:
        return format_html("{}{}", money(value), headline_beside(record, record.plan.slug))

    def value_value(self, value, record) -> Any:
        return plain(value)


def _total_footer(key: str) -> Callable:
    def footer(table: tables.Table) -> str:
        return money(sum((row[key] or Decimal(0) for row in table.data), Decimal(0)))

    return footer


class PressureTable(tables.Table):
    title = tables.Column(verbose_name="Service pressure", footer="Total")
    ongoing = MoneyColumn(verbose_name="Ongoing", default="", footer=_total_footer("ongoing"))
    ongoing_contingency = MoneyColumn(
        verbose_name="Ongoing contingency", default="", footer=_total_footer("ongoing_contingency")
    )
    one_off = MoneyColumn(verbose_name="One-off", default="", footer=_total_footer("one_off"))
    one_off_contingency = MoneyColumn(
        verbose_name="One-off contingency", default="", footer=_total_footer("one_off_contingency")
    )
    total = MoneyColumn(verbose_name="Total", footer=_total_footer("total"))

    class Meta:
        template_name = TEMPLATE


def pressure_table(lines: list[PressureLine], *, name: str, caption: str) -> PressureTable:
    data = [
        {
            "title": line.title,
            "total": line.total,
            **{kind: line.amounts.get(kind) for kind in ServicePressure.Kind.values},
        }
        for line in lines
    ]
    return named(PressureTable(data), name, caption)


class SavingTable(tables.Table):
    title = tables.Column(verbose_name="Saving", footer="Total")
    description = tables.Column(verbose_name="Description", default="")
    year = tables.Column(verbose_name="Year", default="", attrs=YEAR_CELL)
    printed = tables.Column(verbose_name="As printed")
    amount = MoneyColumn(verbose_name="In pounds", default="", footer=_total_footer("amount"))

    class Meta:
        template_name = TEMPLATE


def saving_table(savings: list[Saving], *, name: str, caption: str) -> SavingTable:
    data = [
        {
            "title": s.title,
            "description": s.description,
            "year": fy_label(s.year) if s.year else "",
            "printed": s.printed,
            "amount": s.amount,
        }
        for s in savings
    ]
    return named(SavingTable(data), name, caption)


class DiscrepancyTable(tables.Table):
    record = tables.Column(verbose_name="Record")
    field = tables.Column(verbose_name="Field", default="")
    printed = tables.Column(verbose_name="Printed", default="")
    stored = tables.Column(verbose_name="Stored", default="")
    note = tables.Column(verbose_name="Explanation")
    src_label = tables.Column(verbose_name="Source", orderable=False, default="")

    class Meta:
        template_name = TEMPLATE


# -- the overview -------------------------------------------------------------------------------------


class OverviewTable(tables.Table):
    department = tables.Column(verbose_name="Department")
    year = tables.Column(verbose_name="Year", attrs=YEAR_CELL)
    plan = tables.Column(verbose_name="Plan")
    net = FigureColumn(verbose_name="Net controllable budget", order_by=("net_value",))
    unit = tables.Column(verbose_name="Printed in", default="")

    class Meta:
        template_name = TEMPLATE

    def render_department(self, value: str, record: dict) -> str:
        return format_html('<a class="govuk-link" href="{}">{}</a>', record["department_url"], value)

    def render_plan(self, value: str, record: dict) -> str:
        return format_html('<a class="govuk-link" href="{}">{}</a>', record["plan_url"], value)

    def value_department(self, value: str) -> str:
        return value

    def value_plan(self, value: str) -> str:
        return value


def overview_table(totals: list[PlanTotal], *, name: str, caption: str) -> OverviewTable:
    data = []
    for item in totals:
        plan, table = item.plan, item.table
        if item.cell is not None and table is not None:  # a total cell comes with its table
            net = figure(item.cell, table, in_pounds=True, plan_slug=plan.slug)
        else:
            net = Figure("no controllable budget table printed" if table is None else "no total row printed", None)
        unit = ""
        if table is not None:
            unit = table.unit if table.multiplier == 1 else f"{table.unit} (shown in pounds)"
            if table.unit_note:
                unit += " (the figures are pounds)"
        data.append(
            {
                "department": plan.department.name,
                "department_url": reverse("department_budget", args=[plan.department.slug]),
                "year": plan.year_label,
                "plan": plan.title,
                "plan_url": reverse("plan_budget", args=[plan.slug]),
                "net": net,
                "net_value": item.net,
                "unit": unit,
            }
        )
    return named(OverviewTable(data), name, caption)


# -- a department across years ------------------------------------------------------------------------


class ComparisonTable(tables.Table):
    label = tables.Column(verbose_name="Division (as last printed)")
    names = tables.Column(verbose_name="Printed names", orderable=False, default="")

    class Meta:
        template_name = TEMPLATE


def comparison_table(budget: DepartmentBudget, *, name: str, caption: str) -> ComparisonTable:
    """Net budget by division, one column per plan year (divisions matched by name)."""
    years = budget.table_years
    data = []
    for history in budget.divisions:
        record: dict[str, Any] = {"label": history.label}
        for year, line in zip(years, history.lines, strict=False):
            record[f"net_{year.plan.financial_year}"] = line.net if line else None
        record["names"] = "; ".join(f"“{n}” in {', '.join(y)}" for n, y in history.names) if history.renamed else ""
        data.append(record)
    extra = [
        (
            f"net_{y.plan.financial_year}",
            MoneyColumn(verbose_name=f"Net {y.plan.year_label}", default="not in this year's table"),
        )
        for y in years
    ]
    return named(ComparisonTable(data, extra_columns=extra, sequence=("label", "...", "names")), name, caption)


class DivisionYearTable(tables.Table):
    label = tables.Column(verbose_name="Division (as printed that year)")
    matched = tables.Column(verbose_name="Matched as", default="")
    year = tables.Column(verbose_name="Year", attrs=YEAR_CELL)
    gross = MoneyColumn(verbose_name="Gross budget", default="")
    income = MoneyColumn(verbose_name="Income", default="")
    grants = MoneyColumn(verbose_name="Grants", default="")
    net = MoneyColumn(verbose_name="Net budget", default="")

    class Meta:
        template_name = TEMPLATE


def division_year_table(budget: DepartmentBudget, *, name: str, caption: str) -> DivisionYearTable:
    years = budget.table_years
    data = []
    for history in budget.divisions:
        for year, line in zip(years, history.lines, strict=False):
            if line:
                data.append(
                    {
                        "label": line.label,
                        "matched": history.label,
                        "year": year.plan.year_label,
                        **{role: line.amounts.get(role) for role in ("gross", "income", "grants", "net")},
                    }
                )
    return named(DivisionYearTable(data), name, caption)


class YearTotalsTable(tables.Table):
    year = tables.Column(verbose_name="Year", attrs=YEAR_CELL)
    plan = tables.Column(verbose_name="Plan")
    # the total row's printed figures, with what its rows sum to beside any that do not add up
    gross = FigureColumn(verbose_name="Gross budget")
    income = FigureColumn(verbose_name="Income")
    grants = FigureColumn(verbose_name="Grants")
    net = FigureColumn(verbose_name="Net budget")
    ongoing = MoneyColumn(verbose_name="Pressures: ongoing", default="none printed")
    ongoing_contingency = MoneyColumn(verbose_name="Pressures: ongoing contingency", default="none printed")
    one_off = MoneyColumn(verbose_name="Pressures: one-off", default="none printed")
    one_off_contingency = MoneyColumn(verbose_name="Pressures: one-off contingency", default="none printed")
    pressures = MoneyColumn(verbose_name="Pressures: total", default="none printed")
    savings = MoneyColumn(verbose_name="Savings: total", default="none printed")

    class Meta:
        template_name = TEMPLATE

    def render_plan(self, value: str, record: dict) -> str:
        return format_html('<a class="govuk-link" href="{}">{}</a>', record["plan_url"], value)

    def value_plan(self, value: str) -> str:
        return value


def year_totals_table(budget: DepartmentBudget, *, name: str, caption: str) -> YearTotalsTable:
    data = []
    for year in budget.years:
        record: dict[str, Any] = {
            "year": year.plan.year_label,
            "plan": year.plan.title,
            "plan_url": reverse("plan_budget", args=[year.plan.slug]),
        }
        for role in ("gross", "income", "grants", "net"):
            cells = [c for c in year.total.cells.all() if c.column.role == role] if year.total else []
            if len(cells) == 1 and cells[0].value is not None and year.table is not None:  # total implies table
                record[role] = figure(cells[0], year.table, in_pounds=True, plan_slug=year.plan.slug)
            else:
                total = year.total_amount(role)
                record[role] = Figure("not printed", None) if total is None else Figure(money(total), _plain(total))
        for kind in ServicePressure.Kind.values:
            record[kind] = year.pressures[kind] if year.pressure_count else None
        record["pressures"] = year.pressures["total"] if year.pressure_count else None
        record["savings"] = year.savings if year.saving_count else None
        data.append(record)
    return named(YearTotalsTable(data), name, caption)
