"""Key performance measures: a measure followed across plans, each plan's KPI row, and its values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse

from plans.models import Department, Plan, Sourced, text_list
from plans.parsing import fy_label

if TYPE_CHECKING:
    from kpis.assessment import Assessment


class Measure(models.Model):
    """One thing measured, followed across a department's plans (rows reworded between plans are
    joined by fixtures/measures.yaml)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="measures")
    key = models.SlugField(max_length=120)
    title = models.TextField()
    why = models.TextField(blank=True, help_text="Why the plans' rows are the same measure")

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["department", "key"], name="measure_unique_key")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("measure", args=[self.department.slug, self.key])


class Kpi(Sourced):
    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        COUNT = "count", "Number"
        MONEY = "money", "£"
        DAYS = "days", "Days"
        RATE = "rate", "Rate"
        RATIO = "ratio", "Ratio"
        PP = "pp", "Percentage points"
        RAG = "rag", "RAG rating"
        SCORE = "score", "Score"
        TEXT = "text", "Text"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="kpis")
    key = models.SlugField(max_length=120)
    description = models.TextField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    unit_note = models.CharField(max_length=200, blank=True)
    higher_is_better = models.BooleanField(null=True)
    responsible = models.CharField(max_length=200, blank=True)
    section = models.CharField(max_length=20, blank=True)
    group = models.TextField(blank=True)
    links = text_list()
    footnotes = text_list()
    tolerance = models.DecimalField(
        max_digits=20, decimal_places=4, null=True, blank=True,
        help_text="How far from the target still counts as 'near' (default: 2 points for %, else 5% of target)")
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="kpi_unique_key_per_plan")]

    def assessment(self, benchmarks: dict | None = None) -> "Assessment":
        """Status against target and direction of travel, from `values` (prefetch them: no query then)."""
        from kpis.assessment import assess

        return assess(values=list(self.values.all()), unit=self.unit, higher_is_better=self.higher_is_better,
                      tolerance=self.tolerance, benchmarks=benchmarks)

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("kpi", args=[self.plan.slug, self.key])


class KpiValue(Sourced):
    """One cell of a KPI row: an actual, a latest (part-year) value, or a target, for one financial year.
    The printed text is kept beside what was parsed from it. Targets carry their structure."""

    class Kind(models.TextChoices):
        ACTUAL = "actual", "Actual"
        LATEST = "latest", "Latest"
        TARGET = "target", "Target"

    class Status(models.TextChoices):
        NUMBER = "", "Figure"
        NONE = "none", "No figure printed"
        AWAITING_DATA = "awaiting_data", "Awaiting data"
        NOT_AVAILABLE = "not_available", "Not available"
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        TBC = "tbc", "To be confirmed"
        BASELINE = "baseline", "Baseline year"
        RAG = "rag", "RAG rating"
        TEXT = "text", "Text"

    class TargetKind(models.TextChoices):
        NUMBER = "number", "Number"
        COMPARATOR = "comparator", "Comparator"
        RANGE = "range", "Range"
        TREND = "trend", "Trend"
        BENCHMARK = "benchmark", "Benchmark"
        RAG = "rag", "RAG rating"
        NONE = "none", "No target"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    printed = models.TextField(blank=True)
    column = models.CharField(max_length=100, blank=True, help_text="Column printed in, when not the year's own")
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    as_at = models.DateField(null=True, blank=True)
    as_at_precision = models.CharField(max_length=10, blank=True)
    provisional = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    footnote = models.BooleanField(default=False)
    # Target structure (kind == target).
    target_kind = models.CharField(max_length=12, choices=TargetKind.choices, blank=True)
    comparator = models.CharField(max_length=2, blank=True)
    target_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    target_low = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    target_high = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    direction = models.CharField(max_length=12, blank=True)
    benchmark = models.CharField(max_length=30, blank=True)
    maintain = models.BooleanField(default=False)
    target_reason = models.CharField(max_length=20, blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["kpi", "order"]
        indexes = [
            # KPI and measure pages read every value of a KPI by year.
            models.Index(fields=["kpi", "year", "kind"], name="kpivalue_kpi_year_kind_idx"),
        ]

    @property
    def source_plan(self) -> Plan:
        return self.kpi.plan

    @property
    def year_label(self) -> str:
        return fy_label(self.year)
