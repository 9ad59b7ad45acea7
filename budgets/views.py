"""The budget pages: every plan's controllable budget at a glance, one plan's budget as printed (with
its repairs, reconciliation, pressures, savings and capital programmes), and a department across years."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from budgets import selectors
from budgets import tables as budget_tables
from budgets.models import BudgetCell, BudgetColumn, BudgetTable
from plans.charts import figure_dict, new_figure
from plans.page_table import page_export
from plans.selectors import council_get
from plans.templatetags.plan_extras import money

# One colour per plan year; the legend and the table name the years, so colour is never the only key.
YEAR_COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c"]


def _answer(request: HttpRequest, page_tables: list[tables.Table], *, stem: str) -> HttpResponseBase | None:
    """`?_export=csv|xlsx&_table=<name>` downloads that one table (only it is built); otherwise sorting is
    configured on every table the page shows."""
    if (response := page_export(request, page_tables, stem=stem)) is not None:
        return response
    for table in page_tables:
        tables.RequestConfig(request, paginate=False).configure(table)
    return None


def unit_text(table: BudgetTable) -> str:
    """What the printed unit means for the figures shown."""
    if table.multiplier == 1000:
        return (
            f"the controllable budget was printed in {table.unit} (thousands of pounds); its figures are "
            f"shown in pounds (each printed figure × 1,000)."
        )
    if table.multiplier != 1:
        return f"printed in {table.unit}; figures are shown in pounds (each printed figure × {table.multiplier:,})."
    if table.unit_note:
        return table.unit_note
    return f"printed in {table.unit} (pounds)."


def _repaired(table: BudgetTable) -> int:
    """How many of the table's figures were repaired in transcription (prefetched cells; no query)."""
    return sum(1 for row in table.rows.all() for cell in row.cells.all() if cell.note)


def _misprinted(table: BudgetTable) -> list:
    """Cells printed wrong (a sign missing) that the row's own figures prove, as (row, cell), kept as printed
    (prefetched cells; no query)."""
    return [
        (row, cell)
        for row in table.rows.all()
        for cell in row.cells.all()
        if cell.reconciling_check == BudgetCell.Check.ARITHMETIC
    ]


