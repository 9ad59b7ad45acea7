from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse

from accounts.oidc import discovered, issuer
from accounts.signals import SEEN_AT, SIGNED_IN_AT

# "Last seen" is written back at most this often, not on every request (each write is a session save).
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Signs a user out after settings.SESSION_IDLE_TIMEOUT without a request, or settings.SESSION_ABSOLUTE_TIMEOUT
    after signing in whatever they did since (the session cookie's own age is renewed by activity, so it bounds
    neither). The audit records it (accounts.signals); the next page says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SIGNED_IN_AT)
            seen = request.session.get(SEEN_AT, started)
            reason = ""
            if started is None or now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
                reason = "absolute"
                text = f"You were signed out {_hours(settings.SESSION_ABSOLUTE_TIMEOUT)} after signing in."
            elif now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
                reason = "idle"
                text = f"You were signed out after {_minutes(settings.SESSION_IDLE_TIMEOUT)} without activity."
            if reason:
                request.sign_out_reason = reason  # type: ignore[attr-defined]  # read by the audit's receiver
                auth.logout(request)
                messages.info(request, text + " Sign in again to carry on.")
            elif now - seen > SEEN_RESOLUTION:
                request.session[SEEN_AT] = now
        return self.get_response(request)


def _minutes(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _hours(delta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} hour{'s' if hours != 1 else ''}"


class DirectoryFormActionMiddleware:
    """With single sign-on on, lets the sign-out form's redirect reach the directory's end-session endpoint:
    browsers apply the page's Content-Security-Policy form-action to every redirect after a form is sent, and
    settings.CONTENT_SECURITY_POLICY allows only this site. The policy is otherwise the settings' one, set here
    before config.middleware.SecurityHeadersMiddleware (which leaves a policy already set alone)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.OIDC_ISSUER and "Content-Security-Policy" not in response:
            policy = {name: list(values) for name, values in settings.CONTENT_SECURITY_POLICY.items()}
            policy["form-action"] = [*policy.get("form-action", []), *directory_origins()]
            response["Content-Security-Policy"] = "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())
        return response


def directory_origins() -> list[str]:
    """The issuer's origin and the end-session endpoint's, when known without asking the directory."""
    urls = [settings.OIDC_ISSUER, settings.OIDC_OP_LOGOUT_ENDPOINT]
    urls.append(discovered(issuer()).get("end_session_endpoint", ""))
    origins = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme and parts.netloc and f"{parts.scheme}://{parts.netloc}" not in origins:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
