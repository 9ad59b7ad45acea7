"""Response headers Django's SecurityMiddleware does not set."""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_cache_control

# Middleware modules are imported once the apps are loaded (settings.MIDDLEWARE is read by the handler after
# django.setup()), so models may be imported here.
from plans.models import DataVersion
from plans.tables import kept_download

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
# The set of councils a page shows, as a key of PageCacheMiddleware.kept: sorted DataVersion.key() arguments.
Scope = tuple[tuple[str, str], ...]
# Views whose pages PageCacheMiddleware never looks up or keeps (marked with page_cache_exempt).
EXEMPT_VIEWS: set[Callable[..., HttpResponseBase]] = set()


def page_cache_exempt(view: View) -> View:
    """Mark a view whose pages are never cached: PageCacheMiddleware does not even ask for the data version."""
    EXEMPT_VIEWS.add(view)
    return view


@dataclass(frozen=True)
class PageMiss:
    """What PageCacheMiddleware.process_view leaves in request.META (as Django's CSRF middleware leaves
    CSRF_COOKIE there) when the page was not in the cache: where the response may be kept."""

    key: str
    scope: Scope

    @staticmethod
    def of(request: HttpRequest) -> PageMiss | None:
        miss = request.META.get("PAGE_CACHE_MISS")
        return miss if isinstance(miss, PageMiss) else None


class SecurityHeadersMiddleware:
    """Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) and Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.csp = "; ".join(f"{name} {' '.join(values)}" for name, values in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A signed-in page names its user and shows what their roles allow: no shared cache may keep it.
            patch_cache_control(response, private=True)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        return response


class ServerTimingMiddleware:
    """With SERVER_TIMING=true, a `Server-Timing` header on every response: the time spent in the view stack
    (every middleware below this one, the view and template rendering) and the number and time of its SQL
    queries, for the benchmark (`manage.py bench`) and the browser's network panel. Off by default: timings
    tell an outsider how expensive a page is.

        Server-Timing: app;dur=12.3, db;dur=4.1;desc="7 queries"

    A streaming response (an export) is timed to its first byte: the middleware draws the first chunk before
    returning, so `app` covers building the response and its first rows and says "streamed, to first byte";
    queries made while the rest streams are not counted (the headers are sent before the body)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        if not getattr(settings, "SERVER_TIMING", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        counter = QueryCounter()
        start = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
            # A FileResponse (static files) may be sent with wsgi.file_wrapper from its file, not its iterator:
            # drawing a chunk would lose it, so those are timed to the response object.
            streamed = False
            if (
                isinstance(response, StreamingHttpResponse)
                and not response.is_async
                and getattr(response, "file_to_stream", None) is None
            ):
                streamed = True
                chunks = response.streaming_content
                assert isinstance(chunks, Iterator), "a response that is not async streams a plain iterator"
                first = next(chunks, None)
                response.streaming_content = itertools.chain([] if first is None else [first], chunks)
        app_ms = (time.perf_counter() - start) * 1000
        # A download served from a file (a kept export) streams from disk, not memory.
        from_file = response.streaming and getattr(response, "file_to_stream", None) is not None
        app = f"app;dur={app_ms:.1f}" + (
            ';desc="streamed, to first byte"' if streamed else ';desc="streamed from a file"' if from_file else ""
        )
        scope = " to first byte" if streamed else ""
        response["Server-Timing"] = f'{app}, db;dur={counter.seconds * 1000:.1f};desc="{counter.count} queries{scope}"'
        return response


class QueryCounter:
    """A database execute wrapper counting queries and the time spent in them (no DEBUG needed)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


class PageCacheMiddleware:
    """Pages are cached whole, keyed by the data versions of what they show (plans.models.DataVersion: the global
    version and the council's, or every council's), the day and the full URL, so a repeat read costs one query.
    Every write to a table that feeds a page moves a version inside its own transaction (a database trigger),
    which makes the pages showing that council stale at once in every app server: no page can show a figure
    older than the last write.

    Only the public copy is kept: a page for someone not signed in, read with GET or HEAD, no flash message
    waiting, a 200 that sets no cookie, is not a download and carries no CSRF token. A signed-in user's pages
    name them, show what their roles allow and carry their token, so they are built for each request (and sent
    `Cache-Control: private`): keeping a copy per user and CSRF secret was tried and dropped (issue 15), since
    pages are fast enough built afresh and a personal page kept in a shared cache is a risk with no user asking
    for it. Off with PAGE_CACHE=false."""

    MAX_BYTES = 2_000_000

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        if not settings.PAGE_CACHE:
            raise MiddlewareNotUsed
        self.get_response = get_response
        # Per set of councils shown, the version this process last saw and the keys it stored under it: once
        # that version moves on nothing can read them again, so they are deleted then rather than left to fill
        # the cache until it culls.
        self.kept: dict[Scope, tuple[str, set[str]]] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        miss = PageMiss.of(request)  # set by process_view on a miss
        if (
            miss
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "no-cache" not in response.get("Cache-Control", "")
            and len(response.content) <= self.MAX_BYTES
        ):
            cache.set(miss.key, response, timeout=settings.PAGE_CACHE_SECONDS)
            self.kept[miss.scope][1].add(miss.key)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponseBase | None:
        """After URL resolution, so views marked `page_cache_exempt` (the health check) never pay the version
        query, and after the sign-in check when REQUIRE_SIGN_IN is on (settings.MIDDLEWARE puts this last)."""
        if view_func in EXEMPT_VIEWS or request.method not in ("GET", "HEAD"):
            return None
        if "_export" in request.GET:  # downloads are the same for everyone: a kept file is served at once
            return kept_download(request)
        if request.user.is_authenticated or request.COOKIES.get("messages"):
            return None  # built for this user, or a flash message is waiting to be shown
        councils = self.councils_shown(request)
        version = DataVersion.key(**councils)
        scope = tuple(sorted(councils.items()))
        seen, kept = self.kept.get(scope, ("", set()))
        if version != seen:
            cache.delete_many(kept)
            self.kept[scope] = (version, set())
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{version}:{timezone.localdate().isoformat()}:{request.method}:{digest}"
        cached = cache.get(key)
        if cached is None:
            request.META["PAGE_CACHE_MISS"] = PageMiss(key, scope)
        return cached

    @staticmethod
    def councils_shown(request: HttpRequest) -> dict[str, str]:
        """Which council's data the page shows, as DataVersion.key() takes it: a page under a plan's URL shows
        that plan's council, one under a department's URL that department's; any other page (the overview,
        lists, search) may show every council's."""
        match = request.resolver_match
        if match is None:  # only before URL resolution; process_view runs after it
            return {}
        slug = match.kwargs.get("slug")
        if slug is not None and "plans/<slug:slug>" in match.route:
            return {"plan_slug": slug}
        if slug is not None and "departments/<slug:slug>" in match.route:
            return {"department_slug": slug}
        return {}
