"""Whose address and which account a sign-in attempt counts against: django-axes' settings (config/settings.py,
"Sign-in throttling") name these, and the audit (accounts.signals) records the same address."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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
