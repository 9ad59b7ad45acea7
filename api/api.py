"""The read-only JSON API, /api/v1/: the figures the pages show, for Power BI, spreadsheets and open data.
OpenAPI 3 at /api/v1/openapi.json, interactive documentation at /api/v1/docs (Swagger UI served from our own
static files, so the Content Security Policy holds)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from api import figure_endpoints, plan_endpoints, tidy
from api.access import ApiAccess, ApiThrottle
from api.paging import NotModified, cache_headers

DESCRIPTION = """Read-only. Every list is paged by a cursor: follow `next` until it is null. Filters are those of
the pages (`council`, `department`, `plan`, ...); lists of one council at a time default to the first council,
as the pages do. Each answer has an ETag: send it back as `If-None-Match` and the answer is 304 until any figure
changes. Every transcribed figure carries `printed` (as the document printed it) and `source` (the document and
its lines). When the site requires sign-in, send `Authorization: Bearer <token>` (an administrator makes service
tokens in the admin site). See docs/api.md and docs/power-bi.md."""

api = NinjaAPI(
    title="Service plan dashboard API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=ApiAccess(),
    throttle=[ApiThrottle()],
)
api.add_router("/", plan_endpoints.router)
api.add_router("/", figure_endpoints.router)
api.add_router("/", tidy.router)


@api.exception_handler(NotModified)
def not_modified(request: HttpRequest, exc: NotModified) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = exc.etag
    cache_headers(response)
    return response
