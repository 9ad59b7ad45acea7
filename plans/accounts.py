"""Signing in, with failed attempts throttled per account and per address."""

from __future__ import annotations

import hashlib

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest

LIMIT = 5
WINDOW = 15 * 60  # seconds


def _keys(request: HttpRequest, username: str) -> list[str]:
    """Cache keys counting failures for the account and the address. The username is hashed: it is typed by
    anyone, and a key with spaces or control characters is refused by memcached (and warned about locally)."""
    address = request.META.get("REMOTE_ADDR", "")
    account = hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()
    return [f"signin-fail:user:{account}", f"signin-fail:addr:{address}"]


def too_many_attempts(request: HttpRequest, username: str) -> bool:
    return any((cache.get(key) or 0) >= LIMIT for key in _keys(request, username))


def record_failure(request: HttpRequest, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, WINDOW)


class ThrottledLoginView(auth_views.LoginView):
    """Django's sign-in, refusing further attempts for 15 minutes after 5 failures for an account or
    from an address. The refusal does not say whether the password was right."""

    def post(self, request, *args, **kwargs):
        if too_many_attempts(request, request.POST.get("username", "")):
            form = self.get_form_class()(request)  # unbound: nothing is checked while throttled
            response = self.render_to_response(self.get_context_data(form=form, throttled=True), status=429)
            response["Retry-After"] = str(WINDOW)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_failure(self.request, self.request.POST.get("username", ""))
        response = super().form_invalid(form)
        response.status_code = 400
        return response
