"""Council-wide deliverable and risk tables, and the 2025-29 outcome -> objective -> action tree."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from plans import selectors
from plans.deliverable_tables import DeliverableTable, ObjectiveActionTable, RiskTable
from plans.filters import DeliverableFilter, RiskFilter
from plans.tables import PER_PAGE, table_export


def deliverable_list(request: HttpRequest) -> HttpResponse:
    filterset = DeliverableFilter(request.GET, queryset=selectors.deliverables_across_plans())
    # Bad input shows its errors beside the fields and lists nothing, rather than rows it did not filter.
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = DeliverableTable(qs, caption="Deliverables and actions")
    if (export := table_export(request, table, name="deliverables", per_page=PER_PAGE)) is not None:
        return export
    ctx = {"filter": filterset, "table": table, "count": table.paginator.count, "council": filterset.council}
    return render(request, "deliverables/deliverable_list.html", ctx)


def risk_list(request: HttpRequest) -> HttpResponse:
    filterset = RiskFilter(request.GET, queryset=selectors.risks_across_plans())
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = RiskTable(qs, caption="Risks")
    if (export := table_export(request, table, name="risks", per_page=PER_PAGE)) is not None:
        return export
    ctx = {"filter": filterset, "table": table, "count": table.paginator.count, "council": filterset.council}
    return render(request, "deliverables/risk_list.html", ctx)


def objective_tree(request: HttpRequest, slug: str) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    outcomes = selectors.objective_tree(plan=plan)
    if not outcomes:
        raise Http404("This plan has no outcomes, strategic objectives or actions")
    objectives = [objective for outcome in outcomes for objective in outcome.objectives.all()]
    actions = [action for objective in objectives for action in objective.actions.all()]
    table = ObjectiveActionTable(actions, caption="Strategic objective actions")
    if (export := table_export(request, table, name=f"{plan.slug}-objectives")) is not None:
        return export
    ctx = {"plan": plan, "outcomes": outcomes, "objectives": objectives, "action_count": len(actions)}
    return render(request, "deliverables/objective_tree.html", ctx)
