"""Writes that touch several models: saving entered KPI values (from the update form or an upload), and
storing each KPI's assessment after its values change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kpis.models import ApprovalEvent, Benchmark, DoubtDecision, Kpi, KpiValue
from kpis.selectors import plan_kpis


@dataclass(frozen=True)
class EntryData:
    """One KPI's entry as validated (KpiEntryForm.entry(), from the update page or an upload row): the
    latest value as typed and as read, and an optional benchmark figure of the kind the targets name."""

    kpi: Kpi
    year: int
    period: str = ""  # kpis/periods.py: "" the whole year, Q1-Q4 or M01-M12
    seen: int = 0  # the newest entry's id when the form was opened (0: none), to detect a later save
    value: str = ""
    value_number: Decimal | None = None
    rating: str = ""
    as_at: dt.date | None = None
    provisional: bool = False
    commentary: str = ""
    action: str = ""  # the remedial action, its owner and date (blank: none recorded)
    action_owner: str = ""
    action_due: dt.date | None = None
    benchmark_number: Decimal | None = None
    benchmark_kind: str = ""

    @property
    def has_entry(self) -> bool:
        return self.value_number is not None or bool(self.rating) or self.benchmark_number is not None


# Figures a published cabinet report pack showed: KPI id -> (the first year an entry for which changes what the pack
# showed, the pack's title). Changing one needs a reason. The reports app, which kpis must not import, registers its
# look-up here when it starts (reports/apps.py).
published_figure_lookups: list[Callable[[list[Kpi]], dict[int, tuple[int, str]]]] = []


def figures_published(*, kpis: list[Kpi]) -> dict[int, tuple[int, str]]:
    """KPI id -> (the first year an entry for which changes what a published pack showed, the pack's title)."""
    found: dict[int, tuple[int, str]] = {}
    for lookup in published_figure_lookups:
        found.update(lookup(kpis))
    return found


class EntryConflict(Exception):
    """Someone else saved a value for one of these KPIs after the form was opened."""

    def __init__(self, kpi: Kpi, newest: KpiValue):
        self.kpi, self.newest = kpi, newest
        super().__init__(f"{kpi.description}: a newer value was saved by {newest.entered_by}")


def entries_newest_first(*, kpis: list[Kpi]) -> dict[int, list[KpiValue]]:
    """KPI id -> its entered values (not entered targets: kpis/targets.py), newest first, with who entered
    them. 1 query."""
    found: dict[int, list[KpiValue]] = {}
    entries = (
        KpiValue.objects.filter(kpi__in=kpis, source="entry")
        .exclude(kind=KpiValue.Kind.TARGET)
        .select_related("entered_by")
        .order_by("kpi_id", "-entered_at", "-pk")
    )
    for entry in entries:
        found.setdefault(entry.kpi_id, []).append(entry)
    return found


def newest_entries(*, kpis: list[Kpi]) -> dict[int, KpiValue]:
    """KPI id -> its newest entered value (not an entered target), with who entered it. 1 query, reading one
    row per KPI (DISTINCT ON): a plan's entries grow every period, and the update page needs only the newest."""
    entries = (
        KpiValue.objects.filter(kpi__in=kpis, source="entry")
        .exclude(kind=KpiValue.Kind.TARGET)
        .select_related("entered_by")
        .order_by("kpi_id", "-entered_at", "-pk")
        .distinct("kpi_id")
    )
    return {entry.kpi_id: entry for entry in entries}


def value_shown_before(kpi: Kpi, year: int, entries: list[KpiValue], period: str = "") -> tuple[str, str]:
    """What the KPI showed for that year before a new entry (the audit trail's "old", and who entered it):
    the newest entry for that year, else the document's figure for it (a part-year latest before an
    actual, as the assessment prefers). `entries` are the KPI's entries, newest first. No query."""
    for entry in entries:
        if (entry.year, entry.period) == (year, period):
            return entry.printed, entry.entrant().get_username()
    if period:  # the documents print whole years only
        return "", ""
    printed = [
        v
        for v in kpi.values.all()
        if v.year == year and v.kind != KpiValue.Kind.TARGET and v.source == "document" and v.printed.strip()
    ]
    if not printed:
        return "", ""
    return max(printed, key=lambda v: (v.value is not None, v.kind == KpiValue.Kind.LATEST, v.order)).printed, ""


ASSESS_BATCH = 2000


def kpis_assess(*, kpis: QuerySet[Kpi]) -> int:
    """Store the status and direction of travel of every KPI in `kpis` (Kpi.status, Kpi.travel), the values they
    rest on (Kpi.shown_value, Kpi.shown_target) and the newest figure (Kpi.newest_figure), from their published
    values and benchmarks by the rules in kpis/assessment.py. 4 queries per 2,000 KPIs."""
    ids = list(kpis.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), ASSESS_BATCH):
        batch = plan_kpis(queryset=Kpi.objects.filter(pk__in=ids[start : start + ASSESS_BATCH]))
        for kpi in batch:
            result = kpi.assessment()
            kpi.status, kpi.travel, kpi.status_doubtful = result.status, result.travel, bool(result.doubtful)
            kpi.shown_value_id = getattr(result.value, "pk", None)
            kpi.shown_target_id = getattr(result.target, "pk", None)
            kpi.newest_figure_id = getattr(Kpi.newest_of(list(kpi.values.all())), "pk", None)
        Kpi.objects.bulk_update(
            batch, ["status", "travel", "status_doubtful", "shown_value", "shown_target", "newest_figure"]
        )
    return len(ids)


