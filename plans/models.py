"""Councils, departments and their service plans, and everything a plan states in words: statements,
divisions, workforce, deliverables (actions), the 2025-29 outcome/objective tree, risks, and the
discrepancies the transcription found in the source documents."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse

from plans.parsing import fy_label


def text_list() -> ArrayField:
    return ArrayField(models.TextField(), default=list, blank=True)


@lru_cache(maxsize=8)
def _document_lines(name: str) -> tuple[str, ...]:
    path = settings.SOURCE_DOCUMENTS_DIR / name
    return tuple(path.read_text(encoding="utf-8").splitlines())


class Sourced(models.Model):
    """A record transcribed from a source document, remembering the lines it came from."""

    src_start = models.PositiveIntegerField(null=True, blank=True)
    src_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def source_plan(self) -> "Plan":
        return self.plan

    @property
    def src_label(self) -> str:
        if not self.src_start:
            return ""
        if self.src_end and self.src_end != self.src_start:
            return f"lines {self.src_start}-{self.src_end}"
        return f"line {self.src_start}"

    def source_text(self) -> str:
        """The document's lines this record was transcribed from, exactly as extracted (reads a file
        cached per process; no query beyond loading the plan)."""
        if not self.src_start:
            return ""
        lines = _document_lines(self.source_plan.document)
        return "\n".join(lines[self.src_start - 1 : (self.src_end or self.src_start)])


class Council(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    # Generated benchmark data is marked so it can never be mistaken for a real council's figures.
    is_synthetic = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="departments")
    slug = models.SlugField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="department_unique_slug_per_council")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("department", args=[self.slug])


class PlanQuerySet(models.QuerySet):
    def for_department(self, department: Department) -> "PlanQuerySet":
        return self.filter(department=department)

    def current_first(self) -> "PlanQuerySet":
        return self.order_by("-financial_year", "slug")


class Plan(Sourced):
    class Kind(models.TextChoices):
        SERVICE_PLAN = "service_plan", "Service plan"
        UPDATE = "update", "Annual update"
        REFRESH = "refresh", "Refresh"
        IMPLEMENTATION_PLAN = "implementation_plan", "Implementation plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="plans")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    period = models.CharField(max_length=40, help_text="Period covered, as printed")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year of the financial year the plan is for")
    executive_director = models.CharField(max_length=200, blank=True)
    executive_director_title = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    date_printed = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FINAL)
    document = models.CharField(max_length=200, help_text="Source document file name")
    notes = text_list()
    fixture = models.CharField(max_length=200, help_text="Fixture file the plan was loaded from")

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "-financial_year"]
        indexes = [
            # Department pages list a department's plans newest first.
            models.Index(fields=["department", "-financial_year"], name="plan_dept_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.year_label}"

    @property
    def source_plan(self) -> "Plan":
        return self

    @property
    def year_label(self) -> str:
        return fy_label(self.financial_year)

    def get_absolute_url(self) -> str:
        return reverse("plan", args=[self.slug])


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

    class Meta:
        ordering = ["plan", "order"]


class Division(Sourced):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(max_length=300)
    director = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]


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


class Outcome(Sourced):
    """2025-29 shape: outcome -> strategic objective -> actions (Deliverable rows)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()

    class Meta:
        ordering = ["plan", "number"]


class StrategicObjective(Sourced):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    lead_directors = text_list()
    supporting_departments = text_list()
    dates_printed = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["outcome", "number"]

    @property
    def source_plan(self) -> Plan:
        return self.outcome.plan


class DeliverableQuerySet(models.QuerySet):
    def top_level(self) -> "DeliverableQuerySet":
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

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="deliverable_unique_key_per_plan")]

    def __str__(self) -> str:
        label = " ".join(self.refs) or self.number
        return f"{label} {self.title}".strip()

    @property
    def label(self) -> str:
        return " ".join(self.refs) or (f"{self.number}." if self.number else "")

    def get_absolute_url(self) -> str:
        return reverse("deliverable", args=[self.plan.slug, self.pk])


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

    class Meta:
        ordering = ["plan", "order"]


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

    class Meta:
        ordering = ["plan", "src_start", "pk"]
        verbose_name_plural = "discrepancies"
