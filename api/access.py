"""Who may read the API, and how often: open like the pages unless REQUIRE_SIGN_IN is on, then a service token
(`Authorization: Bearer <token>`) or a signed-in session; every caller rate-limited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts.throttle import client_address
from api.models import ServiceToken


class Reader:
    """What ApiAccess authenticated: a token, a signed-in user, or anyone (the API is open)."""

    def __init__(self, kind: str, ident: str):
        self.kind, self.ident = kind, ident

    def __str__(self) -> str:  # ninja's throttles key on str(request.auth)
        return f"{self.kind}:{self.ident}"


class ApiAccess(HttpBearer):
    """settings.REQUIRE_SIGN_IN is read on each request (tests turn it on and off)."""

    openapi_description = "A service token made by an administrator; needed only when the site requires sign-in."

    def __call__(self, request: HttpRequest) -> Any:
        if not settings.REQUIRE_SIGN_IN:
            return Reader("open", _address(request))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # the tidy download linked from a page, for example
            return Reader("user", str(user.pk))
        return super().__call__(request)  # the bearer token, or None: 401

    def authenticate(self, request: HttpRequest, token: str) -> Reader | None:
        item = ServiceToken.find(token)
        return Reader("token", str(item.pk)) if item is not None else None


def _address(request: HttpRequest) -> str:
    # As sign-in throttling counts it: behind our own proxy (BEHIND_PROXY) the address it appended, so readers
    # of an open site do not all share the proxy's count.
    return client_address(request)


class ApiThrottle(SimpleRateThrottle):
    """settings.API_RATE_LIMIT per reader (token, user or address), read on each request."""

    scope = "api"

    def __init__(self) -> None:
        super().__init__(rate=settings.API_RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        if self.rate != settings.API_RATE_LIMIT:
            self.rate = settings.API_RATE_LIMIT
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        reader = getattr(request, "auth", None)
        return self.cache_format % {"scope": self.scope, "ident": str(reader or _address(request))}
