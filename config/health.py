"""A health check for load balancers and deployments, and the benchmark's trivial view: it answers "ok"
without touching the database, so it measures the server and the middleware alone."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.middleware import page_cache_exempt


@page_cache_exempt  # no version query here
@login_not_required  # open even with REQUIRE_SIGN_IN=true: a load balancer does not sign in
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
