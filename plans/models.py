"""Councils, departments and their service plans, and everything a plan states in words: statements,
divisions, workforce, deliverables (actions), the 2025-29 outcome/objective tree, risks, and the
discrepancies the transcription found in the source documents."""

from __future__ import annotations

import secrets
from functools import lru_cache

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse

from plans.parsing import fy_label


def text_list() -> ArrayField:
    return ArrayField(models.TextField(), default=list, blank=True)


class ArrayText(models.Func):
    """A text[] column as one space-separated string, for full-text search. It calls an IMMUTABLE SQL
    function (created by migration 0002_search_indexes) because PostgreSQL's own array-to-text conversions
    are only STABLE, and an index expression must be IMMUTABLE."""

    function = "plans_array_text"
    output_field = models.TextField()


def search_vector(*weighted: tuple[str | models.Expression, str]) -> SearchVector:
    """A record's full-text document: each (field, weight) parsed with the English configuration. The same
    expression builds the model's GIN index and the search query (search/selectors.py), so the index serves it."""
    parts = [SearchVector(field, weight=weight, config="english") for field, weight in weighted]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


def stored_document(document: SearchVector) -> models.GeneratedField:
    """A record's full-text document stored in its row (PostgreSQL works it out whenever the row is written)
    and GIN-indexed as `<model>_search_idx`. Search reads it instead of parsing the text of every row it
    looks at: with a council chosen, PostgreSQL reads that council's rows and checks each one, and parsing
    each one's text again made a search of a council with ten years of plans take 400 ms."""
    return models.GeneratedField(expression=document, output_field=SearchVectorField(), db_persist=True)


def statement_document() -> SearchVector:
    return search_vector(("text", "A"), ("group", "B"))


def deliverable_document() -> SearchVector:
    return search_vector(("title", "A"), (ArrayText("success_measures"), "B"), ("outcome", "B"), ("lead", "C"))


def risk_document() -> SearchVector:
    return search_vector(("description", "A"), (ArrayText("mitigations"), "B"))


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
    def source_plan(self) -> Plan:
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
        ordering = ["name", "pk"]  # pk: same-named departments of different councils keep one order
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="department_unique_slug_per_council")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("department", args=[self.slug])


