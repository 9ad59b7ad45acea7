"""Entered targets: a lead proposes targets for future periods of a department's KPIs, or copies last year's
forward. They are KpiValue rows (kind target, source entry) beside the documents' printed targets, never over
them; the assessment prefers an entered target for the same period, the newest first (kpis/assessment.py).
A target is typed as the documents print one and read by the same parser (plans.parsing.parse_target), so
every kind the assessment rules know can be entered."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kpis.assessment import period_targets
from kpis.models import Kpi, KpiValue
from kpis.periods import Period
from kpis.selectors import plan_kpis
from kpis.services import entries_record_steps, kpis_assess
from plans.models import Plan
from plans.parsing import TargetKind, TargetSpec, parse_target


class TargetError(ValueError):
    """A target that cannot be read, naming the KPI and the period."""


@dataclass(frozen=True)
class TargetEntry:
    """One target as read: the KPI, its period, the text as typed and its structure."""

    kpi: Kpi
    period: Period
    text: str
    spec: TargetSpec
    tolerance: Decimal | None = None

    def as_value(self) -> KpiValue:
        """The target as an unsaved KpiValue (its summary reads the same as a saved one's)."""
        spec = self.spec
        return KpiValue(
            kpi=self.kpi,
            year=self.period.year,
            period=self.period.code,
            kind=KpiValue.Kind.TARGET,
            printed=self.text,
            unit=spec.unit,
            **KpiValue.target_columns(spec),
            tolerance=self.tolerance,
            source="entry",
            order=10_000,
        )

    @property
    def read_as(self) -> str:
        """What was read, in words: 'Comparator: at least 85'."""
        summary = self.as_value().target_summary()
        return f"{self.spec.kind.label}: {summary}" if summary else self.spec.kind.label


def target_read(*, kpi: Kpi, period: Period, text: str, tolerance: Decimal | None = None) -> TargetEntry:
    """Read a typed target, or raise TargetError saying which KPI and period and what is wrong."""
    text = " ".join((text or "").split())
    where = f"{kpi.description} ({period.label})"
    if not text:
        raise TargetError(
            f"{where}: enter the target, like “>= 85%”, “80-90”, “Maintain” or “Better than England average”"
        )
    if len(text) > 100:
        raise TargetError(f"{where}: the target is too long (at most 100 characters)")
    spec = parse_target(text)
    if spec is None:
        raise TargetError(
            f"{where}: “{text[:40]}” is not a target the rules can read. Write a figure (85%), a comparison "
            "(>= 85%, less than 17), a range (80-90), a trend (Increase, Maintain) or a benchmark (Better than "
            "England average)"
        )
    if spec.kind == TargetKind.RANGE and spec.low is not None and spec.high is not None and spec.low > spec.high:
        raise TargetError(f"{where}: the range's low end {spec.low} is above its high end {spec.high}")
    if tolerance is not None and tolerance < 0:
        raise TargetError(f"{where}: the tolerance cannot be below zero")
    return TargetEntry(kpi, period, text, spec, tolerance)


@transaction.atomic
def targets_save(*, entries: list[TargetEntry], user) -> int:
    """Save entered targets, all or nothing, and assess their KPIs again. Returns how many were saved."""
    now = timezone.now()
    rows = []
    for entry in entries:
        row = entry.as_value()
        row.entered_by, row.entered_at = user, now
        rows.append(row)
    KpiValue.objects.bulk_create(rows)
    entries_record_steps(values=rows)  # the sign-off audit's "entered" step: targets wait for an approver too
    kpis_assess(kpis=Kpi.objects.filter(pk__in={e.kpi.pk for e in entries}))
    return len(rows)


def year_targets(kpi: Kpi) -> dict[tuple[int, str], KpiValue]:
    """(year, period code) -> the target that counts for it (entered before printed, newest entry first),
    from prefetched values: no query."""
    return period_targets(list(kpi.values.all()))


def copy_candidates(*, plan: Plan, year: int) -> list[tuple[Kpi, KpiValue]]:
    """The plan's KPIs with a whole-year target for `year` (published) and none for the year after (published or
    awaiting approval), each with the target to copy. 4 queries."""
    # A target for the year after already entered but not yet approved counts as held: copying again would
    # queue a second copy for the approver.
    waiting = set(
        KpiValue.objects.filter(
            kpi__plan=plan,
            kind=KpiValue.Kind.TARGET,
            source="entry",
            year=year + 1,
            period="",
            approval=KpiValue.Approval.AWAITING,
        ).values_list("kpi_id", flat=True)
    )
    found = []
    for kpi in plan_kpis(plans=[plan]):
        held = year_targets(kpi)
        if (year, "") in held and (year + 1, "") not in held and kpi.pk not in waiting:
            found.append((kpi, held[(year, "")]))
    return found


@transaction.atomic
def targets_copy_forward(*, plan: Plan, year: int, user) -> int:
    """Copy every whole-year target of `year` to the year after, for the plan's KPIs that have none for it
    yet: entered targets with the same words, structure and tolerance. All or nothing; running it again
    copies nothing (every KPI then has a target for the year after). Returns how many were copied."""
    # Lock the plan's KPIs so that two leads copying at once cannot both copy the same target.
    list(Kpi.objects.select_for_update().filter(plan=plan).order_by("pk").values_list("pk", flat=True))
    entries = []
    for kpi, target in copy_candidates(plan=plan, year=year):
        spec = TargetSpec(
            TargetKind(target.target_kind or TargetKind.NONE),
            comparator=target.comparator,
            value=target.target_value,
            low=target.target_low,
            high=target.target_high,
            direction=target.direction,
            benchmark=target.benchmark,
            maintain=target.maintain,
            reason=target.target_reason,
            unit=target.unit,
        )
        entries.append(TargetEntry(kpi, Period(year + 1), target.printed.strip(), spec, target.tolerance))
    return targets_save(entries=entries, user=user) if entries else 0


@transaction.atomic
def kpis_reporting_set(*, rules: dict[int, tuple[str, int]], plan: Plan) -> int:
    """Set the plan's KPIs' frequency and due working days (KPI id -> (frequency, days)); ids of other plans'
    KPIs are ignored. Returns how many KPIs changed."""
    changed = []
    for kpi in Kpi.objects.select_for_update().filter(plan=plan, pk__in=rules).order_by("pk"):
        frequency, days = rules[kpi.pk]
        if (kpi.frequency, kpi.due_working_days) != (frequency, days):
            kpi.frequency, kpi.due_working_days = frequency, days
            changed.append(kpi)
    Kpi.objects.bulk_update(changed, ["frequency", "due_working_days"])
    return len(changed)
