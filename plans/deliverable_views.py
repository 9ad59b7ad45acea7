"""Council-wide deliverable and risk tables, the 2025-29 outcome -> objective -> action tree, and a performance
lead's progress update on a deliverable."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from plans import selectors
from plans.accounts import SignedInRequest
from plans.deliverable_tables import DeliverableTable, ObjectiveActionTable, RiskTable
from plans.filters import DeliverableFilter, RiskFilter
from plans.forms import DeliverableUpdateForm
from plans.models import Deliverable, DeliverableUpdate, user_can_edit
from plans.tables import PER_PAGE, table_export


def deliverable_list(request: HttpRequest) -> HttpResponseBase:
    filterset = DeliverableFilter(request.GET, queryset=selectors.deliverables_across_plans())
    # Bad input shows its errors beside the fields and lists nothing, rather than rows it did not filter.
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = DeliverableTable(qs, caption="Deliverables and actions")
    if (export := table_export(request, table, name="deliverables", per_page=PER_PAGE)) is not None:
        return export
    ctx = {"filter": filterset, "table": table, "count": table.paginator.count, "council": filterset.council}
    return render(request, "deliverables/deliverable_list.html", ctx)


def risk_list(request: HttpRequest) -> HttpResponseBase:
    filterset = RiskFilter(request.GET, queryset=selectors.risks_across_plans())
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = RiskTable(qs, caption="Risks")
    if (export := table_export(request, table, name="risks", per_page=PER_PAGE)) is not None:
        return export
    ctx = {"filter": filterset, "table": table, "count": table.paginator.count, "council": filterset.council}
    return render(request, "deliverables/risk_list.html", ctx)


def objective_tree(request: HttpRequest, slug: str) -> HttpResponseBase:
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


@never_cache  # an entry page: no copy kept anywhere, not even in the browser (issue 19)
@login_required
def deliverable_update(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """A performance lead records a deliverable's progress: status, percentage complete, commentary."""
    item = get_object_or_404(Deliverable.objects.select_related("plan__department"), plan__slug=slug, pk=pk)
    if not user_can_edit(request.user, item.plan.department):
        raise PermissionDenied
    # request.POST, not `request.POST or None`: an empty POST must show the errors, not a fresh form.
    form = DeliverableUpdateForm(request.POST if request.method == "POST" else None, initial={"as_of": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        DeliverableUpdate.objects.create(deliverable=item, entered_by=request.user, **form.cleaned_data)
        messages.success(request, "Progress update saved.")
        return redirect(item.get_absolute_url())
    updates = list(item.updates.select_related("entered_by"))  # the timeline, newest first
    ctx = {"plan": item.plan, "item": item, "form": form, "updates": updates, "latest": updates[0] if updates else None}
    return render(request, "plans/deliverable_update.html", ctx, status=400 if form.errors else 200)
