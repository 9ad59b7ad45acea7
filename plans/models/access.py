"""Who may change what (roles, closed financial years), and what they changed (deliverable updates)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from plans.models.delivery import Deliverable
from plans.models.organisation import Department
from plans.parsing import fy_label


class Role(models.Model):
    """A user's role. Performance leads hold one role row per department they lead; approvers, who sign off
    what the leads enter before the public sees it, one row per department they approve for."""

    class Kind(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        LEAD = "lead", "Performance lead"
        APPROVER = "approver", "Approver"
        CABINET = "cabinet", "Cabinet member"
        ADMIN = "admin", "Administrator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "department"], name="role_unique_per_department"),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(department__isnull=True),
                name="role_unique_without_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="lead") | models.Q(department__isnull=False), name="role_lead_has_department"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="approver") | models.Q(department__isnull=False),
                name="role_approver_has_department",
            ),
        ]

    def __str__(self) -> str:
        where = f" for {self.department}" if self.department_id else ""
        return f"{self.user} – {self.get_kind_display()}{where}"


def _holds(user, department: Department, kinds: list[str]) -> bool:
    """Whether the user is an administrator (every department) or holds one of `kinds` in the department. One
    query (none for anonymous users or superusers)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    own = models.Q(kind__in=kinds, department=department)
    return Role.objects.filter(user=user).filter(models.Q(kind=Role.Kind.ADMIN) | own).exists()


def user_can_edit(user, department: Department) -> bool:
    """Administrators may edit every department; performance leads only the departments they lead."""
    return _holds(user, department, [Role.Kind.LEAD])


def user_can_approve(user, department: Department) -> bool:
    """Administrators may approve entries in every department; approvers only in the departments they approve
    for."""
    return _holds(user, department, [Role.Kind.APPROVER])


def user_sees_drafts(user, department: Department) -> bool:
    """Entries awaiting approval (or returned) are shown to the department's leads and approvers and to
    administrators, never to the public."""
    return _holds(user, department, [Role.Kind.LEAD, Role.Kind.APPROVER])


def user_is_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or Role.objects.filter(user=user, kind=Role.Kind.ADMIN).exists()


class ClosedPeriod(models.Model):
    """A financial year closed for a department: its values can no longer be entered or changed."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="closed_periods")
    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year (2024 for 2024-25)")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="closed_period_unique")]

    def __str__(self) -> str:
        return f"{self.department} {fy_label(self.year)} closed"


class DeliverableUpdate(models.Model):
    """A progress update on a deliverable. Updates are never edited: each is a new row, so the list of
    them is the deliverable's history."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        COMPLETE = "complete", "Complete"

    deliverable = models.ForeignKey(Deliverable, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=12, choices=Status.choices)
    percent_complete = models.PositiveSmallIntegerField(null=True, blank=True)
    commentary = models.TextField()
    as_of = models.DateField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deliverable", "-entered_at", "-pk"]
        indexes = [
            # The deliverable page lists a deliverable's updates newest first.
            models.Index(fields=["deliverable", "-entered_at"], name="delivupdate_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.as_of})"
