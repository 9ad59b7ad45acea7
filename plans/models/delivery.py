"""What a plan will deliver and what may stop it: deliverables (actions), risks, and the discrepancies the
transcription found in the source documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse

from plans.models.contents import StrategicObjective
from plans.models.organisation import Plan
from plans.models.sourced import Sourced, deliverable_document, risk_document, stored_document, text_list


class DeliverableQuerySet(models.QuerySet):
    def top_level(self) -> DeliverableQuerySet:
        return self.filter(parent__isnull=True)


class Deliverable(Sourced):
    """A deliverable / action: a row of a plan's delivery tables, a CCP sub-action, or a 2025-29 action."""

    class Section(models.TextChoices):
        COUNCIL = "council", "Delivering the council priorities"
        DEPARTMENTAL = "departmental", "Departmental priorities and services"
        OBJECTIVE = "objective", "Strategic objective actions"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deliverables")
    key = models.CharField(max_length=100, help_text="Stable identity within the plan (refs, number or position)")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="sub_actions")
    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    refs = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    number = models.CharField(max_length=20, blank=True)
    part = models.CharField(max_length=100, blank=True, help_text="Part of the plan, e.g. 'Public Health'")
    section = models.CharField(max_length=20, choices=Section.choices)
    council_priority = models.TextField(blank=True)
    title = models.TextField()
    lead = models.CharField(max_length=300, blank=True)
    start_printed = models.CharField(max_length=100, blank=True)
    start = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=10, blank=True)
    end_printed = models.CharField(max_length=100, blank=True)
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=10, blank=True)
    resources = text_list()
    interdependencies = text_list()
    success_measures = text_list()
    outcome = models.TextField(blank=True, help_text="Long-term outcome ('By 2025 we will have')")
    in_council_plan = models.BooleanField(null=True)
    supporting_departments = text_list()
    support_required = text_list()
    timescale = models.CharField(max_length=100, blank=True)
    key_risks = text_list()
    notes = models.TextField(blank=True)
    order = models.PositiveIntegerField()

    search_document = stored_document(deliverable_document())

    objects = DeliverableQuerySet.as_manager()

    if TYPE_CHECKING:  # not a column: the plan page's selector sets it on the deliverables it lists
        subs: list[Deliverable]  # the deliverable's sub-actions, in order

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="deliverable_unique_key_per_plan")]
        indexes = [
            # Search (search/selectors.py): search_document @@ the query.
            GinIndex(fields=["search_document"], name="deliverable_search_idx"),
        ]

    def __str__(self) -> str:
        label = " ".join(self.refs) or self.number
        return f"{label} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("deliverable", args=[self.plan.slug, self.pk])

    @property
    def label(self) -> str:
        return " ".join(self.refs) or (f"{self.number}." if self.number else "")


class Risk(Sourced):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField()
    refs = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    type = models.CharField(max_length=100, blank=True)
    mitigation_intro = models.TextField(blank=True)
    mitigations = text_list()
    owner = models.CharField(max_length=300, blank=True)
    council_priority = models.TextField(blank=True)
    section = models.CharField(max_length=100, blank=True)
    order = models.PositiveIntegerField()
    search_document = stored_document(risk_document())

    class Meta:
        ordering = ["plan", "order"]
        indexes = [
            # Search (search/selectors.py): search_document @@ the query.
            GinIndex(fields=["search_document"], name="risk_search_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Discrepancy(Sourced):
    """A place where the source document's own figures do not reconcile, or were garbled in extraction,
    and the value stored differs from the value printed. Shown on the 'Sources and corrections' page."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="discrepancies")
    record = models.CharField(max_length=300, help_text="What the figure belongs to, in words")
    field = models.CharField(max_length=200)
    printed = models.TextField(blank=True)
    stored = models.TextField(blank=True)
    note = models.TextField()
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    target = GenericForeignKey("content_type", "object_id")

    class Kind(models.TextChoices):
        ROUNDING = "rounding", "Rounding"
        REPAIR = "repair", "Repair"
        DATE = "date", "Not a real date"
        OTHER = "other", "Does not reconcile"

    # Words in a note that say a printed figure was garbled or wrong in print and the stored value repairs it.
    REPAIR_MARKS = ("line break", "extraction", "truncated", "minus missing", "without a unit", "printed under")

    class Meta:
        ordering = ["plan", "src_start", "pk"]
        verbose_name_plural = "discrepancies"

    def __str__(self) -> str:
        return f"{self.record}: {self.field}"

    def kind(self) -> Discrepancy.Kind:
        """What kind of discrepancy this is, read from its note and field (no query): a printed date that
        is not a real date; rounding in the printed figures (sums out by a pound or two); a repair of a
        figure garbled or wrong in print (digits split or lost in extraction, a missing minus sign or
        unit, figures under the wrong heading or unit); otherwise the document's own figures do not
        reconcile and both are kept as printed."""
        note = self.note.lower()
        if "not a real date" in note:
            return self.Kind.DATE
        if note.startswith("rounding") or "rounding in the printed figures" in note:
            return self.Kind.ROUNDING
        if self.field == "unit" or any(mark in note for mark in self.REPAIR_MARKS):
            return self.Kind.REPAIR
        return self.Kind.OTHER