class PlanQuerySet(models.QuerySet):
    def for_department(self, department: Department) -> PlanQuerySet:
        return self.filter(department=department)

    def current_first(self) -> PlanQuerySet:
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
        ordering = ["department__name", "-financial_year", "slug"]  # slug: plans of one year keep one order
        indexes = [
            # Department pages list a department's plans newest first.
            models.Index(fields=["department", "-financial_year"], name="plan_dept_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.year_label}"

    def get_absolute_url(self) -> str:
        return reverse("plan", args=[self.slug])

    @property
    def source_plan(self) -> Plan:
        return self

    @property
    def year_label(self) -> str:
        return fy_label(self.financial_year)

    def covered_years(self) -> list[int]:
        """The financial years the plan covers, from its printed period ('2021-25' -> 2021-22 to 2024-25;
        '2017-2021' -> 2017-18 to 2020-21; '2023-24' -> 2023-24), always including the year it is for."""
        import re

        m = re.fullmatch(r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})", self.period.strip())
        years = {self.financial_year}
        if m:
            start, end = int(m.group(1)), m.group(2)
            end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
            years.update(range(start, max(end_year, start + 1)))
        return sorted(years)


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


# -- Who may change what, and what they changed ----------------------------------------------------------------

class Role(models.Model):
    """A user's role. Performance leads hold one role row per department they lead."""

    class Kind(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        LEAD = "lead", "Performance lead"
        CABINET = "cabinet", "Cabinet member"
        ADMIN = "admin", "Administrator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "department"], name="role_unique_per_department"),
            models.UniqueConstraint(fields=["user", "kind"], condition=models.Q(department__isnull=True),
                                    name="role_unique_without_department"),
            models.CheckConstraint(condition=~models.Q(kind="lead") | models.Q(department__isnull=False),
                                   name="role_lead_has_department"),
        ]

    def __str__(self) -> str:
        where = f" for {self.department}" if self.department_id else ""
        return f"{self.user} – {self.get_kind_display()}{where}"


def user_can_edit(user, department: Department) -> bool:
    """Administrators may edit every department; performance leads only the departments they lead.
    One query (none for anonymous users or superusers)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Role.objects.filter(user=user).filter(
        models.Q(kind=Role.Kind.ADMIN) | models.Q(kind=Role.Kind.LEAD, department=department)).exists()


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


def new_epoch() -> str:
    return secrets.token_hex(8)


class DataVersion(models.Model):
    """The versions of the data pages show: one row per council whose data has been written (`scope` = the
    council's id) and one global row (scope 0) for writes that belong to no one council (users, roles, shared
    measures, a TRUNCATE). Cached pages and kept downloads are keyed by the global version plus the versions of
    the councils they show (`key()`), so a write makes exactly those pages stale, on every app server.

    Nothing in Python moves these numbers: a statement-level trigger on every table that feeds a page does,
    inside the writing transaction (plans/migrations/0009_data_version_triggers.py), so the forms, the admin
    site, management commands, the fixture loader and raw SQL all move them alike. Each row's epoch is made
    with the row, so a database dropped and loaded again (whose versions count up from 1 again) never shares
    a key with the one before it."""

    GLOBAL = 0

    scope = models.BigIntegerField(default=GLOBAL, unique=True)
    version = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=16, default=new_epoch)

    def __str__(self) -> str:
        return f"scope {self.scope}: version {self.version}"

    @classmethod
    def current(cls, council_id: int = GLOBAL) -> int:
        """One scope's version number (the global one by default). 1 query."""
        return cls.objects.filter(scope=council_id).values_list("version", flat=True).first() or 0

    @classmethod
    def key(cls, *, plan_slug: str | None = None, department_slug: str | None = None) -> str:
        """The cache key of the data a page shows, "<epoch>.<version>", over the global scope and the council
        of the plan or department named (every council with a department of that slug), or every council when
        neither is named: the epoch is a digest of those rows' epochs, the version the sum of their versions.
        Each version only grows, so for one set of rows the sum grows with every write to any of them.
        1 query, written as SQL: every page served from the cache pays it. The council is looked up in the same
        statement, so a plan that moves council is keyed anew."""
        from django.db import connection

        table = connection.ops.quote_name(cls._meta.db_table)
        if plan_slug is not None:
            where, params = ("WHERE scope = 0 OR scope IN (SELECT d.council_id FROM plans_plan p JOIN plans_department"
                             " d ON d.id = p.department_id WHERE p.slug = %s)"), [plan_slug]
        elif department_slug is not None:
            where, params = "WHERE scope = 0 OR scope IN (SELECT council_id FROM plans_department WHERE slug = %s)", [
                department_slug]
        else:
            where, params = "", []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT substr(md5(string_agg(epoch, '.' ORDER BY scope)), 1, 16), sum(version) "
                           f"FROM {table} {where}", params)
            row = cursor.fetchone()
        return f"{row[0]}.{row[1]}" if row and row[0] else "none.0"

    @classmethod
    def bump(cls) -> None:
        """Move the global version by hand (every cached page goes stale). Writes to the database need not
        call it: the triggers do. 1 query."""
        if not cls.objects.filter(scope=cls.GLOBAL).update(version=models.F("version") + 1):
            cls.objects.get_or_create(scope=cls.GLOBAL, defaults={"version": 1})


class LoadFingerprint(models.Model):
    """What the last full fixture load read (loader.services.fixtures_fingerprint: the fixture files, the source
    documents, the loader's code, the applied migrations) and the plans it wrote. One row. Kept in the database
    it describes, so a different or recreated database never sees it and loads again."""

    fingerprint = models.CharField(max_length=64)
    plans = ArrayField(models.CharField(max_length=100), default=list)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.fingerprint[:12]
