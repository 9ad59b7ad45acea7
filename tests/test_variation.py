"""The XmR statistics and NHS England's "Making Data Count" special-cause rules (kpis/variation.py), on
constructed series whose answer is worked out by hand below each one. Limits: mean ± 2.66 × the mean moving
range; "close to a limit": beyond mean ± (2/3 × 2.66) × the mean moving range, within the limit."""

from __future__ import annotations

from typing import Any

import pytest

from kpis.variation import (
    COMMON,
    CONCERN,
    IMPROVEMENT,
    NEUTRAL,
    OUTSIDE,
    SHIFT,
    TREND,
    TWO_OF_THREE,
    history_series,
    variation,
)


def years(values, **kwargs):
    """The values labelled 2011-12, 2012-13, ... in order."""
    return variation([(f"{2011 + i}-{(12 + i) % 100:02d}", v) for i, v in enumerate(values)], **kwargs)


def rules(v) -> list[tuple[str, list[int], str]]:
    return [(s.rule, list(s.points), s.meaning) for s in v.signals]


def test_it_finds_no_signal_in_a_stable_series():
    v = years([10, 12] * 6, higher_is_better=True)
    # mean = (6 × 10 + 6 × 12) / 12 = 132 / 12 = 11; 11 moving ranges, each |12 - 10| = 2, so their mean is 2
    # limits = 11 ± 2.66 × 2 = 11 ± 5.32: 5.68 to 16.32; close-to-limit lines 11 ± 3.5467 (7.45 to 14.55)
    assert v.mean == pytest.approx(11)
    assert v.mean_moving_range == pytest.approx(2)
    assert v.upper == pytest.approx(16.32) and v.lower == pytest.approx(5.68)
    assert v.moving_ranges == [None] + [pytest.approx(2)] * 11
    assert v.signals == []
    assert v.status == COMMON
    assert v.status_words == "Common cause variation: no signal of change"
    assert v.shown == {"mean": "11", "lower": "5.68", "upper": "16.32", "mean_moving_range": "2"}


SHIFTED = [6, 14, 6, 14, 6, 11, 12, 11, 12, 11, 12, 11]


def test_it_finds_a_shift_of_seven_above_the_mean():
    v = years(SHIFTED, higher_is_better=True)
    # mean = (3 × 6 + 2 × 14 + 4 × 11 + 3 × 12) / 12 = (18 + 28 + 44 + 36) / 12 = 126 / 12 = 10.5
    # moving ranges: 8, 8, 8, 8, |11 - 6| = 5, then six of 1: (32 + 5 + 6) / 11 = 43 / 11
    # upper = 10.5 + 2.66 × 43 / 11 = 20.898...; lower = 10.5 - 2.66 × 43 / 11 = 0.1018...
    assert v.mean == pytest.approx(10.5)
    assert v.mean_moving_range == pytest.approx(43 / 11)
    assert v.upper == pytest.approx(10.5 + 2.66 * 43 / 11) and v.lower == pytest.approx(10.5 - 2.66 * 43 / 11)
    assert v.shown["upper"] == "20.9" and v.shown["lower"] == "0.1"
    # 11, 12, 11, 12, 11, 12, 11 (2016-17 to 2022-23) are all above 10.5: seven in a row. The 14s before them
    # are above it too, but a 6 comes between.
    assert rules(v) == [(SHIFT, [5, 6, 7, 8, 9, 10, 11], IMPROVEMENT)]
    (shift,) = v.signals
    assert shift.where == "7 points in a row above the mean, 2016-17 to 2022-23"
    assert v.status == IMPROVEMENT and v.rules_at(11) == [SHIFT] and v.rules_at(4) == []


def test_six_in_a_row_is_not_yet_a_shift():
    v = years([6, 14, 6, 14, 6, 14, 6, 11, 12, 11, 12, 11, 12])  # six above the mean at the end
    assert SHIFT not in {s.rule for s in v.signals}


def test_the_same_shift_is_a_concern_when_lower_is_better_and_neither_when_the_plan_does_not_say():
    assert rules(years(SHIFTED, higher_is_better=False)) == [(SHIFT, [5, 6, 7, 8, 9, 10, 11], CONCERN)]
    assert years(SHIFTED, higher_is_better=False).status_words == "Special cause variation: concern"
    unsaid = years(SHIFTED, higher_is_better=None)
    assert rules(unsaid) == [(SHIFT, [5, 6, 7, 8, 9, 10, 11], NEUTRAL)]
    assert unsaid.status == NEUTRAL


