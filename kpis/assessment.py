"""How each KPI is doing against its target: one rule set, in one place.

`assess(...)` takes a KPI's values (already loaded) and answers with an Assessment: a status word
(on track / near / off track / no assessment), the reason in plain words, which figures were compared,
and the direction of travel. Status is always a word; the colour in the templates only repeats it.

Rules
- number and comparator targets ('90%', '<17%', 'Less than £155,000', 'Maintain >70%'): met -> on track;
  missed by no more than the KPI's tolerance -> near; otherwise off track. A bare number is a floor when
  higher is better and a ceiling when lower is better.
- ranges ('15-20'): inside -> on track; outside by no more than the tolerance -> near.
- trends ('Increasing trend', 'Reduction from the previous year'): the latest figure against the previous
  year's, in the required direction -> on track; unchanged -> near; the wrong way -> off track.
  'Maintain ...': within the tolerance of the previous figure, or better -> on track.
- benchmarks ('Above national average', quartiles, gaps): assessed only against a benchmark figure held for
  that year (printed in the target, e.g. '(49.1% 2023)', or entered later); otherwise 'no benchmark held'.
- RAG targets ('Green'): the rating printed against the rating aimed at.
- no target ('Monitor', 'TBC', baseline years, blank) and missing data say why there is no assessment.

Doubtful figures: an assessment (on track, near or off track) that compares a figure marked doubtful
(KpiValue.doubtful: a probable printing or extraction error) says so, "Off track — rests on a figure marked
doubtful", and its reason names the figure and why it is doubted.

Tolerance ("near"): a KPI may state its own; otherwise 2 percentage points for percentages and 5% of the
target for other figures; an entered target may carry its own (KpiValue.tolerance), which comes first.

Periods (kpis/periods.py): the newest figure is judged against the target for its own period, else its
year's whole-year target. An entered figure with no target for it: "No target set for 2026-27", and the
status at the newest figure that had one is kept (Assessment.earlier, watch_status)
so an off-track KPI stays on the off-track lists, saying why, until the new period's target is set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.db import models

from kpis.periods import Period, period_of
from plans.parsing import TargetKind, fy_label


class ValueKind(models.TextChoices):
    """What a KPI value is (KpiValue.kind, whose choices are this enum, as KpiValue.Kind): defined with the
    rules that tell them apart, because kpis/models.py imports this module."""

    ACTUAL = "actual", "Actual"
    LATEST = "latest", "Latest"
    TARGET = "target", "Target"


class AssessedValue(Protocol):
    """What the rules read of a KPI value: a KpiValue, or a stand-in holding the same fields (the synthetic
    data's, which copies only these). `doubtful` is read where present (getattr)."""

    @property
    def year(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def printed(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def entered_at(self) -> dt.datetime | None: ...
    @property
    def target_kind(self) -> str: ...
    @property
    def target_reason(self) -> str: ...
    @property
    def comparator(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def target_value(self) -> Decimal | None: ...
    @property
    def target_low(self) -> Decimal | None: ...
    @property
    def target_high(self) -> Decimal | None: ...
    def get_kind_display(self) -> str: ...
    def get_status_display(self) -> str: ...


V = TypeVar("V", bound=AssessedValue)


ON_TRACK, NEAR, OFF_TRACK, NONE = "on_track", "near", "off_track", "none"
STATUS_LABELS = {ON_TRACK: "On track", NEAR: "Near target", OFF_TRACK: "Off track", NONE: "No assessment"}
IMPROVING, WORSENING, NO_CHANGE, UNKNOWN = "improving", "worsening", "no_change", "unknown"
TRAVEL_LABELS = {IMPROVING: "Improving", WORSENING: "Worsening", NO_CHANGE: "No change", UNKNOWN: "Not known"}
NO_TARGET_REASONS = {
    "monitor": "No target: monitored only",
    "tbc": "No target yet: to be confirmed",
    "baseline": "No target: baseline year",
    "not_set": "No target printed",
    "not_applicable": "No target: not applicable",
    "text": "Target is in words the rules cannot assess",
}
NO_TARGET_SET = "No target set"
DOUBT_CAVEAT = "\u2014 rests on a figure marked doubtful"
RAG_ORDER = {"red": 0, "amber": 1, "amber/green": 2, "green": 3}


@dataclass(frozen=True)
class Assessment:
    status: str
    reason: str
    travel: str = UNKNOWN
    travel_reason: str = ""
    value: AssessedValue | None = None  # the KpiValue assessed
    target: AssessedValue | None = None  # the KpiValue holding the target
    tolerance: Decimal | None = None
    doubtful: str = ""  # why a figure the status rests on is doubted; blank when none is
    needs_target: str = ""  # the period of the newest figure, which has no target ('2026-27'); blank otherwise
    earlier: Assessment | None = None  # with needs_target: the status at the newest figure that had a target

    @property
    def label(self) -> str:
        return NO_TARGET_SET if self.needs_target else STATUS_LABELS[self.status]

    @property
    def watch_status(self) -> str:
        """The status the off-track and near-target lists go by: a KPI whose newest figure has no target yet
        keeps the status it had at its last assessed figure, so it never silently leaves those lists."""
        if self.needs_target and self.earlier is not None:
            return self.earlier.watch_status
        return self.status

    @property
    def full_label(self) -> str:
        """The status word with its caveat: 'Off track — rests on a figure marked doubtful'."""
        return f"{self.label} {DOUBT_CAVEAT}" if self.doubtful else self.label

    @property
    def travel_label(self) -> str:
        return TRAVEL_LABELS[self.travel]

    @property
    def sort_key(self) -> int:
        return {OFF_TRACK: 0, NEAR: 1, ON_TRACK: 2, NONE: 3}[self.watch_status]


def default_tolerance(unit: str, target: Decimal | None) -> Decimal:
    if unit in {"percent", "pp"}:
        return Decimal("2")
    if target is None:
        return Decimal("0")
    return abs(target) * Decimal("0.05")


def _fmt(value: Decimal) -> str:
    normal = value.normalize()
    return f"{normal:,.0f}" if normal == normal.to_integral() else f"{normal:,f}"


def _held(figure: Decimal | None, what: str) -> Decimal:
    """A figure the rules rely on: pick_current picks only values holding one, and the loader stores a number,
    comparator or range target's figures with it. Missing, it is an error, not a silent 'no assessment'."""
    if figure is None:
        raise ValueError(f"no {what} held")
    return figure


def _numeric(values: Iterable[V]) -> list[V]:
    return [v for v in values if v.kind != ValueKind.TARGET and v.value is not None]


def _period(v: AssessedValue) -> Period:
    """A value's reporting period (KpiValue.period; stand-ins without one hold whole-year figures)."""
    return period_of(v.year, getattr(v, "period", ""))


def period_targets(values: Sequence[V]) -> dict[tuple[int, str], V]:
    """(year, period code) -> the target that counts for it: an entered target beats the printed one, the
    newest entry first (the same rule as figures); blank and dash targets are not targets."""
    held = sorted(
        (v for v in values if v.kind == ValueKind.TARGET and v.printed.strip() not in {"", "-", "\u2013"}),
        key=lambda v: (v.source == "entry", v.entered_at.timestamp() if v.entered_at else 0),
    )
    return {(v.year, getattr(v, "period", "")): v for v in held}


def pick_current(values: Sequence[V]) -> tuple[V | None, V | None, V | None]:
    """(latest figure, the figure for the period before it, the target it is judged against).

    The latest figure is the one for the most recent period (kpis/periods.py orders them; a part-year
    'latest' beats an 'actual' of the same period, and a value entered by a performance lead beats the
    document's, the newest entry first). Its target is the target for its own period, else its year's
    whole-year target (a year's target applies to each of its quarters and months). A document figure with
    neither falls back to the next year's target (plans commonly print the coming year's target beside the
    current part-year figure); an entered figure does not: it says 'No target set' instead (assess)."""
    figures = sorted(
        _numeric(values),
        key=lambda v: (
            _period(v).sort_key,
            v.kind == ValueKind.LATEST,
            v.source == "entry",
            v.entered_at.timestamp() if v.entered_at else 0,
        ),
    )
    current = figures[-1] if figures else None
    previous = None
    if current is not None:
        now = _period(current).sort_key
        earlier = [v for v in figures if _period(v).sort_key < now]
        if not _period(current).code:  # a whole-year figure is compared with an earlier year's
            earlier = [v for v in earlier if v.year < current.year]
        previous = earlier[-1] if earlier else None
    targets = period_targets(values)
    target = None
    if current is not None:
        target = targets.get((current.year, _period(current).code)) or targets.get((current.year, ""))
        if target is None and current.source != "entry":
            target = targets.get((current.year + 1, ""))
    elif targets:
        target = targets[min(targets, key=lambda k: period_of(*k).sort_key)]
    return current, previous, target


def travel(
    current: AssessedValue | None, previous: AssessedValue | None, higher_is_better: bool | None
) -> tuple[str, str]:
    if current is None or previous is None:
        return UNKNOWN, "No earlier figure to compare with"
    now, before = _held(current.value, "figure"), _held(previous.value, "earlier figure")
    change = now - before
    words = f"{_fmt(now)} in {_period(current).label} against {_fmt(before)} in {_period(previous).label}"
    if change == 0:
        return NO_CHANGE, words
    if higher_is_better is None:
        return UNKNOWN, f"{'Up' if change > 0 else 'Down'}: {words} (the plan does not say which way is better)"
    better = (change > 0) == higher_is_better
    return (IMPROVING if better else WORSENING), words


def _doubts(
    status: str, current: AssessedValue | None, previous: AssessedValue | None, target: AssessedValue | None
) -> list[str]:
    """What a status compares that is marked doubtful, in words (none for 'no assessment', which compares
    nothing). The previous figure counts only for trend targets, the only rule that compares it."""
    if status == NONE:
        return []
    used = [current, target]
    if target is not None and target.target_kind == TargetKind.TREND:
        used.append(previous)
    doubted = [(v, why) for v in used if v is not None and (why := str(getattr(v, "doubtful", "")))]
    return [
        f"The {fy_label(v.year)} {v.get_kind_display().lower()} '{v.printed.strip()}' is marked doubtful: "
        f"{why.rstrip('.')}"
        for v, why in doubted
    ]


def _no_target_set(
    values: Sequence[AssessedValue], current: AssessedValue, way: str, way_words: str, **rules: Any
) -> Assessment:
    """The newest figure, an entered one, has no target for its period: 'No target set for 2026-27', never a
    silent 'no assessment' (document figures keep 'No target printed'). The status at the newest figure that
    had a target is kept as `earlier`, so an off-track KPI stays on the off-track lists (watch_status)."""
    period = _period(current)
    rest = [v for v in values if v.kind == ValueKind.TARGET or (v.year, _period(v).code) != (period.year, period.code)]
    earlier = assess(values=rest, **rules)
    reason, last = f"No target set for {period.label}", earlier
    while last.needs_target and last.earlier is not None:  # earlier periods without a target too
        last = last.earlier
    if last.status != NONE and last.value is not None:
        reason += f" (last assessed {last.label.lower()} in {_period(last.value).label})"
    return Assessment(NONE, reason, way, way_words, current, None, needs_target=period.label, earlier=earlier)


def assess(
    *,
    values: Sequence[AssessedValue],
    unit: str,
    higher_is_better: bool | None,
    tolerance: Decimal | None = None,
    benchmarks: dict | None = None,
) -> Assessment:
    """Assess a KPI from its values (actual, latest and target KpiValues, any order). No queries.

    `benchmarks` maps a financial year to a benchmark figure held for it (e.g. the national average)."""
    current, previous, target = pick_current(values)
    way, way_words = travel(current, previous, higher_is_better)

    def result(status: str, reason: str, tol: Decimal | None = None) -> Assessment:
        doubts = _doubts(status, current, previous, target)
        if doubts:
            reason = f"{reason}. " + " ".join(doubts)
        return Assessment(status, reason, way, way_words, current, target, tol, " ".join(doubts))

    if target is None and current is not None and current.source == "entry":
        rules = {"unit": unit, "higher_is_better": higher_is_better, "tolerance": tolerance, "benchmarks": benchmarks}
        return _no_target_set(values, current, way, way_words, **rules)
    if target is None:
        return result(NONE, "No target printed")
    # An entered target may carry its own "near" band; else the KPI's, else the default rule.
    if (own := getattr(target, "tolerance", None)) is not None:
        tolerance = own
    kind = target.target_kind
    if kind == TargetKind.NONE or not kind:
        return result(NONE, NO_TARGET_REASONS.get(target.target_reason, "No target"))
    if kind == TargetKind.RAG:
        rating = (current.note if current is not None and current.status == "rag" else "").lower()
        aimed = target.printed.strip().lower()
        latest_rag = [v for v in values if v.kind != ValueKind.TARGET and v.status == "rag"]
        if not rating and latest_rag:
            rating = latest_rag[-1].note.lower()
        if not rating:
            return result(NONE, "No rating held")
        if rating == aimed or RAG_ORDER.get(rating, -1) >= RAG_ORDER.get(aimed, 99):
            return result(ON_TRACK, f"Rated {rating.title()} against a target of {aimed.title()}")
        return result(
            NEAR if rating.startswith("amber") else OFF_TRACK,
            f"Rated {rating.title()} against a target of {aimed.title()}",
        )
    if current is None:
        statuses = [v for v in values if v.kind != ValueKind.TARGET and v.status]
        why = statuses[-1].get_status_display().lower() if statuses else "no figure printed"
        return result(NONE, f"No figure to assess ({why})")

    value = _held(current.value, "figure")
    against = (
        f"{_fmt(value)} ({current.get_kind_display().lower()} {_period(current).label}) against the "
        f"{_period(target).label} target '{target.printed.strip()}'"
    )

    if kind in {TargetKind.NUMBER, TargetKind.COMPARATOR, TargetKind.RANGE}:
        goal = target.target_value if kind != TargetKind.RANGE else None
        tol = (
            tolerance
            if tolerance is not None
            else default_tolerance(unit, goal if goal is not None else target.target_high)
        )
        if kind == TargetKind.RANGE:
            low, high = _held(target.target_low, "range low end"), _held(target.target_high, "range high end")
            if low <= value <= high:
                return result(ON_TRACK, f"Within range: {against}", tol)
            gap = (low - value) if value < low else (value - high)
            return result(NEAR if gap <= tol else OFF_TRACK, f"Outside range by {_fmt(gap)}: {against}", tol)
        comparator = target.comparator
        if kind == TargetKind.NUMBER:
            if higher_is_better is None:
                return result(NONE, f"The plan does not say whether higher is better, so {against} is not assessed")
            comparator = "ge" if higher_is_better else "le"
        goal = _held(goal, "target figure")
        met = {"lt": value < goal, "le": value <= goal, "gt": value > goal, "ge": value >= goal, "eq": value == goal}[
            comparator
        ]
        if met:
            return result(ON_TRACK, f"Target met: {against}", tol)
        gap = abs(value - goal)
        return result(NEAR if gap <= tol else OFF_TRACK, f"Missed by {_fmt(gap)}: {against}", tol)

    if kind == TargetKind.TREND:
        if previous is None:
            return result(NONE, f"No earlier figure to show a trend ({against})")
        before = _held(previous.value, "earlier figure")
        change = value - before
        direction = target.direction
        tol = tolerance if tolerance is not None else default_tolerance(unit, before)
        compared = f"{_fmt(value)} in {_period(current).label} against {_fmt(before)} in {_period(previous).label}"
        if direction == "maintain":
            worse = (change < 0) if higher_is_better is not False else (change > 0)
            if not worse or abs(change) <= tol:
                return result(ON_TRACK, f"Maintained: {compared}", tol)
            return result(OFF_TRACK, f"Not maintained: {compared}", tol)
        wanted_up = direction == "increase" or (direction == "narrow_gap" and higher_is_better is False)
        if direction == "narrow_gap" and higher_is_better is None:
            wanted_up = False
        if change == 0:
            return result(NEAR, f"No change: {compared}", tol)
        if (change > 0) == wanted_up:
            return result(ON_TRACK, f"{'Increasing' if change > 0 else 'Reducing'} as targeted: {compared}", tol)
        return result(OFF_TRACK, f"{'Increasing' if change > 0 else 'Reducing'}, against the target: {compared}", tol)

    if kind == TargetKind.BENCHMARK:
        bench = (benchmarks or {}).get(target.year)
        if bench is None and target.target_value is not None:
            bench = target.target_value
        if bench is None:
            return result(NONE, f"No benchmark held for {fy_label(target.year)} ('{target.printed.strip()}')")
        tol = tolerance if tolerance is not None else default_tolerance(unit, bench)
        comparator = target.comparator or ("gt" if higher_is_better is not False else "lt")
        met = value > bench if comparator in {"gt", "ge"} else value < bench
        words = f"{_fmt(value)} against a benchmark of {_fmt(bench)} ('{target.printed.strip()}')"
        if met:
            return result(ON_TRACK, f"Better than the benchmark: {words}", tol)
        return result(NEAR if abs(value - bench) <= tol else OFF_TRACK, f"Not better than the benchmark: {words}", tol)
    return result(NONE, "Target kind not assessed")
