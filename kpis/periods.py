"""Reporting periods of a financial year (April to March): the whole year, a quarter or a month, with the
date each period's figure falls due. Pure: no models, no queries.

A period is stored on KpiValue.period as its code: "" for the whole year (every figure the documents print is
for a whole year), "Q1".."Q4", or "M01".."M12" where M01 is April and M12 March. Its financial year is the
value's `year`.

Order (sort_key): the periods of one year in time order, months before the quarter they close and quarters
before the whole year, each after the parts it sums up: a year's figure is known only once its last month and
quarter are, so "newest" in a table or chart is the most complete figure for the latest date.

Due date: N working days after the period ends, skipping Saturdays, Sundays and England and Wales bank
holidays (the `holidays` library's UK calendar, subdivision ENG, which holds the same days as Wales).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import holidays

from plans.parsing import fy_label, fy_of

ANNUAL, QUARTERLY, MONTHLY = "annual", "quarterly", "monthly"
MONTH_NAMES = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]  # January .. December
_MONTH_WORDS = {name.lower(): i + 1 for i, name in enumerate(MONTH_NAMES)} | {
    name[:3].lower(): i + 1 for i, name in enumerate(MONTH_NAMES)
}
_MONTH_WORDS["sept"] = 9


def _month_of(code: str) -> int:
    """Calendar month (1-12) of a month code: M01 -> 4 (April) .. M12 -> 3 (March)."""
    return (int(code[1:]) + 2) % 12 + 1


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True, order=False)
class Period:
    year: int  # start year of the financial year
    code: str = ""  # "" (whole year), "Q1".."Q4", "M01".."M12"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"|Q[1-4]|M(0[1-9]|1[0-2])", self.code):
            raise ValueError(f"not a period code: {self.code!r} (expected '', Q1-Q4 or M01-M12)")

    @property
    def frequency(self) -> str:
        return ANNUAL if not self.code else QUARTERLY if self.code[0] == "Q" else MONTHLY

    @cached_property
    def start(self) -> dt.date:
        if not self.code:
            return dt.date(self.year, 4, 1)
        if self.frequency == QUARTERLY:
            year, month = _add_months(self.year, 4, 3 * (int(self.code[1]) - 1))
            return dt.date(year, month, 1)
        year, month = _add_months(self.year, 4, int(self.code[1:]) - 1)
        return dt.date(year, month, 1)

    @cached_property
    def end(self) -> dt.date:
        months = {ANNUAL: 12, QUARTERLY: 3, MONTHLY: 1}[self.frequency]
        year, month = _add_months(self.start.year, self.start.month, months)
        return dt.date(year, month, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """'2026-27', 'Q2 2026-27', 'September 2026'."""
        if not self.code:
            return fy_label(self.year)
        if self.frequency == QUARTERLY:
            return f"{self.code} {fy_label(self.year)}"
        return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"

    @cached_property
    def sort_key(self) -> tuple[int, int, int]:
        """(year, end month index within the year, 0 month / 1 quarter / 2 year): see the module's note."""
        months_in = (self.end.year - self.year) * 12 + self.end.month - 4  # 0 (April) .. 11 (March)
        rank = {MONTHLY: 0, QUARTERLY: 1, ANNUAL: 2}[self.frequency]
        return self.year, months_in, rank

    def __str__(self) -> str:
        return self.label

    def previous(self) -> Period:
        """The period of the same frequency before this one."""
        if not self.code:
            return Period(self.year - 1)
        if self.frequency == QUARTERLY:
            q = int(self.code[1])
            return Period(self.year, f"Q{q - 1}") if q > 1 else Period(self.year - 1, "Q4")
        m = int(self.code[1:])
        return Period(self.year, f"M{m - 1:02d}") if m > 1 else Period(self.year - 1, "M12")

    def due(self, working_days: int) -> dt.date:
        """The date the figure falls due: `working_days` working days after the period ends."""
        return add_working_days(self.end, working_days)


@lru_cache(maxsize=4096)
def period_containing(day: dt.date, frequency: str) -> Period:
    """The period of that frequency a date falls in."""
    year = fy_of(day)
    if frequency == ANNUAL:
        return Period(year)
    month_index = (day.month - 4) % 12  # 0 = April
    if frequency == QUARTERLY:
        return Period(year, f"Q{month_index // 3 + 1}")
    return Period(year, f"M{month_index + 1:02d}")


def recent_periods(today: dt.date, frequency: str, count: int = 6) -> list[Period]:
    """The last `count` periods of that frequency that have ended by `today`, newest first."""
    period = period_containing(today, frequency).previous()
    found = []
    for _ in range(count):
        found.append(period)
        period = period.previous()
    return found


