"""Sign-off of entered figures: an entered value or target waits for an approver of its department before the
public sees it. The states an entry goes through, the one rule of who sees which values (KpiValueQuerySet),
and the append-only record of every step (ApprovalEvent). The decisions themselves are kpis/approvals.py.

Imported by kpis/models.py (KpiValue.Approval, KpiValue.objects), so this module names KpiValue by string."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Approval(models.TextChoices):
    """Where an entry stands (KpiValue.approval). The documents' figures are always approved."""

    AWAITING = "awaiting", "Awaiting approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


class KpiValueQuerySet(models.QuerySet):
    """The one visibility rule: every public read of KPI values goes through published(); the pages that show
    the department's leads and approvers the drafts read them through drafts(), marked."""

    def published(self) -> KpiValueQuerySet:
        """The documents' figures and approved entries: what public pages, dashboards, downloads, cabinet
        summaries, measure history and the stored status read."""
        return self.filter(models.Q(source="document") | models.Q(approval=Approval.APPROVED))

    def drafts(self) -> KpiValueQuerySet:
        """Entries the public does not see: awaiting approval, or returned with a reason."""
        return self.filter(source="entry").exclude(approval=Approval.APPROVED)


class ApprovalEvent(models.Model):
    """One step of an entry's sign-off: entered, approved, returned with a reason, or entered again after a
    return (who, when, old, new, why). Append-only: written by kpis.services (entries) and kpis.approvals
    (decisions), never changed; the admin site lists them read-only."""

    class Step(models.TextChoices):
        ENTERED = "entered", "Entered"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"
        REENTERED = "reentered", "Entered again after a return"

    value = models.ForeignKey("kpis.KpiValue", on_delete=models.CASCADE, related_name="approval_events")
    step = models.CharField(max_length=10, choices=Step.choices)
    by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    old = models.TextField(blank=True, help_text="The figure shown before the entry")
    new = models.TextField(blank=True, help_text="The figure entered")
    reason = models.TextField(blank=True, help_text="The entry's commentary, or why it was returned")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The KPI page lists the steps of its entries, newest first (kpis.approvals.kpi_drafts).
            models.Index(fields=["value", "-at"], name="approvalevent_value_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.new} ({self.by}, {self.at:%d %b %Y %H:%M})"
