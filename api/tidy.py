"""Every KPI figure as one tidy table (one row per KPI, financial year and kind: actual, latest or target), as
CSV or Excel, for Power BI and spreadsheets. Streamed: the CSV is written line by line and the Excel file row by
row, reading the KPIs in chunks (as plans/tables.py does for page downloads)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.urls import reverse
from ninja import Query, Router

from api.paging import cache_headers, filter_data, filtered
from api.plan_endpoints import ERRORS
from kpis.assessment import STATUS_LABELS, TRAVEL_LABELS
from kpis.filters import KpiFilter
from kpis.models import Kpi, KpiValue
from kpis.periods import period_of
from kpis.selectors import kpis_for_table
from plans.tables import CHUNK, CONTENT_TYPES, accepts_gzip, csv_lines, neutralise, streamed_download

router = Router(tags=["Downloads"])

HEADER = [
    "council",
    "department",
    "plan",
    "plan_year",
    "kpi",
    "measure",
    "description",
    "unit",
    "year",
    "period",  # "" the whole financial year (every printed figure), else Q1-Q4 or M01-M12 (M01 = April)
    "year_label",  # the period's label: "2025-26", "Q2 2026-27", "September 2026"
    "kind",
    "printed",
    "value",
    "figure_status",
    "as_at",
    "provisional",
    "doubtful",
    "target",
    "entered_value",
    "entered_number",
    "entered_at",
    "kpi_status",
    "kpi_status_label",
    "travel",
    "source_document",
    "source_line_from",
    "source_line_to",
    "source_url",
]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def figure_rows(kpi: Kpi) -> Iterator[list[Any]]:
    """One row per (period, kind) the KPI has a figure for, in time order: the document's figure as printed, and
    beside it (never over it) the newest figure a performance lead entered. Reads the prefetched values."""
    cells: dict[tuple[int, str, str], dict[str, KpiValue]] = {}
    for value in kpi.values.all():  # in printed order, then entry time: the last entry wins
        slot = cells.setdefault((value.year, value.period, value.kind), {})
        if value.is_entry:
            slot["entry"] = value
        else:
            slot.setdefault("document", value)
    order: dict[str, int] = {KpiValue.Kind.ACTUAL: 0, KpiValue.Kind.LATEST: 1, KpiValue.Kind.TARGET: 2}
    plan, status = kpi.plan, kpi.status or "none"
    for (year, period, kind), slot in sorted(
        cells.items(), key=lambda item: (period_of(item[0][0], item[0][1]).sort_key, order.get(item[0][2], 9))
    ):
        document, entry = slot.get("document"), slot.get("entry")
        shown = document or entry
        assert shown is not None  # a slot exists only for a value
        start, end = shown.src_start or kpi.src_start, shown.src_end or shown.src_start or kpi.src_end
        yield [
            plan.department.council.slug,
            plan.department.slug,
            plan.slug,
            plan.year_label,
            kpi.key,
            kpi.measure.key,
            kpi.description,
            kpi.get_unit_display(),
            year,
            period,
            shown.period_label,
            kind,
            document.printed if document else "",
            document.value if document else None,
            document.get_status_display() if document else "",
            document.as_at if document else None,
            document.provisional if document else None,
            document.doubtful if document else "",
            document.target_summary() if document and kind == KpiValue.Kind.TARGET else "",
            entry.printed if entry else "",
            entry.value if entry else None,
            entry.entered_at.isoformat() if entry and entry.entered_at else "",
            status,
            STATUS_LABELS.get(status, status),
            TRAVEL_LABELS.get(kpi.travel, ""),
            plan.document,
            start,
            end,
            f"{reverse('source_document', args=[plan.document])}#L{start}" if start else "",
        ]


def tidy_rows(queryset: QuerySet[Kpi]) -> Iterator[list[Any]]:
    """The header, then every figure of the KPIs in `queryset`, read through the pages' selector in chunks."""
    yield HEADER
    for kpi in kpis_for_table(queryset=queryset).iterator(chunk_size=CHUNK):
        for row in figure_rows(kpi):
            yield [neutralise(_cell(value)) for value in row]


def csv_response(rows: Iterable[list[Any]], *, filename: str, gzip: bool) -> StreamingHttpResponse:
    """Streamed, and gzip-compressed for a client that accepts it, as the pages' downloads are."""
    return streamed_download(csv_lines(rows), export_format="csv", filename=f"{filename}.csv", gzip=gzip)


def xlsx_response(rows: Iterable[list[Any]], *, filename: str) -> FileResponse:
    from openpyxl import Workbook  # a third of a second to import: only when an Excel file is asked for

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="KPI figures")
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # spooled to disk, not memory
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=CONTENT_TYPES["xlsx"])


def _kpis(*, council: str | None, department: str | None, plan: str | None, q: str | None, status: str | None):
    data = filter_data({"council": council, "department": department, "plan": plan, "q": q, "status": status})
    filterset = KpiFilter(data, queryset=Kpi.objects.all())
    return filtered(filterset), f"kpi-figures-{filterset.council.slug if filterset.council else 'none'}"


def _download(content_type: str) -> dict:
    return {"responses": {200: {"description": "The file", "content": {content_type: {"schema": {"type": "string"}}}}}}


@router.get(
    "/kpi-figures.csv", response=ERRORS, summary="Every KPI figure, tidy, as CSV", openapi_extra=_download("text/csv")
)
def kpi_figures_csv(
    request: HttpRequest,
    council: str | None = Query(None, description="Council slug (default: the first council)"),
    department: str | None = None,
    plan: str | None = None,
    q: str | None = None,
    status: str | None = None,
):
    """One row per KPI, financial year and kind (actual, latest, target), with the KPI's status and the source
    document and line. Same filters as the KPI list (/kpis/)."""
    queryset, name = _kpis(council=council, department=department, plan=plan, q=q, status=status)
    response = csv_response(tidy_rows(queryset), filename=name, gzip=accepts_gzip(request))
    cache_headers(response)
    return response


@router.get(
    "/kpi-figures.xlsx",
    response=ERRORS,
    summary="Every KPI figure, tidy, as Excel",
    openapi_extra=_download(CONTENT_TYPES["xlsx"]),
)
def kpi_figures_xlsx(
    request: HttpRequest,
    council: str | None = Query(None, description="Council slug (default: the first council)"),
    department: str | None = None,
    plan: str | None = None,
    q: str | None = None,
    status: str | None = None,
):
    """The same rows as the CSV, as an Excel workbook."""
    queryset, name = _kpis(council=council, department=department, plan=plan, q=q, status=status)
    response = xlsx_response(tidy_rows(queryset), filename=name)
    cache_headers(response)
    return response
