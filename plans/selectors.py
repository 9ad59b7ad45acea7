"""Reads that cross models, shaped for the pages. Each function's docstring states its query count."""

from __future__ import annotations

import re

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from plans.models import Council, Deliverable, Department, Plan, Risk, StrategicObjective

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
    department = (
        Department.objects.filter(slug=slug)
        .order_by("council__is_synthetic", "council__name")
        .prefetch_related(Prefetch("plans", queryset=Plan.objects.order_by("-financial_year")))
        .first()
    )
    if department is None:
        raise Http404("No such department")
    return department


def plan_get(*, slug: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("department"), slug=slug)


# -- Deliverables, risks and the 2025-29 objective tree (council-wide lists and the deliverable page) --------


def deliverables_across_plans() -> QuerySet[Deliverable]:
    """Every deliverable, sub-action and 2025-29 action with its plan, department and parent, in document
    order. 1 query when evaluated."""
    return Deliverable.objects.select_related("plan__department", "parent").order_by(
        "plan__department__name", "-plan__financial_year", "order"
    )


def risks_across_plans() -> QuerySet:
    """Every risk with its plan and department, in document order. 1 query when evaluated."""
    return Risk.objects.select_related("plan__department").order_by(
        "plan__department__name", "-plan__financial_year", "order"
    )


def deliverable_link_keys(*, item: Deliverable) -> list[str]:
    """What a KPI's `links` or a risk's `refs` print to name this deliverable: each of its refs, and its
    number (prefixed by its part where numbering restarts per part, e.g. 'Section Two – Departmental
    Priorities 1'). No queries."""
    keys = list(item.refs)
    if item.number and not item.objective_id:
        keys.append(f"{item.part} {item.number}" if item.part else item.number)
    return keys


def objective_tree(*, plan: Plan) -> list:
    """The plan's outcomes -> strategic objectives -> actions (2025-29 shape). 3 queries (outcomes,
    objectives, actions); the actions carry their objective and outcome without further queries."""
    actions = Deliverable.objects.select_related("plan").order_by("order")
    objectives = StrategicObjective.objects.order_by("number").prefetch_related(Prefetch("actions", queryset=actions))
    return list(plan.outcomes.order_by("number").prefetch_related(Prefetch("objectives", queryset=objectives)))


# -- Plans by year -------------------------------------------------------------------------------------------


def current_plans(*, year: int | None, council: Council | None) -> tuple[list[Plan], list[int]]:
    """Each of the council's departments' plan for `year` (its newest plan for that year or before;
    default: the newest year held), and every year that has a plan. 1 query."""
    plans = list(
        Plan.objects.filter(department__council=council)
        .select_related("department")
        .order_by("department__name", "-financial_year", "slug")
    )
    years = sorted({p.financial_year for p in plans}, reverse=True)
    if year is None and years:
        year = years[0]
    chosen: dict[int, Plan] = {}
    for plan in plans:
        if plan.financial_year <= (year or 0) and plan.department_id not in chosen:
            chosen[plan.department_id] = plan
    return list(chosen.values()), years


def previous_plan(*, plan: Plan) -> Plan | None:
    """The same department's plan before this one. 1 query."""
    return (
        Plan.objects.filter(department_id=plan.department_id, financial_year__lt=plan.financial_year)
        .order_by("-financial_year")
        .first()
    )
