"""Signing in and out: the password form (throttled by django-axes, see config/settings.py "Sign-in
throttling"), the council directory's sign-in (accounts.oidc), and signing out of both."""

from __future__ import annotations

from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.models import SignInEvent
from accounts.oidc import ProviderUnavailable, SignInRefused, endpoint
from accounts.signals import record

UNAVAILABLE = "The council's sign-in service is not answering, so you cannot sign in with your council account now."


class SignInView(auth_views.LoginView):
    """Django's sign-in, answering a wrong username or password with 400 rather than 200, and offering the
    council directory's sign-in when single sign-on is on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directory"] = bool(settings.OIDC_ISSUER)
        context["break_glass_only"] = settings.LOCAL_SIGN_IN_USERS is not None
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


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


def directory_refused(request: HttpRequest, reason: str, status: int = 403, username: str = "") -> HttpResponse:
    """The page saying why the directory's sign-in did not sign anyone in; recorded in the audit."""
    record(request, SignInEvent.Kind.REFUSED, username=username, method="directory", detail=reason)
    response = render(request, "registration/directory_refused.html", {"reason": reason}, status=status)
    add_never_cache_headers(response)
    return response


class DirectorySignIn(OIDCAuthenticationRequestView):
    """Sends the browser to the council directory to sign in (authorization code flow, with state and nonce)."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the library's reads the endpoint here; get() does, and reports failure

    def get(self, request):
        if not settings.OIDC_ISSUER:
            raise Http404("Single sign-on is off")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            return directory_refused(request, UNAVAILABLE, status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class DirectoryCallback(OIDCAuthenticationCallbackView):
    """Where the directory sends the browser back: signs in, or says plainly why not."""

    def get(self, request):
        if not settings.OIDC_ISSUER:
            raise Http404("Single sign-on is off")
        try:
            return super().get(request)
        except SignInRefused as exc:
            return directory_refused(request, str(exc), username=exc.username)
        except (ProviderUnavailable, requests.RequestException):
            return directory_refused(request, UNAVAILABLE, status=503)
        except SuspiciousOperation:
            return directory_refused(
                request,
                "This answer from the council's sign-in service does not belong to a sign-in started in this "
                "browser (it may have been used already). Start again.",
                status=400,
            )

    def login_failure(self):
        # The directory said no (an error in the query string, whose text is the sender's and is not repeated).
        return directory_refused(self.request, "The council's sign-in service did not sign you in.")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Signs out here, and of the council directory too when that is how the user signed in (its
    end_session_endpoint, told where to come back to)."""
    id_token = request.session.get("oidc_id_token")
    destination = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if id_token and settings.OIDC_ISSUER:
        try:
            end_session = endpoint("OIDC_OP_LOGOUT_ENDPOINT")
        except ProviderUnavailable:
            end_session = ""  # signed out here; the directory's own session ends when it does
        if end_session:
            back = request.build_absolute_uri(reverse("home"))
            destination = f"{end_session}?{urlencode({'id_token_hint': id_token, 'post_logout_redirect_uri': back})}"
    auth.logout(request)
    return HttpResponseRedirect(destination)
