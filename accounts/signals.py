"""The sign-in audit (SignInEvent), written from Django's sign-in signals and django-axes' lockout signal, so
every way in or out (the password form, the directory, the admin site, a timeout) is recorded the same way."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import SignInEvent
from accounts.throttle import account_name, client_address

# Session keys the timeout middleware (accounts.middleware) reads: when the user signed in, and was last seen.
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
DIRECTORY_BACKEND = "accounts.oidc.DirectoryBackend"


def record(request: HttpRequest | None, kind: str, *, user: Any = None, username: str = "", **fields: str) -> None:
    address = client_address(request) if request is not None else ""
    if user is not None and not username:
        username = user.get_username()
    SignInEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:255],
        address=address or None,
        **fields,
    )


@receiver(user_logged_in, dispatch_uid="accounts_signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = time.time()
    method = "directory" if getattr(user, "backend", "") == DIRECTORY_BACKEND else "password"
    record(request, SignInEvent.Kind.SIGNED_IN, user=user, method=method)


@receiver(user_logged_out, dispatch_uid="accounts_signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:  # signing out without having signed in
        return
    reason = getattr(request, "sign_out_reason", "")
    kind = SignInEvent.Kind.TIMED_OUT if reason else SignInEvent.Kind.SIGNED_OUT
    record(request, kind, user=user, detail=reason)


@receiver(user_login_failed, dispatch_uid="accounts_failed")
def failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = account_name(request, credentials) if request is not None else str(credentials.get("username", ""))
    record(request, SignInEvent.Kind.FAILED, username=username, method="password")


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def locked_out(sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any) -> None:
    record(request, SignInEvent.Kind.LOCKED_OUT, username=username or "", method="password")