def _bar(values: list[Decimal | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def _hbar_figure(
    labels: list[str], values: list[Decimal | None], *, name: str, groups: list[str] | None = None
) -> dict:
    """Horizontal bars in printed order (top to bottom), grouped by printed heading when there are any."""
    rows = len(labels)
    fig = new_figure(height=max(260, 34 * rows + 110), margin={"l": 20, "r": 30, "t": 10, "b": 50}, showlegend=False)
    y = [groups, labels] if groups and any(groups) else labels
    fig.add_bar(
        orientation="h",
        y=y,
        x=_bar(values),
        name=name,
        marker={"color": "#1d70b8"},
        customdata=[money(v) for v in values],
        hovertemplate="%{customdata}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title={"text": f"{name} (£)"}, tickformat=",.0f", zeroline=True, zerolinecolor="#0b0c0c")
    return figure_dict(fig)


def budget_index(request: HttpRequest) -> HttpResponseBase:
    totals = selectors.budget_overview(council=council_get(slug=request.GET.get("council")))
    overview = budget_tables.overview_table(
        totals, name="net-by-plan", caption="Net controllable budget by department and plan year (pounds)"
    )
    response = _answer(request, [overview], stem="budgets")
    if response:
        return response
    fig = new_figure(barmode="group", height=420, margin={"l": 20, "r": 30, "t": 10, "b": 60})
    with_figures = [t for t in totals if t.net is not None]
    for i, year in enumerate(sorted({t.plan.financial_year for t in with_figures})):
        items = [t for t in with_figures if t.plan.financial_year == year]
        fig.add_bar(
            orientation="h",
            name=items[0].plan.year_label,
            y=[t.plan.department.name for t in items],
            x=_bar([t.net for t in items]),
            marker={"color": YEAR_COLOURS[i % len(YEAR_COLOURS)]},
            customdata=[money(t.net) for t in items],
            hovertemplate="%{y}, " + items[0].plan.year_label + ": %{customdata}<extra></extra>",
        )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title={"text": "Net controllable budget (£)"}, tickformat=",.0f")
    unit_notes = [(t, unit_text(t.table)) for t in totals if t.table and (t.table.multiplier != 1 or t.table.unit_note)]
    ctx = {
        "totals": totals,
        "overview": overview,
        "unit_notes": unit_notes,
        "chart": figure_dict(fig),
        "departments": list({t.plan.department.slug: t.plan.department for t in totals}.values()),
    }
    return render(request, "budgets/index.html", ctx)


def plan_budget(request: HttpRequest, slug: str) -> HttpResponseBase:
    plan = selectors.plan_budget_get(slug=slug)
    budget = selectors.plan_budget(plan=plan)
    page_tables: list[tables.Table] = []
    sections = []
    for i, table in enumerate(budget.controllable, 1):
        differences = budget.differences[table.pk]
        roles = {c.role for c in table.columns.all()}
        lines = selectors.division_lines(table)
        areas = selectors.area_lines(lines)
        has_groups = any(line.group for line in lines)
        has_grants = BudgetColumn.Role.GRANTS in roles
        section = {
            "table": table,
            "index": str(i),
            "multiplier": f"{table.multiplier:,}",
            "differences": differences,
            "has_grants": has_grants,
            "repaired": _repaired(table),
            "misprinted": _misprinted(table),
            "printed": budget_tables.printed_budget_table(table, differences, name=f"printed-{i}"),
            "divisions": budget_tables.division_table(
                lines,
                has_grants=has_grants,
                name=f"divisions-{i}",
                caption=f"Net budget by division, {plan.year_label} (pounds)",
            ),
            "division_chart": _hbar_figure(
                [line.label for line in lines],
                [line.net for line in lines],
                name="Net budget",
                groups=[line.group for line in lines],
            ),
            "areas": None,
            "area_chart": None,
        }
        if has_groups:
            section["areas"] = budget_tables.area_table(
                areas,
                has_grants=has_grants,
                name=f"areas-{i}",
                caption=f"Net budget by group heading, {plan.year_label} (pounds; subtotals computed here)",
            )
            section["area_chart"] = _hbar_figure([a.label for a in areas], [a.net for a in areas], name="Net budget")
            page_tables.append(section["areas"])
        page_tables += [section["printed"], section["divisions"]]
        sections.append(section)
    capital = []
    for i, table in enumerate(budget.capital, 1):
        printed = budget_tables.printed_budget_table(table, budget.differences[table.pk], name=f"capital-{i}")
        capital.append(
            {
                "table": table,
                "printed": printed,
                "differences": budget.differences[table.pk],
                "repaired": _repaired(table),
            }
        )
        page_tables.append(printed)
    headlines = budget_tables.named(
        budget_tables.HeadlineTable(budget.headlines), "headlines", "Budget figures printed in the plan's text"
    )
    pressures = budget_tables.pressure_table(
        selectors.pressure_lines(budget.pressures),
        name="pressures",
        caption="Service pressures funded, by kind (pounds)",
    )
    savings = budget_tables.saving_table(budget.savings, name="savings", caption="Savings (pounds)")
    discrepancies = budget_tables.named(
        budget_tables.DiscrepancyTable(budget.discrepancies), "notes", "Source discrepancies in this plan's budget"
    )
    page_tables += [headlines, pressures, savings, discrepancies]
    response = _answer(request, page_tables, stem=plan.slug)
    if response:
        return response
    ctx = {
        "plan": plan,
        "budget": budget,
        "sections": sections,
        "capital": capital,
        "headlines": headlines if budget.headlines else None,
        "pressures": pressures if budget.pressures else None,
        "pressure_totals": selectors.pressure_totals(budget.pressures),
        "savings": savings if budget.savings else None,
        "discrepancies": discrepancies if budget.discrepancies else None,
        "has_charts": bool(sections),
    }
    return render(request, "budgets/plan.html", ctx)


def department_budget(request: HttpRequest, slug: str) -> HttpResponseBase:
    budget = selectors.department_budget(slug=slug)
    comparison = budget_tables.comparison_table(
        budget, name="net-by-division", caption="Net budget by division and plan year (pounds)"
    )
    by_year = budget_tables.division_year_table(
        budget, name="divisions-by-year", caption="Gross, income, grants and net by division and year (pounds)"
    )
    totals = budget_tables.year_totals_table(
        budget, name="totals-by-year", caption="Totals, service pressures and savings by plan year (pounds)"
    )
    response = _answer(request, [comparison, by_year, totals], stem=f"{budget.department.slug}-budgets")
    if response:
        return response
    fig = new_figure(
        barmode="group", height=max(360, 70 * len(budget.divisions) + 120), margin={"l": 20, "r": 30, "t": 10, "b": 60}
    )
    for i, year in enumerate(budget.table_years):
        values = [line.net if line else None for line in (h.lines[i] for h in budget.divisions)]
        fig.add_bar(
            orientation="h",
            name=year.plan.year_label,
            y=[h.label for h in budget.divisions],
            x=_bar(values),
            marker={"color": YEAR_COLOURS[i % len(YEAR_COLOURS)]},
            customdata=[money(v) if v is not None else "not in this year's table" for v in values],
            hovertemplate="%{y}, " + year.plan.year_label + ": %{customdata}<extra></extra>",
        )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title={"text": "Net budget (£)"}, tickformat=",.0f")
    ctx = {
        "budget": budget,
        "department": budget.department,
        "comparison": comparison,
        "by_year": by_year,
        "totals": totals,
        "chart": figure_dict(fig) if budget.table_years else None,
        "renamed": [h for h in budget.divisions if h.renamed],
        "partial": [h for h in budget.divisions if None in h.lines],
        "missing_tables": [y for y in budget.years if y.table is None],
    }
    return render(request, "budgets/department.html", ctx)
