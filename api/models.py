"""Service tokens: how a program (Power BI, a data warehouse) reads the API when REQUIRE_SIGN_IN is on."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "spd_"  # marks a string as one of our tokens (secret scanners and people can tell what leaked)
# last_used_at is written at most this often per token, so a busy feed does not write a row on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    """A token's stored form. The secret is 32 random bytes, so a plain SHA-256 cannot be reversed or guessed:
    a slow password hash would only slow every API request."""
    return hashlib.sha256(token.encode()).hexdigest()


class ServiceTokenQuerySet(models.QuerySet):
    def active(self) -> ServiceTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ServiceToken(models.Model):
    """A named token an administrator made for a program. Only its digest is stored: the token itself is shown
    once, when it is made (ServiceToken.issue), and cannot be shown again."""

    name = models.CharField(max_length=200, help_text="What uses it, e.g. 'Power BI: performance team'")
    prefix = models.CharField(max_length=12, editable=False, help_text="The token's first characters, to tell it")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ServiceTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return PREFIX + secrets.token_urlsafe(32)

    def set_secret(self, token: str) -> None:
        self.digest = token_digest(token)
        self.prefix = token[: len(PREFIX) + 4]

    @classmethod
    def issue(cls, *, name: str, created_by) -> tuple[ServiceToken, str]:
        """A new token and its secret (to show once). 1 query."""
        token = cls.new_secret()
        item = cls(name=name, created_by=created_by)
        item.set_secret(token)
        item.save()
        return item, token

    @classmethod
    def find(cls, token: str) -> ServiceToken | None:
        """The active token with this secret, or None (unknown or revoked). 1 query; a second, at most once a
        minute per token, records when it was last used."""
        if not token.startswith(PREFIX):
            return None
        item = cls.objects.active().filter(digest=token_digest(token)).first()
        if item is not None:
            now = timezone.now()
            if item.last_used_at is None or now - item.last_used_at >= LAST_USED_EVERY:
                item.last_used_at = now
                item.save(update_fields=["last_used_at"])
        return item

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