def test_it_finds_a_trend_of_seven():
    v = years([12, 8, 12, 8, 12, 5, 6, 7, 8, 9, 10, 11], higher_is_better=False)
    # mean = (3 × 12 + 2 × 8 + (5 + 6 + ... + 11)) / 12 = (36 + 16 + 56) / 12 = 108 / 12 = 9
    # moving ranges: four of 4, |5 - 12| = 7, six of 1: (16 + 7 + 6) / 11 = 29 / 11
    # limits = 9 ± 2.66 × 29 / 11 = 9 ± 7.0127: 1.99 to 16.01. Below the mean only 5, 6, 7, 8 run together
    # (9 is on it): no shift. 5 to 11 rise seven points in a row: a trend, upward, a concern when lower is better.
    assert v.mean == pytest.approx(9)
    assert v.mean_moving_range == pytest.approx(29 / 11)
    assert v.upper == pytest.approx(9 + 2.66 * 29 / 11) and v.lower == pytest.approx(9 - 2.66 * 29 / 11)
    assert rules(v) == [(TREND, [5, 6, 7, 8, 9, 10, 11], CONCERN)]
    assert v.signals[0].where == "7 points in a row rising, 2016-17 to 2022-23"
    assert rules(years([12, 8, 12, 8, 12, 5, 6, 7, 8, 9, 10, 11], higher_is_better=True))[0][2] == IMPROVEMENT


def test_a_repeated_value_breaks_a_trend():
    assert TREND not in {s.rule for s in years([12, 8, 12, 8, 12, 5, 6, 7, 7, 9, 10, 11]).signals}


def test_it_finds_a_single_point_beyond_the_upper_limit():
    v = years([10, 12, 10, 12, 10, 36, 10, 12, 10, 12, 10, 12], higher_is_better=False)
    # mean = (6 × 10 + 5 × 12 + 36) / 12 = (60 + 60 + 36) / 12 = 156 / 12 = 13
    # moving ranges: nine of 2 and two of |36 - 10| = 26: (18 + 52) / 11 = 70 / 11 = 6.3636...
    # upper = 13 + 2.66 × 70 / 11 = 13 + 16.927 = 29.93 < 36. Below the mean, 10 and 12 run five and then six
    # points long (36 splits them): no shift.
    assert v.mean == pytest.approx(13)
    assert v.mean_moving_range == pytest.approx(70 / 11)
    assert v.upper == pytest.approx(13 + 2.66 * 70 / 11)
    assert v.shown["upper"] == "29.93"
    assert rules(v) == [(OUTSIDE, [5], CONCERN)]
    assert v.signals[0].where == "2016-17 is above the upper limit"
    # The latest point signals nothing: the status is common cause, the earlier signal is still listed.
    assert v.status == COMMON and v.earlier_signals == v.signals


def test_it_finds_two_out_of_three_points_close_to_the_upper_limit():
    v = years([10, 12, 10, 12, 10, 12, 10, 12, 10, 14, 16, 16], higher_is_better=True)
    # mean = (5 × 10 + 4 × 12 + 14 + 16 + 16) / 12 = (50 + 48 + 46) / 12 = 144 / 12 = 12
    # moving ranges: eight of 2, |14 - 10| = 4, |16 - 14| = 2, |16 - 16| = 0: (16 + 4 + 2 + 0) / 11 = 22 / 11 = 2
    # upper = 12 + 2.66 × 2 = 17.32; close to it beyond 12 + 2/3 × 5.32 = 15.5467. 14, 16, 16 are all above the
    # mean and two of them (the 16s, 2021-22 and 2022-23) lie between 15.55 and 17.32.
    assert v.mean == pytest.approx(12)
    assert v.mean_moving_range == pytest.approx(2)
    assert v.upper == pytest.approx(17.32) and v.lower == pytest.approx(6.68)
    assert v.near_upper == pytest.approx(12 + 2 / 3 * 5.32)
    assert rules(v) == [(TWO_OF_THREE, [10, 11], IMPROVEMENT)]
    assert v.signals[0].where == "2021-22 and 2022-23 close to the upper limit"
    assert v.status == IMPROVEMENT


