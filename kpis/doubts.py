"""An administrator's decision that a printed KPI value is doubtful, or no longer is: kept apart from the values
themselves, because every fixture load deletes and re-creates the documents' values and applies the decisions
again. Imported by kpis/models.py, which names every model of the app."""

from __future__ import annotations

from django.db import models

from kpis.assessment import ValueKind
from plans.parsing import fy_label


class DoubtDecision(models.Model):
    """An administrator marked a printed value doubtful, or cleared the mark, with the reason: the audit trail
    (who, when, was, now, why) and the decision a fixture reload applies again. Document values are deleted
    and created again by every load, so a decision names its value by plan, KPI key, year, kind and printed
    text, not by id; a value whose printed text is corrected in the fixture is a new value, not judged yet."""

    plan_slug = models.SlugField(max_length=120)
    kpi_key = models.SlugField(max_length=120)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ValueKind.choices)
    printed = models.TextField(blank=True)
    doubtful = models.BooleanField(help_text="Marked doubtful (true) or the mark cleared (false)")
    reason = models.TextField()
    was = models.TextField(blank=True, help_text="The doubt shown before this decision; blank for none")
    decided_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [
            # A plan's load reads its decisions (kpis.services.doubt_decisions).
            models.Index(fields=["plan_slug", "decided_at"], name="doubtdecision_plan_idx"),
        ]

    def __str__(self) -> str:
        verb = "Marked doubtful" if self.doubtful else "Cleared"
        return f"{verb}: {self.plan_slug} {self.kpi_key} {self.kind} {self.year_label} '{self.printed}'"

    @property
    def value_key(self) -> tuple[str, int, str, str]:
        return self.kpi_key, self.year, self.kind, self.printed

    @property
    def year_label(self) -> str:
        return fy_label(self.year)
