"""Who may sign in through the council's directory, with which roles, and what happened at sign-in.

These tables have no data-version trigger (plans/migrations/0009): no page shows them, only the admin site,
which is never cached. The roles a mapping gives are written to plans.Role, whose trigger moves the versions;
and signing in, which writes the audit, must leave cached pages warm."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from plans.models import Department, Role

# Role kinds held per department (a performance lead leads a department; an approver approves its figures). Named
# as strings, so the mapping works whichever kinds plans.models.Role.Kind has.
PER_DEPARTMENT = {"lead", "approver"}


def role_kinds() -> list[tuple[str, str]]:
    """Role.Kind's choices, named by a function so migrations refer to it and a new kind needs none here."""
    return Role.Kind.choices


class GroupRole(models.Model):
    """One line of the directory mapping: members of `group` get role `kind` (for `department`, for kinds held per
    department). Edited by administrators on the admin site; applied at every directory sign-in (accounts.oidc)."""

    group = models.CharField(
        max_length=255,
        help_text="The group exactly as the directory sends it in the groups claim (Entra ID sends the group's "
        "object id, a GUID).",
    )
    kind = models.CharField("role", max_length=10, choices=role_kinds)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only for roles held per department (performance lead, approver).",
    )

    class Meta:
        ordering = ["group", "kind"]
        verbose_name = "directory group mapping"
        constraints = [
            models.UniqueConstraint(fields=["group", "kind", "department"], name="grouprole_unique"),
            models.UniqueConstraint(
                fields=["group", "kind"], condition=models.Q(department__isnull=True), name="grouprole_unique_plain"
            ),
        ]
        indexes = [
            # Sign-in reads the mapping lines of the groups a user is in.
            models.Index(fields=["group"], name="grouprole_group_idx"),
        ]

    def __str__(self) -> str:
        where = f" for {self.department}" if self.department_id else ""
        return f"{self.group} → {self.get_kind_display()}{where}"

    def clean(self) -> None:
        if self.kind in PER_DEPARTMENT and self.department_id is None:
            raise ValidationError({"department": f"Choose the department this {self.get_kind_display()} role is for."})
        if self.kind not in PER_DEPARTMENT and self.department_id is not None:
            raise ValidationError({"department": f"A {self.get_kind_display()} role is not held per department."})


class DirectoryAccount(models.Model):
    """Links a local user to the directory's subject identifier (the `sub` claim): the account is found by it at
    every sign-in, never by a name or address a directory administrator could give to someone else."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_account")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="directoryaccount_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"


class SignInEvent(models.Model):
    """The audit of signing in and out: written from the sign-in signals (accounts.signals), read by
    administrators on the admin site, never changed."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        FAILED = "failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        REFUSED = "refused", "Directory sign-in refused"
        TIMED_OUT = "timed_out", "Session timed out"

    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    username = models.CharField(max_length=255, blank=True, help_text="As typed or as the directory sent it")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True, help_text="password or directory")
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The admin list, newest first, filtered by kind.
            models.Index(fields=["-at"], name="signinevent_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '-'} at {self.at:%Y-%m-%d %H:%M}"