def test_one_point_close_to_a_limit_is_not_a_signal():
    v = years([10, 12, 10, 12, 10, 12, 10, 12, 10, 14, 16, 14])
    assert TWO_OF_THREE not in {s.rule for s in v.signals}


def test_fewer_than_twelve_points_have_no_limits_and_say_why():
    v = years([10, 12, 10, 12, 40])
    assert not v.has_limits and v.mean is None and v.upper is None and v.signals == []
    assert v.why_no_limits == "XmR limits need at least 12 values; this measure has 5."
    assert v.assurance == ""


def test_the_target_against_the_limits_says_whether_it_will_be_met():
    # SHIFTED's limits run from 0.1018 to 20.898 (see above).
    assert years(SHIFTED, higher_is_better=True, target=15).assurance == (
        "The target of 15 lies between the process limits (0.1 to 20.9): the process will hit and miss the "
        "target at random unless something changes."
    )
    assert years(SHIFTED, higher_is_better=True, target=25).assurance == (
        "The target of 25 lies above the upper process limit: the process will consistently miss the target "
        "unless something changes."
    )
    assert years(SHIFTED, higher_is_better=False, target=25).assurance.endswith(
        "consistently hit the target unless something changes."
    )
    assert years(SHIFTED, higher_is_better=True, target=0).assurance == (
        "The target of 0 lies below the lower process limit: the process will consistently hit the target "
        "unless something changes."
    )
    assert "consistently stay below it" in years(SHIFTED, target=25).assurance
    assert years(SHIFTED, higher_is_better=True).assurance == ""


class Value:
    """The fields of a KpiValue history_series reads."""

    def __init__(self, year, kind, value, *, source="document", entered_at=None, plan_year=2022, order=1):
        self.year, self.kind, self.value, self.source, self.entered_at, self.order = (
            year,
            kind,
            value,
            source,
            entered_at,
            order,
        )
        self.year_label = f"{year}-{(year + 1) % 100:02d}"
        self.kpi = type("K", (), {"plan": type("P", (), {"financial_year": plan_year})()})()


def test_the_series_takes_one_figure_a_year_entered_over_printed_and_full_year_over_part_year():
    import datetime as dt

    from kpis.selectors import HistoryPoint

    when = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)

    def point(year: int, kind: str, values: list[Any]) -> HistoryPoint:
        return HistoryPoint(year, kind, values)

    history = [
        point(2020, "actual", [Value(2020, "actual", 5)]),
        point(2020, "latest", [Value(2020, "latest", 3)]),  # a part-year figure: the actual wins
        point(2021, "actual", [Value(2021, "actual", 7)]),
        point(2021, "latest", [Value(2021, "latest", 8, source="entry", entered_at=when)]),  # entered wins
        point(2022, "actual", [Value(2022, "actual", None)]),  # no number: no point
        point(2022, "target", [Value(2022, "target", 9)]),  # targets are not figures
        point(2023, "latest", [Value(2023, "latest", 4, plan_year=2022), Value(2023, "latest", 6, plan_year=2023)]),
    ]
    assert history_series(history) == [("2020-21", 5), ("2021-22", 8), ("2023-24", 6)]


def test_the_series_takes_one_figure_a_period_at_the_finest_frequency_in_time_order():
    from kpis.selectors import HistoryPoint

    history = [
        HistoryPoint(2024, "actual", [Value(2024, "actual", 50)]),  # a whole year beside quarters: left out
        HistoryPoint(2025, "latest", [Value(2025, "latest", 12)], period="Q2"),
        HistoryPoint(2025, "latest", [Value(2025, "latest", 11)], period="Q1"),
        HistoryPoint(2024, "latest", [Value(2024, "latest", 14)], period="Q4"),
        HistoryPoint(2025, "latest", [Value(2025, "latest", 13)], period="Q3"),
    ]
    assert history_series(history) == [("Q4 2024-25", 14), ("Q1 2025-26", 11), ("Q2 2025-26", 12), ("Q3 2025-26", 13)]
    assert variation(history_series(history)).cadence == "quarterly"
    monthly = [HistoryPoint(2025, "latest", [Value(2025, "latest", m)], period=f"M{m:02d}") for m in (3, 1, 2)]
    assert history_series(history + monthly) == [("April 2025", 1), ("May 2025", 2), ("June 2025", 3)]
