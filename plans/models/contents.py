"""What a plan states in words: statements, divisions, workforce, and the 2025-29 outcome/objective tree."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models

from plans.models.organisation import Plan
from plans.models.sourced import Sourced, statement_document, stored_document, text_list


class Statement(Sourced):
    """A sentence or paragraph the plan states: ambition, values, priorities, achievements..."""

    class Kind(models.TextChoices):
        AMBITION = "ambition", "Council ambition"
        VALUE = "value", "Council values"
        OUTCOME = "outcome", "Council outcomes"
        COUNCIL_PRIORITY = "council_priority", "Council priorities"
        VISION = "vision", "Vision"
        OVERVIEW = "overview", "Departmental overview"
        SERVICE = "service", "Services"
        ACHIEVEMENT = "achievement", "Achievements"
        DEPARTMENTAL_PRIORITY = "departmental_priority", "Departmental priorities"
        WORKFORCE_PRIORITY = "workforce_priority", "Workforce priorities"
        STRATEGY = "strategy", "Strategy"
        NOTE = "note", "Notes"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    group = models.TextField(blank=True)
    number = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    order = models.PositiveIntegerField()
    search_document = stored_document(statement_document())

    class Meta:
        ordering = ["plan", "order"]
        indexes = [
            # Search (search/selectors.py): search_document @@ the query.
            GinIndex(fields=["search_document"], name="statement_search_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"


class Division(Sourced):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(max_length=300)
    director = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.name


class Workforce(Sourced):
    """Headcount / FTE for a division, or for the department when `division` is blank."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workforce")
    division = models.CharField(max_length=300, blank=True)
    headcount_printed = models.CharField(max_length=100, blank=True)
    headcount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fte_printed = models.CharField(max_length=100, blank=True)
    fte = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.division


class Outcome(Sourced):
    """2025-29 shape: outcome -> strategic objective -> actions (Deliverable rows)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()

    class Meta:
        ordering = ["plan", "number"]

    def __str__(self) -> str:
        return f"Outcome {self.number}: {self.title}"


class StrategicObjective(Sourced):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    lead_directors = text_list()
    supporting_departments = text_list()
    dates_printed = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["outcome", "number"]

    def __str__(self) -> str:
        return f"Strategic objective {self.number}: {self.title}"

    @property
    def source_plan(self) -> Plan:
        return self.outcome.plan
