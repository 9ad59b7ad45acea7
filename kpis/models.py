"""Key performance measures: a measure followed across plans, each plan's KPI row, and its values."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.contrib.auth.models import User
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.urls import reverse
from django.utils import timezone

from kpis.assessment import NONE, Assessment, ValueKind, assess
from kpis.benchmarks import Benchmark  # noqa: F401 (moved out so this module stays under 400 lines)
from kpis.doubts import DoubtDecision  # noqa: F401 (kpis.models names every model of the app)
from kpis.periods import ANNUAL, MONTHLY, QUARTERLY, Freshness, Period, freshness, period_of
from kpis.reminder_log import Reminder  # noqa: F401 (likewise)
from kpis.signoff import Approval, ApprovalEvent, KpiValueQuerySet  # noqa: F401 (ApprovalEvent: kpis.models names every model)
from plans.models import Department, Plan, Sourced, search_vector, stored_document, text_list
from plans.parsing import TargetKind, TargetSpec, fy_label, fy_start
from plans.templatetags.plan_extras import number


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


def kpi_document() -> SearchVector:
    return search_vector(("description", "A"))


class Frequency(models.TextChoices):
    ANNUAL = ANNUAL, "Annual"
    QUARTERLY = QUARTERLY, "Quarterly"
    MONTHLY = MONTHLY, "Monthly"


class Kpi(Sourced):
    Frequency = Frequency

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
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="How far from the target still counts as 'near' (default: 2 points for %, else 5% of target)",
    )
    order = models.PositiveIntegerField()
    # The reporting round (kpis/periods.py): how often a figure is reported and when it falls due. The
    # documents' KPIs are annual; an administrator or the department's lead sets the rest.
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.ANNUAL)
    due_working_days = models.PositiveSmallIntegerField(
        default=15, help_text="A figure falls due this many working days after its period ends"
    )
    # The assessment's status and direction of travel, stored so that council-wide lists filter, sort and
    # page in SQL instead of assessing every KPI per request. kpis.services.kpis_assess writes them after
    # every write of a KPI's values or benchmarks (entry, upload, load, admin); "" means not assessed yet.
    status = models.CharField(max_length=10, blank=True)
    travel = models.CharField(max_length=10, blank=True)
    # The stored status rests on a figure marked doubtful (KpiValue.doubtful), so lists say so beside it.
    status_doubtful = models.BooleanField(default=False)
    # Which of its values that assessment took as the latest figure and as the target, stored beside the status
    # so that the KPI list and its downloads show them with one join instead of loading every value of every
    # KPI and assessing each per request. Pointers, not copies: a list shows the value row as it is now (a doubt
    # marked since, say). No database constraint, so deleting values (a reload, raw SQL) never trips over them;
    # a pointer to a row deleted before the next assessment joins to nothing and shows no figure, never an old one.
    shown_value = models.ForeignKey(
        "KpiValue", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    shown_target = models.ForeignKey(
        "KpiValue", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    # Likewise its newest figure (the latest period holding one), for the lists' freshness column.
    newest_figure = models.ForeignKey(
        "KpiValue", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    search_document = stored_document(kpi_document())

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="kpi_unique_key_per_plan")]
        indexes = [
            # Search (search/selectors.py): search_document @@ the query.
            GinIndex(fields=["search_document"], name="kpi_search_idx"),
        ]

    def assessment(self, benchmarks: dict | None = None) -> Assessment:
        """Status against target and direction of travel, from `values` (prefetch them: no query then)."""
        if benchmarks is None and "benchmarks" in getattr(self, "_prefetched_objects_cache", {}):
            benchmarks = self.benchmark_figures()
        return assess(
            values=list(self.values.all()),
            unit=self.unit,
            higher_is_better=self.higher_is_better,
            tolerance=self.tolerance,
            benchmarks=benchmarks,
        )

    @property
    def stored_assessment(self) -> Assessment:
        """The stored status (status, status_doubtful) in the shape the status partial draws. No query; no
        reason (that needs the values: assessment())."""
        return Assessment(self.status or NONE, "", doubtful="a figure marked doubtful" if self.status_doubtful else "")

    @cached_property
    def assessed(self) -> Assessment:
        """assessment(), worked out once per instance (a table row asks for it column by column)."""
        return self.assessment()

    @cached_property
    def fresh(self) -> Freshness:
        """Today's freshness (kpis/periods.py): the newest figure's period and age, and the date the next fell
        due if it is overdue. From prefetched `values` (no query then), else from the newest figure the stored
        assessment points to (the KPI list: kpis.selectors.kpis_for_list joins it), once per instance."""
        if "values" in getattr(self, "_prefetched_objects_cache", {}):
            newest = self.newest_of(list(self.values.all()))
        else:
            newest = self.newest_figure
        return freshness(
            periods=[newest.period_of] if newest is not None else [],
            frequency=self.frequency,
            due_working_days=self.due_working_days,
            today=timezone.localdate(),
        )

    @staticmethod
    def newest_of(values: list[KpiValue]) -> KpiValue | None:
        """The value holding a figure (not a target) for the latest period, or None."""
        figures = [v for v in values if v.kind != KpiValue.Kind.TARGET and v.is_figure]
        return max(figures, key=lambda v: v.period_of.sort_key) if figures else None

    def benchmark_figures(self) -> dict:
        """Year -> the newest benchmark figure of the kind the targets name (from prefetched benchmarks)."""
        kinds = {v.year: v.benchmark for v in self.values.all() if v.kind == KpiValue.Kind.TARGET and v.benchmark}
        figures: dict = {}
        for bench in sorted(self.benchmarks.all(), key=lambda b: b.entered_at):
            if kinds.get(bench.year, bench.kind) == bench.kind:
                figures[bench.year] = bench.value
        return figures

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("kpi", args=[self.plan.slug, self.key])


class KpiValue(Sourced):
    """One cell of a KPI row: an actual, a latest (part-year) value, or a target, for one financial year.
    The printed text is kept beside what was parsed from it. Targets carry their structure."""

    Kind = ValueKind  # defined in kpis/assessment.py, with the rules that tell the kinds apart

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

    TargetKind = TargetKind  # defined in plans/parsing/values.py, with the parser that reads each kind

    Approval = Approval  # defined in kpis/signoff.py, with the rule of who sees which values
    objects = KpiValueQuerySet.as_manager()

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The reporting period within the year (kpis/periods.py): "" the whole year (every document figure), Q1-Q4
    # or M01-M12 (M01 = April).
    period = models.CharField(max_length=3, blank=True, default="")
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
    # An entered target's own "near target" band; blank: the KPI's tolerance, else the default rule.
    tolerance = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    # Why the figure as printed is probably a printing or extraction error; blank when it is not doubted.
    # The fixture's `doubtful`, unless an administrator has since marked or cleared it (DoubtDecision).
    doubtful = models.TextField(blank=True)
    order = models.PositiveIntegerField()
    # Values entered by performance leads sit beside the documents' values, never over them.
    source = models.CharField(
        max_length=10, choices=[("document", "Source document"), ("entry", "Entered")], default="document"
    )
    commentary = models.TextField(blank=True)
    # What the lead will do about a figure off track, who owns it and by when (the cabinet's exception report).
    action = models.TextField(blank=True)
    action_owner = models.CharField(max_length=200, blank=True)
    action_due = models.DateField(null=True, blank=True)
    entered_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(null=True, blank=True)
    # The value shown before this entry was saved (the audit trail's "old"), copied so that reloading the
    # documents never breaks the history.
    previous_printed = models.TextField(blank=True)
    previous_by = models.CharField(
        max_length=150, blank=True, help_text="Who entered the previous value; blank for the document"
    )
    # Sign-off: the default is "awaiting", so a row entered by any code path waits for an approver; the loader
    # creates the documents' rows approved. kpis.approvals decides, recording each step as an ApprovalEvent.
    approval = models.CharField(max_length=10, choices=Approval.choices, default=Approval.AWAITING)
    decided_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["kpi", "order"]
        indexes = [
            # KPI and measure pages read every value of a KPI by year.
            models.Index(fields=["kpi", "year", "kind"], name="kpivalue_kpi_year_kind_idx"),
            # A department's approvals page lists the entries awaiting approval (kpis.approvals).
            models.Index(
                fields=["kpi", "entered_at"],
                condition=models.Q(approval="awaiting"),
                name="kpivalue_awaiting_idx",
            ),
        ]

    @property
    def is_entry(self) -> bool:
        return self.source == "entry"

    @property
    def is_draft(self) -> bool:
        """An entry the public does not see yet: awaiting approval, or returned."""
        return self.is_entry and self.approval != self.Approval.APPROVED

    def entrant(self) -> User:
        """Who made this entry: every entry records its user (PROTECT keeps it); document values have none."""
        if self.entered_by is None:
            raise ValueError(f"KPI value {self.pk} is not an entry: no user made it")
        return self.entered_by

    def entry_time(self) -> dt.datetime:
        """When this entry was made: every entry records it; document values have none."""
        if self.entered_at is None:
            raise ValueError(f"KPI value {self.pk} is not an entry: it has no entry time")
        return self.entered_at

    @property
    def source_plan(self) -> Plan:
        return self.kpi.plan

    @property
    def year_label(self) -> str:
        return fy_label(self.year)

    @property
    def period_of(self) -> Period:
        return period_of(self.year, self.period)

    @property
    def period_label(self) -> str:
        return self.period_of.label

    @staticmethod
    def target_columns(spec: TargetSpec) -> dict[str, object]:
        """The columns a target's structure is stored in, from the parsed target (the fixture loader and an
        entered target store it alike)."""
        return {
            "target_kind": spec.kind,
            "comparator": spec.comparator,
            "target_value": spec.value,
            "target_low": spec.low,
            "target_high": spec.high,
            "direction": spec.direction,
            "benchmark": spec.benchmark,
            "maintain": spec.maintain,
            "target_reason": spec.reason,
        }

    @property
    def is_figure(self) -> bool:
        """Holds a figure (a number or a RAG rating), not a status word such as 'awaiting data'."""
        return self.value is not None or self.status == self.Status.RAG

    @property
    def printed_in(self) -> tuple[str, int]:
        """(kind, year) of the table column the document printed this value in: its own, or the one `column`
        names ('Actual 2017-18', 'Latest 2019-20', 'Actual 2019-2020')."""
        kind, _, year = self.column.strip().partition(" ")
        try:  # Kind(...) looks the value up; Kind.values would build the list of values on every call
            return self.Kind(kind.lower()).value, fy_start(year)
        except ValueError:  # not a kind, or not a year
            pass
        return self.kind, self.year

    @property
    def read_as(self) -> str:
        """How a value printed in another year's or kind's column is read ('2016-17 actual', '2019-20
        target'); blank when it sits in its own column."""
        if self.printed_in == (self.kind, self.year):
            return ""
        return f"{self.year_label} {self.get_kind_display().lower()}"

    def target_summary(self) -> str:
        """The target's structure in words ('at most 17', 'between 15 and 20', 'increase on the previous
        year', 'above the national average')."""
        words = {"lt": "below", "le": "at most", "gt": "above", "ge": "at least", "eq": "equal to"}
        kind = self.target_kind
        if kind == TargetKind.NUMBER:
            return f"{number(self.target_value)}"
        if kind == TargetKind.COMPARATOR:
            return f"{'maintain ' if self.maintain else ''}{words[self.comparator]} {number(self.target_value)}"
        if kind == TargetKind.RANGE:
            return f"between {number(self.target_low)} and {number(self.target_high)}"
        if kind == TargetKind.TREND:
            return {
                "increase": "increase on the previous year",
                "decrease": "decrease on the previous year",
                "maintain": "maintain the previous year's level",
                "narrow_gap": "narrow the gap",
            }.get(self.direction, "trend")
        if kind == TargetKind.BENCHMARK:
            bench = self.benchmark.replace("_", " ")
            if self.direction == "narrow_gap":
                return f"narrow the gap to the {bench}"
            figure = f" ({number(self.target_value)})" if self.target_value is not None else ""
            return f"{words.get(self.comparator, 'against')} the {bench}{figure}"
        if kind == TargetKind.RAG:
            return f"RAG rating {self.printed.strip()}"
        return self.get_target_kind_display() if kind else ""


class PrintedValue(KpiValue):
    """The documents' values, as the admin site lists them for an administrator to mark or clear a doubt."""

    class Meta:
        proxy = True
        verbose_name = "printed KPI value"

    def __str__(self) -> str:
        return f"{self.kpi.description} – {self.get_kind_display().lower()} {self.year_label}: '{self.printed}'"
