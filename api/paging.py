"""What every list of the API shares: keyset pagination, the ETag and conditional GET, the page filters, and the
provenance of a transcribed figure."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from ninja.errors import HttpError

from plans.models import DataVersion, Plan

M = TypeVar("M", bound=Model)

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Bumped when the shape of the API's answers changes, so clients holding an ETag from before fetch again.
REVISION = "1"


class NotModified(Exception):
    """The client's copy is current: answered 304 with no body (api.api's handler)."""

    def __init__(self, etag: str):
        super().__init__(etag)
        self.etag = etag


def cache_headers(response: HttpResponseBase) -> None:
    # no-cache: a client (and the page cache, config.middleware) keeps nothing without asking again with
    # If-None-Match; private when the API needs a token, so no shared cache keeps what the token allowed.
    response["Cache-Control"] = "private, no-cache" if settings.REQUIRE_SIGN_IN else "no-cache"
    patch_vary_headers(response, ("Authorization", "Cookie"))  # beside a download's Accept-Encoding


def conditional(request: HttpRequest, response: HttpResponse) -> None:
    """Set the ETag, or raise NotModified when the client already has it. The ETag is the data version
    (plans.models.DataVersion.key(), moved by a database trigger on every write), so any write anywhere gives
    every list a new ETag. 1 query."""
    etag = f'"{DataVersion.key()}-{REVISION}"'
    response["ETag"] = etag
    cache_headers(response)
    asked = request.headers.get("If-None-Match", "")
    if asked and ("*" in asked or etag in parse_etags(asked.replace("W/", ""))):
        raise NotModified(etag)


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    kind, _, number = text.partition(":")
    if kind != "after" or not number.isdigit():
        raise HttpError(400, "cursor: not a cursor this API gave out; follow the `next` link of the page before")
    return int(number)


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def keyset_page(
    request: HttpRequest, queryset: QuerySet[M], *, cursor: str | None, limit: int
) -> tuple[list[M], dict[str, str | None]]:
    """One page of `queryset` in primary-key order (stable: new rows come after, a write never shifts a page),
    starting after the cursor, and the cursor and link of the next page (None on the last). Fetches limit + 1
    rows to know whether there is a next page, with whatever the queryset prefetches."""
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=_decode(cursor))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more:
        return rows, {"next_cursor": None, "next": None}
    following = _encode(rows[-1].pk)
    query = request.GET.copy()
    query["cursor"] = following
    return rows, {"next_cursor": following, "next": request.build_absolute_uri(f"{request.path}?{query.urlencode()}")}


def filter_data(values: Mapping[str, Any]) -> QueryDict:
    """The query-string filters a page's FilterSet reads, from the endpoint's declared parameters."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is not None and value != "":
            data[name] = str(value)
    return data


def filtered(filterset: Any) -> QuerySet:
    """The FilterSet's rows, or 400 naming each filter that is wrong and why (the pages show the same words)."""
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        raise HttpError(400, f"Bad filter. {problems}")
    return filterset.qs


def source(plan: Plan, start: int | None, end: int | None) -> dict[str, Any]:
    """Where a transcribed record came from: the document, its lines and the page showing them highlighted."""
    url = reverse("source_document", args=[plan.document])
    if start:
        url = f"{url}?from={start}&to={end or start}#L{start}"
    return {"document": plan.document, "line_from": start, "line_to": end or start, "url": url}
