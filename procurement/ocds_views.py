"""/procurement/pipeline-notice/ocds.json?council=<slug>&year=<start year>: the UK1 pipeline notice for the 18
months from 1 April of that year, as an OCDS release package (procurement/ocds.py)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from plans.parsing import fy_label
from plans.selectors import council_get
from procurement import notices, ocds

YEARS = range(2000, 2101)


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def pipeline_notice_ocds(request: HttpRequest) -> JsonResponse:
    raw = request.GET.get("year", "").strip()
    if not raw.isdigit() or int(raw) not in YEARS:
        return _problem(
            400,
            f"year: give the start year of the financial year, from {YEARS[0]} to {YEARS[-1]} (2025 for 2025-26); "
            f"got {raw[:20]!r}",
        )
    year = int(raw)
    council = council_get(slug=request.GET.get("council"))  # 404 for an unknown council
    if council is None:
        return _problem(404, "No council is loaded")
    start = dt.date(year, 4, 1)
    notice = notices.pipeline_notice(start=start, rows=list(notices.notice_queryset(council=council)))
    if not notice.rows:
        return _problem(
            404,
            f"No contract over £2m of {council.name} has a contract start in the 18 months from 1 April {year}: "
            "there is nothing to publish (an OCDS release package needs at least one release).",
        )
    uri = request.build_absolute_uri(f"{reverse('pipeline_notice_ocds')}?council={council.slug}&year={year}")
    response = JsonResponse(ocds.release_package(notice=notice, council=council, uri=uri))
    name = f"pipeline-notice-{council.slug}-{fy_label(year)}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
