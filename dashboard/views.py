import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from dashboard import briefing, charts, page_tables, plan_tables, selectors, summary_tables
from plans import selectors as plan_selectors
from plans.models import Deliverable, user_can_approve, user_can_edit
from plans.page_table import by_name, page_export


def _today() -> dt.date:
    """Today's date (tests replace this to pin 'contracts starting soonest')."""
    return dt.date.today()


def _year(request: HttpRequest) -> tuple[int | None, str]:
    """The financial year asked for in ?year=2022 (or 2022-23), and an error message if it is not one."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return None, ""
    head = raw[:4]
    if head.isdigit() and 1990 <= int(head) <= 2100:
        return int(head), ""
    return None, "Choose a financial year from the list."


def home(request: HttpRequest) -> HttpResponseBase:
    year, year_error = _year(request)
    council = plan_selectors.council_get(slug=request.GET.get("council"))
    plans, years = plan_selectors.current_plans(year=year, council=council)
    figures = selectors.plan_figures(plans=plans, with_kpis=False)  # counts only: the stored statuses
    rows = [figures[p.id] for p in plans]
    shown_year = year if year is not None else (years[0] if years else None)
    departments_table, status_table = page_tables.overview_tables(rows, year=shown_year)
    export = page_export(request, [departments_table, status_table], stem=f"overview-{shown_year}")
    if export is not None:
        return export
    ctx = {
        "rows": rows,
        "years": years,
        "year": shown_year,
        "year_error": year_error,
        "council": council,
        "departments_table": departments_table,
        "status_table": status_table,
        "status_figure": (
            charts.status_figure([(f.plan.department.name, f.status_counts) for f in rows]) if rows else None
        ),
    }
    return render(request, "dashboard/home.html", ctx)


def department(request: HttpRequest, slug: str) -> HttpResponseBase:
    dept = plan_selectors.department_get(slug=slug)
    plans = list(dept.plans.all())
    chosen = request.GET.get("plan")
    plan = next((p for p in plans if p.slug == chosen), plans[0] if plans else None)
    # Leads of this department (and administrators) are shown the ways in to update its figures; its approvers
    # (and administrators) the way to the figures awaiting their sign-off.
    ctx: dict = {
        "department": dept,
        "plans": plans,
        "plan": plan,
        "can_update": user_can_edit(request.user, dept),
        "can_approve": user_can_approve(request.user, dept),
    }
    dashboard: dict = {}
    if plan is not None:
        today = _today()
        figures = selectors.plan_figures(plans=[plan])[plan.id]
        divisions = selectors.division_budgets(plans=[plan]).get(plan.id, [])
        contracts, upcoming = selectors.upcoming_contracts(plan=plan, today=today)
        dashboard = {"figures": figures, "divisions": divisions, "contracts": contracts, "upcoming": upcoming}
    tables = page_tables.department_tables(department=dept, plans=plans, plan=plan, **dashboard)
    export = page_export(request, tables, stem=f"{dept.slug}-{plan.slug}" if plan else dept.slug)
    if export is not None:
        return export
    ctx["tables"] = by_name(tables)
    if plan is not None:
        ctx.update(
            **dashboard,
            today=today,
            division_figure=charts.division_figure(divisions) if divisions else None,
            risks=list(plan.risks.all()[:5]),
            risk_count=plan.risks.count(),
            pipeline=selectors.pipeline_totals(plan=plan),
        )
    return render(request, "dashboard/department.html", ctx)


def plan_summary(request: HttpRequest, slug: str) -> HttpResponseBase:
    plan = plan_selectors.plan_get(slug=slug)
    summary = briefing.plan_summary(plan=plan)
    tables = summary_tables.summary_tables(plan=plan, summary=summary)
    export = page_export(request, tables, stem=f"{plan.slug}-summary")
    if export is not None:
        return export
    ctx = {"plan": plan, **summary, "tables": by_name(tables)}
    return render(request, "dashboard/summary.html", ctx)


def plan_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    plan = plan_selectors.plan_get(slug=slug)
    sections = selectors.plan_sections(plan=plan)
    tables = plan_tables.plan_tables(plan=plan, sections=sections)
    export = page_export(request, plan_tables.all_tables(tables), stem=plan.slug)
    if export is not None:
        return export
    ctx = {"plan": plan, **sections, "tables": tables}
    return render(request, "dashboard/plan.html", ctx)


def deliverable(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Deliverable.objects.select_related("plan__department", "parent", "objective__outcome"),
        plan__slug=slug,
        pk=pk,
    )
    ctx = {
        "plan": item.plan,
        "item": item,
        "sub_actions": list(item.sub_actions.all()),
        "updates": list(item.updates.select_related("entered_by")),
        "can_edit": user_can_edit(request.user, item.plan.department),
        **selectors.deliverable_links(item=item),
    }
    return render(request, "dashboard/deliverable.html", ctx)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/accessibility.html")
