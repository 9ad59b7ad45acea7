"""The Procurement Act 2023 pipeline notice: the contracts over £2m whose contract start falls in the 18
months from a chosen day, and what is left out of them (undated, earlier, later)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from plans.models import Council
from procurement.models import ProcurementEntry
from procurement.selectors import pipeline_queryset

NOTICE_THRESHOLD = Decimal(2_000_000)
NOTICE_MONTHS = 18


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when that month is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Notice:
    start: dt.date
    end: dt.date  # exclusive
    rows: list[ProcurementEntry]  # over the threshold, contract start in [start, end)
    undated: list[ProcurementEntry]  # over the threshold, no real contract start
    later: int  # over the threshold, contract start on or after `end`
    earlier: int  # over the threshold, contract start before `start`
    plan_years: list[tuple[dt.date, str]]  # (1 April, "2025-26") of plans holding such contracts

    @property
    def total(self) -> Decimal:
        return sum((e.value for e in self.rows if e.value is not None), Decimal(0))  # every row has one

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def notice_queryset(*, council: Council | None) -> QuerySet[ProcurementEntry]:
    return pipeline_queryset(council=council).filter(value__gt=NOTICE_THRESHOLD)


def pipeline_notice(*, start: dt.date, rows: list[ProcurementEntry]) -> Notice:
    """Split the contracts over £2m (`rows`, from `notice_queryset()`, already fetched) by whether their
    contract start falls in the 18 months from `start`. No queries."""
    end = add_months(start, NOTICE_MONTHS)
    inside, undated = [], []
    later = earlier = 0
    years: dict[int, str] = {}
    for entry in rows:
        years[entry.plan.financial_year] = entry.plan.year_label
        if entry.contract_start is None:
            undated.append(entry)
        elif entry.contract_start < start:
            earlier += 1
        elif entry.contract_start >= end:
            later += 1
        else:
            inside.append(entry)
    inside.sort(key=lambda e: (e.contract_start, -(e.value or 0), e.title))
    plan_years = [(dt.date(year, 4, 1), label) for year, label in sorted(years.items(), reverse=True)]
    return Notice(start, end, inside, undated, later, earlier, plan_years)
