"""The signed-in request, as views of every app annotate it. Signing in itself lives in the accounts app."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class SignedInRequest(HttpRequest):
    """The request a view behind @login_required receives: its user is signed in, never AnonymousUser (the
    annotation django-stubs suggests for such views)."""

    user: User