@transaction.atomic
def kpi_value_doubt_set(*, value: KpiValue, doubtful: bool, reason: str, by) -> DoubtDecision:
    """An administrator marks a printed value doubtful, or clears the mark, with the reason: recorded as a
    DoubtDecision (the audit trail, and what a fixture reload applies again), shown on the value, and the
    KPI's stored status assessed again."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Give the reason for marking or clearing the doubt")
    if value.is_entry:
        raise ValueError("Only figures printed in the documents are marked doubtful")
    kpi = Kpi.objects.select_related("plan").get(pk=value.kpi_id)
    decision = DoubtDecision.objects.create(
        plan_slug=kpi.plan.slug,
        kpi_key=kpi.key,
        year=value.year,
        kind=value.kind,
        printed=value.printed,
        doubtful=doubtful,
        reason=reason,
        was=value.doubtful,
        decided_by=by,
    )
    value.doubtful = reason if doubtful else ""
    value.save(update_fields=["doubtful"])
    kpis_assess(kpis=Kpi.objects.filter(pk=kpi.pk))
    return decision


@transaction.atomic
def kpi_entries_save(*, entries: list[EntryData], user) -> int:
    """Save every entry that holds a value, all or nothing. The KPIs are locked and their newest
    entries re-read inside the transaction, so two leads saving at once cannot overwrite each other:
    the second raises EntryConflict and nothing of theirs is written."""
    to_save = [e for e in entries if e.has_entry]
    if not to_save:
        return 0
    kpi_ids = [e.kpi.pk for e in to_save]
    list(Kpi.objects.select_for_update().filter(pk__in=kpi_ids).order_by("pk"))
    entered = entries_newest_first(kpis=[e.kpi for e in to_save])
    newest = {kpi_id: found[0] for kpi_id, found in entered.items()}
    now = timezone.now()
    values, benchmarks = [], []
    for data in to_save:
        kpi = data.kpi
        current = newest.get(kpi.pk)
        if current is not None and current.pk != data.seen:
            raise EntryConflict(kpi, current)
        if data.value_number is not None or data.rating:
            previous_printed, previous_by = value_shown_before(
                kpi, data.year, entered.get(kpi.pk, []), period=data.period
            )
            values.append(
                KpiValue(
                    kpi=kpi,
                    year=data.year,
                    period=data.period,
                    kind=KpiValue.Kind.LATEST,
                    printed=data.rating or data.value.strip(),
                    value=data.value_number,
                    unit="percent" if kpi.unit == Kpi.Unit.PERCENT else "",
                    as_at=data.as_at,
                    as_at_precision="month" if data.as_at else "",
                    provisional=data.provisional,
                    status="rag" if data.rating else "",
                    note=data.rating,
                    commentary=data.commentary.strip(),
                    action=data.action.strip(),
                    action_owner=data.action_owner.strip(),
                    action_due=data.action_due,
                    source="entry",
                    entered_by=user,
                    entered_at=now,
                    previous_printed=previous_printed,
                    previous_by=previous_by,
                    order=10_000,
                )
            )
        if data.benchmark_number is not None:
            benchmarks.append(
                Benchmark(
                    kpi=kpi, year=data.year, kind=data.benchmark_kind, value=data.benchmark_number, entered_by=user
                )
            )
    KpiValue.objects.bulk_create(values)
    entries_record_steps(values=values)
    Benchmark.objects.bulk_create(benchmarks)
    kpis_assess(kpis=Kpi.objects.filter(pk__in=kpi_ids))
    return len(values) + len(benchmarks)


def entries_record_steps(*, values: list[KpiValue]) -> list[ApprovalEvent]:
    """The sign-off audit's first step for each new (saved) entry: "entered", or "entered again" when the newest
    earlier entry for the same KPI, year and kind was returned by an approver. Every code path that creates
    entries calls this after saving them. 2 queries."""
    if not values:
        return []
    earlier = (
        KpiValue.objects.filter(kpi_id__in={v.kpi_id for v in values}, source="entry")
        .exclude(pk__in=[v.pk for v in values])
        .order_by("kpi_id", "year", "kind", "-entered_at", "-pk")
        .values_list("kpi_id", "year", "kind", "approval")
    )
    newest: dict[tuple[int, int, str], str] = {}
    for kpi_id, year, kind, approval in earlier:
        newest.setdefault((kpi_id, year, kind), approval)
    step = ApprovalEvent.Step
    return ApprovalEvent.objects.bulk_create(
        ApprovalEvent(
            value=v,
            step=step.REENTERED
            if newest.get((v.kpi_id, v.year, v.kind)) == KpiValue.Approval.RETURNED
            else step.ENTERED,
            by=v.entrant(),
            at=v.entry_time(),
            old=v.previous_printed,
            new=v.printed,
            reason=v.commentary,
        )
        for v in values
    )
