"""The API's lists of what plans state: councils, departments, plans, deliverables with their progress, risks
and the corrections (places where a document's figures do not reconcile)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from api import schemas
from api.filters import CorrectionFilter
from api.paging import DEFAULT_LIMIT, MAX_LIMIT, conditional, filter_data, filtered, keyset_page, source
from plans.filters import DeliverableFilter, RiskFilter
from plans.models import Council, Deliverable, DeliverableUpdate, Department, Discrepancy, Plan, Risk

router = Router(tags=["Plans"])
ERRORS: dict[int, Any] = {
    400: schemas.Problem,
    401: schemas.Problem,
    404: schemas.Problem,
    422: schemas.InvalidParameters,
    429: schemas.Problem,
}
RESPONSES: dict[int, Any] = {304: None, **ERRORS}
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows a page, 1 to {MAX_LIMIT}")
Cursor = Query(None, description="Where the page starts: the `next_cursor` of the page before")


@router.get("/councils", response={200: schemas.Councils, **RESPONSES}, summary="Councils")
def councils(request: HttpRequest, response: HttpResponse, cursor: str | None = Cursor, limit: int = Limit):
    conditional(request, response)
    rows, links = keyset_page(request, Council.objects.all(), cursor=cursor, limit=limit)
    return {"items": [{"slug": c.slug, "name": c.name, "is_synthetic": c.is_synthetic} for c in rows], **links}


@router.get("/departments", response={200: schemas.Departments, **RESPONSES}, summary="Departments")
def departments(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = Query(None, description="Council slug; blank for every council"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    conditional(request, response)
    queryset = Department.objects.select_related("council")
    if council:
        queryset = queryset.filter(council__slug=council)
    rows, links = keyset_page(request, queryset, cursor=cursor, limit=limit)
    items = [{"slug": d.slug, "name": d.name, "council": d.council.slug} for d in rows]
    return {"items": items, **links}


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "slug": plan.slug,
        "title": plan.title,
        "kind": plan.kind,
        "period": plan.period,
        "financial_year": plan.financial_year,
        "year_label": plan.year_label,
        "status": plan.status,
        "council": plan.department.council.slug,
        "department": plan.department.slug,
        "executive_director": plan.executive_director,
        "date": plan.date,
        "date_printed": plan.date_printed,
        "url": plan.get_absolute_url(),
        "source": source(plan, plan.src_start, plan.src_end),
    }


@router.get("/plans", response={200: schemas.Plans, **RESPONSES}, summary="Service plans")
def plans(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = Query(None, description="Council slug; blank for every council"),
    department: str | None = Query(None, description="Department slug"),
    year: int | None = Query(None, ge=1900, le=2200, description="Start year of the financial year (2025: 2025-26)"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    conditional(request, response)
    queryset = Plan.objects.select_related("department__council")
    if council:
        queryset = queryset.filter(department__council__slug=council)
    if department:
        queryset = queryset.filter(department__slug=department)
    if year is not None:
        queryset = queryset.filter(financial_year=year)
    rows, links = keyset_page(request, queryset, cursor=cursor, limit=limit)
    return {"items": [plan_out(p) for p in rows], **links}


@router.get("/deliverables", response={200: schemas.Deliverables, **RESPONSES}, summary="Deliverables and progress")
def deliverables(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = None,
    department: str | None = None,
    plan: str | None = None,
    council_priority: str | None = None,
    section: str | None = None,
    lead: str | None = None,
    start_from: str | None = Query(None, description="Month, e.g. 2021-04"),
    start_to: str | None = None,
    end_from: str | None = None,
    end_to: str | None = None,
    undated: str | None = Query(None, description="'include': keep dates printed as words when a range is set"),
    in_council_plan: str | None = Query(None, description="yes, no or not-stated"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """The filters of the deliverables page (/deliverables/), one council at a time (default the first)."""
    conditional(request, response)
    data = filter_data(
        {
            "council": council,
            "department": department,
            "plan": plan,
            "council_priority": council_priority,
            "section": section,
            "lead": lead,
            "start_from": start_from,
            "start_to": start_to,
            "end_from": end_from,
            "end_to": end_to,
            "undated": undated,
            "in_council_plan": in_council_plan,
        }
    )
    queryset = filtered(DeliverableFilter(data, queryset=Deliverable.objects.all()))
    queryset = queryset.select_related("plan").prefetch_related(
        Prefetch("updates", queryset=DeliverableUpdate.objects.order_by("entered_at", "pk"))
    )
    rows, links = keyset_page(request, queryset, cursor=cursor, limit=limit)
    items = [
        {
            "id": d.pk,
            "plan": d.plan.slug,
            "key": d.key,
            "label": d.label,
            "section": d.section,
            "council_priority": d.council_priority,
            "title": d.title,
            "lead": d.lead,
            "start_printed": d.start_printed,
            "start": d.start,
            "end_printed": d.end_printed,
            "end": d.end,
            "in_council_plan": d.in_council_plan,
            "parent": d.parent_id,
            "url": d.get_absolute_url(),
            "source": source(d.plan, d.src_start, d.src_end),
            "progress": [
                {
                    "status": u.status,
                    "percent_complete": u.percent_complete,
                    "as_of": u.as_of,
                    "commentary": u.commentary,
                    "entered_at": u.entered_at,
                }
                for u in d.updates.all()
            ],
        }
        for d in rows
    ]
    return {"items": items, **links}


@router.get("/risks", response={200: schemas.Risks, **RESPONSES}, summary="Risks")
def risks(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = None,
    department: str | None = None,
    plan: str | None = None,
    type: str | None = None,
    owner: str | None = None,
    council_priority: str | None = None,
    section: str | None = None,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """The filters of the risks page (/risks/), one council at a time (default the first)."""
    conditional(request, response)
    data = filter_data(
        {
            "council": council,
            "department": department,
            "plan": plan,
            "type": type,
            "owner": owner,
            "council_priority": council_priority,
            "section": section,
        }
    )
    queryset = filtered(RiskFilter(data, queryset=Risk.objects.all())).select_related("plan")
    rows, links = keyset_page(request, queryset, cursor=cursor, limit=limit)
    items = [
        {
            "id": r.pk,
            "plan": r.plan.slug,
            "refs": r.refs,
            "description": r.description,
            "type": r.type,
            "mitigations": r.mitigations,
            "owner": r.owner,
            "council_priority": r.council_priority,
            "section": r.section,
            "source": source(r.plan, r.src_start, r.src_end),
        }
        for r in rows
    ]
    return {"items": items, **links}


@router.get("/corrections", response={200: schemas.Corrections, **RESPONSES}, summary="Sources and corrections")
def corrections(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = None,
    department: str | None = None,
    plan: str | None = None,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """Every place a document's own figures do not reconcile or were repaired (/corrections/): the printed
    figure and the stored one, with the reason."""
    conditional(request, response)
    data = filter_data({"council": council, "department": department, "plan": plan})
    queryset = filtered(CorrectionFilter(data, queryset=Discrepancy.objects.all())).select_related("plan")
    rows, links = keyset_page(request, queryset, cursor=cursor, limit=limit)
    items = [
        {
            "id": d.pk,
            "plan": d.plan.slug,
            "record": d.record,
            "field": d.field,
            "kind": d.kind().value,
            "printed": d.printed,
            "stored": d.stored,
            "note": d.note,
            "source": source(d.plan, d.src_start, d.src_end),
        }
        for d in rows
    ]
    return {"items": items, **links}
