"""The record of reminder emails sent (kpis/reminders.py): one row per lead, KPI, period and kind (due or
overdue), so that running `send_reminders` again sends nothing already sent, and an item that turns overdue
after its "due" reminder gets one more.

Shown on no page, so the table has no data-version trigger (tests/test_cache_versions.py lists it as exempt).
Imported by kpis/models.py, so this module names Kpi by string."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Reminder(models.Model):
    """One reminder item sent to one lead."""

    class Kind(models.TextChoices):
        DUE = "due", "Falls due"
        OVERDUE = "overdue", "Overdue"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey("kpis.Kpi", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="Start year of the period's financial year")
    period = models.CharField(max_length=3, blank=True, help_text="'' the whole year, Q1-Q4 or M01-M12")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kpi", "year", "period", "kind"], name="reminder_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.kpi_id} {self.year} {self.period} to {self.user_id}"
