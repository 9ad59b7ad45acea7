"""Signing in. Failed attempts are counted and refused by django-axes (settings, "Sign-in throttling"): this
module holds the three pieces it is configured with (whose address, which account, what a refusal looks like)
and the sign-in view."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse


class SignedInRequest(HttpRequest):
    """The request a view behind @login_required receives: its user is signed in, never AnonymousUser (the
    annotation django-stubs suggests for such views)."""

    user: User


def client_address(request: HttpRequest) -> str:
    """settings.AXES_CLIENT_IP_CALLABLE: the address failures are counted against.

    The connecting address, unless settings.BEHIND_PROXY says a proxy of ours stands in front: then every request
    arrives from the proxy, and the client is the last X-Forwarded-For entry, the one our proxy appended (entries
    before it are whatever the client chose to send). Without BEHIND_PROXY the header is never read, so a client
    cannot dodge the count by inventing addresses. An entry that is not an address counts as the proxy's."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return remote


def account_name(request: HttpRequest, credentials: dict | None) -> str:
    """settings.AXES_USERNAME_CALLABLE: the account failures are counted against. Case and surrounding spaces do
    not make another account (they would dodge the count); it is typed by anyone, so it is cut to what the
    attempts table holds and cleared of the NUL character PostgreSQL refuses."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username).replace("\x00", "").strip().lower()[:255]


def refused(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: the sign-in page saying to wait, with status 429 and Retry-After. It shows
    an empty form and nothing of the password check, so it does not say whether the password was right."""
    view = SignInView()
    view.setup(request)
    form = view.get_form_class()(request)  # unbound: nothing typed is echoed back
    response = view.render_to_response(view.get_context_data(form=form, throttled=True), status=429)
    if isinstance(response, SimpleTemplateResponse):  # as LoginView makes it; any other is rendered already
        response.render()  # returned from middleware, where Django no longer renders template responses
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class SignInView(auth_views.LoginView):
    """Django's sign-in, answering a wrong username or password with 400 rather than 200."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
