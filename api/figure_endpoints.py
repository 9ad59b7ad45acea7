"""The API's lists of figures: KPIs with every figure, status and direction of travel; budget tables cell by
cell; procurement pipeline rows. Each figure carries what was printed and where (document and lines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from api import schemas
from api.filters import BudgetTableFilter
from api.paging import conditional, filter_data, filtered, keyset_page, source
from api.plan_endpoints import RESPONSES, Cursor, Limit
from budgets.models import BudgetCell, BudgetRow, BudgetTable
from kpis.assessment import STATUS_LABELS, TRAVEL_LABELS
from kpis.filters import KpiFilter
from kpis.models import Kpi, KpiValue
from kpis.selectors import kpis_for_table
from plans.selectors import council_pick, councils_in_order
from procurement.filters import PipelineFilter
from procurement.models import ProcurementEntry
from procurement.selectors import filter_choices, pipeline_queryset

router = Router(tags=["Figures"])


def figure_out(kpi: Kpi, value: KpiValue) -> dict[str, Any]:
    target = None
    if value.kind == KpiValue.Kind.TARGET:
        target = {
            "kind": value.target_kind,
            "comparator": value.comparator,
            "value": value.target_value,
            "low": value.target_low,
            "high": value.target_high,
            "direction": value.direction,
            "benchmark": value.benchmark,
            "summary": value.target_summary(),
        }
    return {
        "year": value.year,
        "period": value.period,
        "year_label": value.period_label,
        "kind": value.kind,
        "printed": value.printed,
        "value": value.value,
        "unit": value.unit,
        "status": value.status,
        "note": value.note,
        "as_at": value.as_at,
        "provisional": value.provisional,
        "doubtful": value.doubtful,
        "origin": value.source,
        "entered_at": value.entered_at,
        "commentary": value.commentary,
        "target": target,
        # An entered value has no lines of its own: it sits beside the KPI's row in the document.
        "source": source(kpi.plan, value.src_start or kpi.src_start, value.src_end or kpi.src_end),
    }


def kpi_out(kpi: Kpi) -> dict[str, Any]:
    """A KPI with every figure its selector loaded (prefetched: no query)."""
    status = kpi.status or "none"
    return {
        "plan": kpi.plan.slug,
        "department": kpi.plan.department.slug,
        "key": kpi.key,
        "measure": kpi.measure.key,
        "description": kpi.description,
        "unit": kpi.unit,
        "higher_is_better": kpi.higher_is_better,
        "responsible": kpi.responsible,
        "status": status,
        "status_label": STATUS_LABELS.get(status, status),
        "status_doubtful": kpi.status_doubtful,
        "travel": kpi.travel,
        "travel_label": TRAVEL_LABELS.get(kpi.travel, ""),
        "url": kpi.get_absolute_url(),
        "source": source(kpi.plan, kpi.src_start, kpi.src_end),
        "figures": [figure_out(kpi, value) for value in kpi.values.all()],
    }


@router.get("/kpis", response={200: schemas.Kpis, **RESPONSES}, summary="KPIs with their figures and status")
def kpis(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = Query(None, description="Council slug (default: the first council, as on the pages)"),
    department: str | None = Query(None, description="Department slug, e.g. childrens-services"),
    plan: str | None = Query(None, description="Plan slug, e.g. cs-2022-23"),
    q: str | None = Query(None, description="Description contains"),
    status: str | None = Query(None, description="on_track, near, off_track or none"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """The filters of the KPI list (/kpis/). Figures are read through the same selector as the pages, so a figure
    the pages do not show is not here either."""
    conditional(request, response)
    data = filter_data({"council": council, "department": department, "plan": plan, "q": q, "status": status})
    queryset = filtered(KpiFilter(data, queryset=Kpi.objects.all()))
    rows, links = keyset_page(request, kpis_for_table(queryset=queryset), cursor=cursor, limit=limit)
    return {"items": [kpi_out(k) for k in rows], **links}


def budget_table_out(table: BudgetTable) -> dict[str, Any]:
    plan = table.plan
    return {
        "id": table.pk,
        "plan": plan.slug,
        "title": table.title,
        "kind": table.kind,
        "unit": table.unit,
        "multiplier": table.multiplier,
        "source": source(plan, table.src_start, table.src_end),
        "rows": [
            {
                "division": row.division,
                "group": row.group,
                "kind": row.kind,
                "note": row.note,
                "source": source(plan, row.src_start, row.src_end),
                "cells": [
                    {
                        "column": cell.column.label,
                        "role": cell.column.role,
                        "unit": cell.column.unit,
                        "printed": cell.printed,
                        "printed_value": cell.printed_value,
                        "value": cell.value,
                        "reconciling": cell.reconciling,
                        "note": cell.note,
                    }
                    for cell in row.cells.all()
                ],
            }
            for row in table.rows.all()
        ],
    }


@router.get("/budget-tables", response={200: schemas.BudgetTables, **RESPONSES}, summary="Budget tables, cell by cell")
def budget_tables(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = None,
    department: str | None = None,
    plan: str | None = None,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """Each printed budget table (controllable budget, capital programme) with every row and cell: `printed` as
    printed, `value` stored in pounds, `reconciling` what the parts sum to where a printed total differs."""
    conditional(request, response)
    data = filter_data({"council": council, "department": department, "plan": plan})
    queryset = filtered(BudgetTableFilter(data, queryset=BudgetTable.objects.all()))
    queryset = queryset.select_related("plan").prefetch_related(
        Prefetch(
            "rows",
            queryset=BudgetRow.objects.order_by("order").prefetch_related(
                Prefetch("cells", queryset=BudgetCell.objects.select_related("column").order_by("column__order"))
            ),
        )
    )
    rows, links = keyset_page(request, queryset, cursor=cursor, limit=limit)
    return {"items": [budget_table_out(t) for t in rows], **links}


def procurement_out(entry: ProcurementEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "plan": entry.plan.slug,
        "table": entry.table.title,
        "band": entry.table.band,
        "group": entry.group,
        "subgroup": entry.subgroup,
        "title": entry.title,
        "value_printed": entry.value_printed,
        "value": entry.value,
        "value_status": entry.value_status,
        "procurement_start_printed": entry.procurement_start_printed,
        "procurement_start": entry.procurement_start,
        "advert_printed": entry.advert_printed,
        "advert": entry.advert,
        "contract_start_printed": entry.contract_start_printed,
        "contract_start": entry.contract_start,
        "length_printed": entry.length_printed,
        "length_months": entry.length_months,
        "statutory_printed": entry.statutory_printed,
        "statutory": entry.statutory,
        "source": source(entry.plan, entry.src_start, entry.src_end),
    }


@router.get("/procurement", response={200: schemas.ProcurementRows, **RESPONSES}, summary="Procurement pipeline rows")
def procurement(
    request: HttpRequest,
    response: HttpResponse,
    council: str | None = None,
    q: str | None = Query(None, description="Contract title contains"),
    department: str | None = None,
    plan: str | None = None,
    group: str | None = None,
    value_min: float | None = Query(None, ge=0, description="Estimated value at least (£)"),
    value_max: float | None = Query(None, ge=0, description="Estimated value at most (£)"),
    procurement_start_from: dt.date | None = None,
    procurement_start_to: dt.date | None = None,
    contract_start_from: dt.date | None = None,
    contract_start_to: dt.date | None = None,
    statutory: str | None = Query(None, description="yes, no or unknown"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """The filters of the procurement pipeline page (/procurement/), one council at a time (default the first)."""
    conditional(request, response)
    councils = councils_in_order()
    chosen = council_pick(councils, council)  # 404 for an unknown council, as on the page
    filterset = PipelineFilter(
        filter_data(
            {
                "council": council,
                "q": q,
                "department": department,
                "plan": plan,
                "group": group,
                "value_min": value_min,
                "value_max": value_max,
                "procurement_start_from": procurement_start_from,
                "procurement_start_to": procurement_start_to,
                "contract_start_from": contract_start_from,
                "contract_start_to": contract_start_to,
                "statutory": statutory,
            }
        ),
        queryset=pipeline_queryset(council=chosen),
        choices=filter_choices(council=chosen),
        councils=councils,
    )
    rows, links = keyset_page(request, filtered(filterset), cursor=cursor, limit=limit)
    return {"items": [procurement_out(e) for e in rows], **links}
