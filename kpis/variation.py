"""Variation over time: an XmR (individuals and moving range) chart's statistics and the special-cause rules of
NHS England's "Making Data Count" guidance, computed with pandas. Pure computation: a series of (label, value)
points in, a Variation out; no queries (history_series reads the values the KPI page has already loaded).

The rules, as Making Data Count states them (and as its reference implementation, NHSRplotthedots, applies them):
- a single point outside the natural process limits (mean ± 2.66 × the mean moving range, i.e. 3 sigma);
- a shift: a run of 7 or more consecutive points all above or all below the mean. Making Data Count uses 7;
  older run-chart guidance and the Western Electric rules use 8 or 9, so 7 flags a change one point sooner;
- a trend: 7 or more consecutive points all increasing or all decreasing (a tie breaks the run);
- two out of three consecutive points on the same side of the mean close to a limit: beyond 2 sigma (two thirds
  of the way from the mean to the limit) but not beyond the limit itself (that is the first rule).
Limits need at least 12 values: Making Data Count advises against limits drawn from fewer, which are too wide or
narrow to trust."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the lock

from kpis.models import KpiValue
from kpis.periods import period_of
from kpis.selectors import HistoryPoint

MINIMUM_POINTS = 12
LIMIT = 2.66  # 3 / d2 (1.128 for moving ranges of two points): 3 sigma, in moving ranges
NEAR = LIMIT * 2 / 3  # 2 sigma: the inner edge of "close to a limit"
RUN = 7  # Making Data Count's shift and trend length (see the module's docstring)

OUTSIDE, SHIFT, TREND, TWO_OF_THREE = "outside", "shift", "trend", "two-of-three"
RULE_NAMES = {
    OUTSIDE: "A point outside the process limits",
    SHIFT: f"A shift: {RUN} or more points in a row on one side of the mean",
    TREND: f"A trend: {RUN} or more points in a row all rising or all falling",
    TWO_OF_THREE: "Two out of three points close to a process limit",
}
RULE_SHORT = {OUTSIDE: "Outside the limits", SHIFT: "Shift", TREND: "Trend", TWO_OF_THREE: "Two of three near a limit"}
# When signals at the latest point disagree (a falling trend still above the mean), the trend speaks for it, as
# in NHS England's own charts: it is the newest direction of travel.
PRIORITY = (TREND, SHIFT, TWO_OF_THREE, OUTSIDE)

IMPROVEMENT, CONCERN, NEUTRAL, COMMON = "improvement", "concern", "neutral", "common cause"
STATUS_WORDS = {
    IMPROVEMENT: "Special cause variation: improvement",
    CONCERN: "Special cause variation: concern",
    NEUTRAL: "Special cause variation (the plan does not say whether higher or lower is better)",
    COMMON: "Common cause variation: no signal of change",
}
STATUS_MEANING = {
    IMPROVEMENT: "The figures have moved the better way by more than chance alone would explain: something in "
    "the process has changed.",
    CONCERN: "The figures have moved the worse way by more than chance alone would explain: something in the "
    "process has changed, and it is worth finding out what.",
    NEUTRAL: "The figures have moved by more than chance alone would explain: something in the process has changed.",
    COMMON: "The figures vary within the limits that chance alone explains: a rise or fall from one year to the "
    "next is noise, not a sign that anything has changed.",
}


def fmt(number: float | None) -> str:
    """A statistic as the page shows it: at most two decimal places, thousands separated, no trailing zeros."""
    if number is None:
        return ""
    text = f"{round(number, 2):,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Signal:
    """One firing of one rule: the points (their positions in the series) it fired on, and which way."""

    rule: str
    points: tuple[int, ...]
    labels: tuple[str, ...]
    upward: bool  # above the mean / rising
    meaning: str  # IMPROVEMENT, CONCERN or NEUTRAL

    @property
    def name(self) -> str:
        return RULE_NAMES[self.rule]

    @property
    def where(self) -> str:
        if self.rule == OUTSIDE:
            side = "above the upper limit" if self.upward else "below the lower limit"
            return f"{_join(self.labels)} {'is' if len(self.labels) == 1 else 'are'} {side}"
        span = f"{self.labels[0]} to {self.labels[-1]}"
        if self.rule == SHIFT:
            return f"{len(self.points)} points in a row {'above' if self.upward else 'below'} the mean, {span}"
        if self.rule == TREND:
            return f"{len(self.points)} points in a row {'rising' if self.upward else 'falling'}, {span}"
        limit = "upper" if self.upward else "lower"
        return f"{_join(self.labels)} close to the {limit} limit"

    @property
    def meaning_words(self) -> str:
        if self.meaning == NEUTRAL:
            return "a change, but the plan does not say whether higher or lower is better"
        return f"special cause {self.meaning}"


def _join(labels: Sequence[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


@dataclass(frozen=True)
class Variation:
    labels: list[str]
    values: list[float]
    higher_is_better: bool | None = None
    target: float | None = None
    mean: float | None = None
    mean_moving_range: float | None = None
    upper: float | None = None
    lower: float | None = None
    moving_ranges: list[float | None] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def cadence(self) -> str:
        """What the points are, from their labels (history_series): "quarterly", "monthly" or "yearly"."""
        first = self.labels[0] if self.labels else ""
        return "quarterly" if first[:1] == "Q" else "monthly" if first[:1].isalpha() else "yearly"

    @property
    def has_limits(self) -> bool:
        return self.mean is not None

    @property
    def why_no_limits(self) -> str:
        return f"XmR limits need at least {MINIMUM_POINTS} values; this measure has {self.count}."

    @property
    def shown(self) -> dict[str, str]:
        """The statistics as the page writes them (fmt), for templates."""
        return {
            "mean": fmt(self.mean),
            "lower": fmt(self.lower),
            "upper": fmt(self.upper),
            "mean_moving_range": fmt(self.mean_moving_range),
        }

    @property
    def near_upper(self) -> float | None:
        if self.mean is None or self.mean_moving_range is None:
            return None
        return self.mean + NEAR * self.mean_moving_range

    @property
    def near_lower(self) -> float | None:
        if self.mean is None or self.mean_moving_range is None:
            return None
        return self.mean - NEAR * self.mean_moving_range

    def rules_at(self, index: int) -> list[str]:
        """The rules that fired on the point at this position, in the order RULE_NAMES lists them."""
        fired = {s.rule for s in self.signals if index in s.points}
        return [rule for rule in RULE_NAMES if rule in fired]

    def meanings_at(self, index: int) -> set[str]:
        return {s.meaning for s in self.signals if index in s.points}

    @property
    def latest_signals(self) -> list[Signal]:
        """The signals that include the latest point, trend first (see PRIORITY)."""
        last = self.count - 1
        return sorted((s for s in self.signals if last in s.points), key=lambda s: PRIORITY.index(s.rule))

    @property
    def earlier_signals(self) -> list[Signal]:
        return [s for s in self.signals if self.count - 1 not in s.points]

    @property
    def status(self) -> str:
        """Making Data Count's variation icon: what the latest point shows (improvement, concern, a change of no
        stated polarity, or common cause). Earlier signals are still listed by the page."""
        latest = self.latest_signals
        return latest[0].meaning if latest else COMMON

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def status_meaning(self) -> str:
        return STATUS_MEANING[self.status]

    @property
    def assurance(self) -> str:
        """Making Data Count's assurance icon, in words: can the process be relied on to meet the target?
        Blank without a numeric target or limits."""
        if self.target is None or self.upper is None or self.lower is None:
            return ""
        target = fmt(self.target)
        limits = f"between the process limits ({fmt(self.lower)} to {fmt(self.upper)})"
        if self.lower <= self.target <= self.upper:
            return (
                f"The target of {target} lies {limits}: the process will hit and miss the target at random "
                "unless something changes."
            )
        above = self.target > self.upper
        where = "above the upper" if above else "below the lower"
        if self.higher_is_better is None:
            side = "below" if above else "above"
            return (
                f"The target of {target} lies {where} process limit: the figures will consistently stay {side} "
                "it unless something changes."
            )
        hits = above != self.higher_is_better  # a target above the limits is missed when higher is better
        return (
            f"The target of {target} lies {where} process limit: the process will consistently "
            f"{'hit' if hits else 'miss'} the target unless something changes."
        )


def _meaning(upward: bool, higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return NEUTRAL
    return IMPROVEMENT if upward == higher_is_better else CONCERN


def _runs(codes: pd.Series) -> Iterable[tuple[int, int, int]]:
    """(code, first position, length) of each run of equal codes."""
    groups = (codes != codes.shift()).cumsum()
    for _, run in codes.groupby(groups, sort=False):
        yield int(run.iloc[0]), int(run.index[0]), len(run)


def _grouped(flags: list[int], *, gap: int) -> list[list[int]]:
    """Positions split where the next one is more than `gap` further on."""
    groups: list[list[int]] = []
    for i in flags:
        if groups and i - groups[-1][-1] <= gap:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def variation(
    points: Sequence[tuple[str, float | Decimal]],
    *,
    higher_is_better: bool | None = None,
    target: float | Decimal | None = None,
) -> Variation:
    """The XmR statistics and signals of `points` (label, value) in time order. With fewer than 12 points, only
    the values: no limits, no signals."""
    labels = [label for label, _ in points]
    values = [float(value) for _, value in points]
    base = Variation(labels, values, higher_is_better, None if target is None else float(target))
    if len(values) < MINIMUM_POINTS:
        return base
    x = pd.Series(values)
    moving = x.diff().abs()  # the first point has no moving range (NaN)
    mean, mr = float(x.mean()), float(moving.mean())  # pandas skips the NaN
    upper, lower = mean + LIMIT * mr, mean - LIMIT * mr
    near_up, near_low = mean + NEAR * mr, mean - NEAR * mr
    side = (x - mean).apply(lambda d: (d > 0) - (d < 0))  # +1 above the mean, -1 below, 0 on it
    signals: list[Signal] = []

    def add(rule: str, positions: list[int], upward: bool) -> None:
        chosen = tuple(positions)
        signals.append(
            Signal(rule, chosen, tuple(labels[i] for i in chosen), upward, _meaning(upward, higher_is_better))
        )

    for upward, outside in ((True, x > upper), (False, x < lower)):
        if outside.any():
            add(OUTSIDE, list(x.index[outside]), upward)
    for code, start, length in _runs(side):
        if code and length >= RUN:
            add(SHIFT, list(range(start, start + length)), code > 0)
    # A trend of 7 points is 6 steps the same way; a step of 0 (a repeated value) breaks it.
    step = x.diff().fillna(0).apply(lambda d: (d > 0) - (d < 0))
    for code, start, length in _runs(step):
        if code and length >= RUN - 1:
            add(TREND, list(range(start - 1, start + length)), code > 0)
    for upward, sign, near in ((True, 1, (x > near_up) & (x <= upper)), (False, -1, (x < near_low) & (x >= lower))):
        flagged: set[int] = set()
        for first in range(len(x) - 2):
            window = range(first, first + 3)
            if all(side[i] == sign for i in window) and sum(bool(near[i]) for i in window) >= 2:
                flagged.update(i for i in window if near[i])
        for group in _grouped(sorted(flagged), gap=2):
            add(TWO_OF_THREE, group, upward)
    signals.sort(key=lambda s: (s.points[0], list(RULE_NAMES).index(s.rule)))
    return Variation(
        labels,
        values,
        higher_is_better,
        base.target,
        mean=mean,
        mean_moving_range=mr,
        upper=upper,
        lower=lower,
        moving_ranges=[None if pd.isna(m) else float(m) for m in moving],
        signals=signals,
    )


# -- A KPI's series, from the history the KPI page has already loaded -------------------------------------------


def history_series(history: Sequence[HistoryPoint]) -> list[tuple[str, Decimal]]:
    """One figure per period, in time order, at one frequency: the months when the measure has monthly figures,
    else its quarters, else its financial years (an XmR chart's points must be alike: a year's figure beside a
    quarter's is not a point of the same process). Of a period's actual and part-year latest values holding a
    number: the newest entered value (entered beats printed, as the history chart decides: HistoryPoint.latest),
    else a full-year actual over a part-year latest (a part-year figure is not comparable with whole years'),
    else the newest plan's printed figure. No queries."""
    by_period: dict[tuple[int, str], list[tuple[KpiValue, Decimal]]] = {}
    for point in history:
        if point.kind in {KpiValue.Kind.ACTUAL, KpiValue.Kind.LATEST}:
            for v in point.values:
                if v.value is not None:
                    by_period.setdefault(point.at, []).append((v, v.value))
    codes = {code[:1] for _, code in by_period}
    grain = "M" if "M" in codes else "Q" if "Q" in codes else ""
    series = []
    for year, code in sorted((at for at in by_period if at[1][:1] == grain), key=lambda at: period_of(*at).sort_key):
        chosen, figure = max(
            by_period[(year, code)],
            # Only entered values have an entered_at: the newest entry first, then the printed figures.
            key=lambda pair: (
                pair[0].entered_at.timestamp() if pair[0].entered_at else 0,
                pair[0].kind == KpiValue.Kind.ACTUAL,
                pair[0].kpi.plan.financial_year,
                pair[0].order,
            ),
        )
        series.append((period_of(year, code).label, figure))
    return series