def parse_period(text: str) -> Period:
    """'Q2 2026-27', '2026-27 Q2', '2026-09', 'Sep 2026', 'September 2026', '2026-27'. Raises ValueError
    saying what was expected."""
    raw = " ".join((text or "").split())
    low = raw.lower()
    fy = r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})"
    if m := re.fullmatch(rf"q([1-4])\s+{fy}|{fy}\s+q([1-4])", low):
        quarter = m.group(1) or m.group(6)
        start, end = (m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5))
        return Period(_fy(start, end, raw), f"Q{quarter}")
    # "2026-27" is a financial year, "2026-09" a month: a two-digit end that is the next year's is a year
    # (so "2011-12" is the financial year, as the documents print it; write December 2011 for the month).
    if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", low)) and int(m.group(2)) != (int(m.group(1)) + 1) % 100:
        return _month_period(int(m.group(1)), int(m.group(2)), raw)
    if m := re.fullmatch(fy, low):
        return Period(_fy(m.group(1), m.group(2), raw))
    if m := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", low):
        if m.group(1) in _MONTH_WORDS:
            return _month_period(int(m.group(2)), _MONTH_WORDS[m.group(1)], raw)
    raise ValueError(
        f"“{raw[:40]}” is not a period: write a financial year (2026-27), a quarter (Q2 2026-27) or a month "
        "(2026-09 or September 2026)"
    )


def _fy(start: str, end: str, raw: str) -> int:
    first = int(start)
    last = int(end) if len(end) == 4 else (first // 100) * 100 + int(end)
    if last != first + 1:
        raise ValueError(f"“{raw[:40]}” is not a single financial year (like 2026-27)")
    return first


def _month_period(year: int, month: int, raw: str) -> Period:
    if not 1 <= month <= 12:
        raise ValueError(f"“{raw[:40]}”: there is no month {month}")
    return period_containing(dt.date(year, month, 1), MONTHLY)


@lru_cache(maxsize=4096)
def period_of(year: int, code: str) -> Period:
    """A stored value's period (KpiValue.year, KpiValue.period)."""
    return Period(year, code or "")


@lru_cache(maxsize=16)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=4096)
def add_working_days(day: dt.date, working_days: int) -> dt.date:
    """The date `working_days` working days after `day` (day itself not counted). Remembered: a KPI list asks
    it for every row, and the answer for a date never changes."""
    counted = 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def age_words(since: dt.date, today: dt.date) -> str:
    """'3 months ago', '12 days ago', 'today': how long ago a date was, in whole months once over a month."""
    days = (today - since).days
    if days <= 0:
        return "today" if days == 0 else "period not ended yet"
    months = (today.year - since.year) * 12 + today.month - since.month - (today.day < since.day)
    if months >= 1:
        if months >= 24:
            return f"{months // 12} years ago"
        return f"{months} month{'s' if months != 1 else ''} ago"
    return f"{days} day{'s' if days != 1 else ''} ago"


@dataclass(frozen=True)
class Freshness:
    """How current a KPI's figures are: the newest figure's period, how long ago it ended, and the date the next
    period's figure fell due if it is overdue."""

    latest: Period | None
    age: str = ""
    next_period: Period | None = None
    next_due: dt.date | None = None
    overdue_since: dt.date | None = None

    @property
    def latest_words(self) -> str:
        """'Latest: Q2 2026-27, 3 months ago' (age from the end of the period), or 'No figure yet'."""
        if self.latest is None:
            return "No figure yet"
        return f"Latest: {self.latest.label}, {self.age}"

    @property
    def overdue_words(self) -> str:
        return f"Overdue since {long_date(self.overdue_since)}" if self.overdue_since else ""


def long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def freshness(*, periods: list[Period], frequency: str, due_working_days: int, today: dt.date) -> Freshness:
    """From the periods holding a figure: the newest, its age, and whether the next period of the KPI's
    frequency after it is overdue (its due date has passed with no figure). No figure at all: nothing is
    flagged, since nothing says when reporting began."""
    if not periods:
        return Freshness(None)
    latest = max(periods, key=lambda p: p.sort_key)
    following = period_containing(latest.end + dt.timedelta(days=1), frequency)
    due = following.due(due_working_days)
    return Freshness(
        latest,
        age_words(latest.end, today),
        following,
        due,
        due if today > due else None,
    )


def year_periods(year: int) -> list[Period]:
    """Every quarter and month of a financial year, in order (the whole year is Period(year))."""
    return [Period(year, f"Q{q}") for q in range(1, 5)] + [Period(year, f"M{m:02d}") for m in range(1, 13)]
