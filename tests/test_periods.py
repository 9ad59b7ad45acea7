"""Reporting periods (kpis/periods.py): labels, dates, order, reading them from text, and due dates that skip
weekends and England and Wales bank holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.periods import (
    Period,
    add_working_days,
    age_words,
    freshness,
    parse_period,
    period_containing,
    recent_periods,
)


@pytest.mark.parametrize(
    "period, label, start, end",
    [
        (Period(2026), "2026-27", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
        (Period(2026, "Q1"), "Q1 2026-27", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (Period(2026, "Q2"), "Q2 2026-27", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (Period(2026, "Q4"), "Q4 2026-27", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        (Period(2026, "M01"), "April 2026", dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
        (Period(2026, "M06"), "September 2026", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        (Period(2026, "M11"), "February 2027", dt.date(2027, 2, 1), dt.date(2027, 2, 28)),
        (Period(2027, "M11"), "February 2028", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (Period(2026, "M12"), "March 2027", dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
    ],
)
def test_it_labels_and_dates_each_period(period, label, start, end):
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize(
    "text, period",
    [
        ("Q2 2026-27", Period(2026, "Q2")),
        ("q2 2026/27", Period(2026, "Q2")),
        ("2026-27 Q4", Period(2026, "Q4")),
        ("2026-09", Period(2026, "M06")),
        ("2027-03", Period(2026, "M12")),
        ("Sep 2026", Period(2026, "M06")),
        ("Sept 2026", Period(2026, "M06")),
        ("September 2026", Period(2026, "M06")),
        ("January 2027", Period(2026, "M10")),
        ("2026-27", Period(2026)),
        ("2026-2027", Period(2026)),
    ],
)
def test_it_reads_periods_from_text(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["", "Q5 2026-27", "2026-28", "Smarch 2026", "2026-13", "soon"])
def test_it_refuses_what_is_not_a_period_saying_what_it_expects(text):
    with pytest.raises(ValueError, match="financial year|not a single|no month"):
        parse_period(text)


def test_it_orders_a_years_periods_in_time_with_the_whole_year_after_its_parts():
    periods = [
        Period(2026),
        Period(2026, "Q2"),
        Period(2026, "M01"),
        Period(2025),
        Period(2026, "Q1"),
        Period(2026, "M03"),
    ]
    ordered = sorted(periods, key=lambda p: p.sort_key)
    assert [p.label for p in ordered] == ["2025-26", "April 2026", "June 2026", "Q1 2026-27", "Q2 2026-27", "2026-27"]


def test_it_finds_the_period_a_day_falls_in_and_the_recent_ended_ones():
    day = dt.date(2026, 12, 5)
    assert period_containing(day, "quarterly") == Period(2026, "Q3")
    assert period_containing(dt.date(2027, 3, 31), "monthly") == Period(2026, "M12")
    assert period_containing(dt.date(2027, 4, 1), "annual") == Period(2027)
    assert [p.label for p in recent_periods(day, "quarterly", 3)] == ["Q2 2026-27", "Q1 2026-27", "Q4 2025-26"]
    assert [p.label for p in recent_periods(dt.date(2026, 4, 10), "monthly", 2)] == ["March 2026", "February 2026"]


@pytest.mark.parametrize(
    "period, due",
    [
        # Q2 ends Wednesday 30 September 2026; no bank holiday in the next three weeks.
        (Period(2026, "Q2"), dt.date(2026, 10, 21)),
        # The year ends Wednesday 31 March 2027; Good Friday 26 March and Easter Monday 29 March are before it.
        (Period(2026), dt.date(2027, 4, 21)),
        # April 2027 ends on a Friday; the early May bank holiday (Monday 3 May 2027) is skipped: 24 May, not 21.
        (Period(2027, "M01"), dt.date(2027, 5, 24)),
        # Q3 ends Thursday 31 December 2026; New Year's Day (Friday 1 January 2027) is skipped.
        (Period(2026, "Q3"), dt.date(2027, 1, 22)),
        # 2025-26 ends Tuesday 31 March 2026; Good Friday 3 April and Easter Monday 6 April 2026 fall inside.
        (Period(2025), dt.date(2026, 4, 23)),
    ],
)
def test_a_figure_falls_due_15_working_days_after_its_period_skipping_bank_holidays(period, due):
    assert period.due(15) == due


def test_working_days_skip_weekends_and_the_christmas_bank_holidays():
    # Friday 24 December 2027: Christmas and Boxing Day fall on a weekend, so 27 and 28 December are holidays.
    assert add_working_days(dt.date(2027, 12, 24), 1) == dt.date(2027, 12, 29)
    assert add_working_days(dt.date(2026, 10, 2), 1) == dt.date(2026, 10, 5)  # Friday -> Monday


def test_age_is_in_days_then_months_then_years():
    today = dt.date(2027, 1, 10)
    assert age_words(dt.date(2027, 1, 10), today) == "today"
    assert age_words(dt.date(2026, 12, 31), today) == "10 days ago"
    assert age_words(dt.date(2026, 9, 30), today) == "3 months ago"
    assert age_words(dt.date(2024, 3, 31), today) == "2 years ago"
    assert age_words(dt.date(2027, 3, 31), today) == "period not ended yet"


def test_freshness_names_the_newest_period_and_the_first_overdue_one():
    seen = [Period(2025), Period(2026, "Q1"), Period(2026, "Q2")]
    on_time = freshness(periods=seen, frequency="quarterly", due_working_days=15, today=dt.date(2027, 1, 22))
    assert on_time.latest_words == "Latest: Q2 2026-27, 3 months ago"
    assert on_time.next_due == dt.date(2027, 1, 22) and on_time.overdue_words == ""
    late = freshness(periods=seen, frequency="quarterly", due_working_days=15, today=dt.date(2027, 1, 23))
    assert late.overdue_words == "Overdue since 22 January 2027"
    assert freshness(periods=[], frequency="annual", due_working_days=15, today=dt.date(2027, 1, 1)).latest_words == (
        "No figure yet"
    )
