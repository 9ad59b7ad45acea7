"""Reads of measures and KPI values across plans."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from kpis.models import Benchmark, DoubtDecision, Kpi, KpiValue, Measure
from kpis.periods import period_of
from plans.parsing import fy_label


@dataclass
class HistoryPoint:
    """Everything the documents say about one measure for one financial year and kind (actual, latest or
    target), from every plan that prints it."""

    year: int
    kind: str
    values: list[KpiValue] = field(default_factory=list)
    period: str = ""  # kpis/periods.py: "" the whole year (every document figure), else a quarter or month

    @property
    def year_label(self) -> str:
        """The period's label: '2025-26', 'Q2 2026-27', 'September 2026'."""
        return period_of(self.year, self.period).label

    @property
    def at(self) -> tuple[int, str]:
        """(year, period code): the point's place on a chart's axis."""
        return self.year, self.period

    @property
    def figures(self) -> set:
        return {v.value for v in self.values if v.value is not None}

    @property
    def is_restated(self) -> bool:
        """Two plans print different figures for the same year: both are kept and shown."""
        if self.kind == KpiValue.Kind.TARGET:
            return len({v.printed.strip() for v in self.values}) > 1 and len(self.plans) > 1
        return len(self.figures) > 1 and len(self.plans) > 1

    @property
    def plans(self) -> set[str]:
        return {v.kpi.plan.slug for v in self.values}

    @property
    def latest(self) -> KpiValue:
        """The figure a chart shows: the newest entered value, else the newest plan's printed figure."""
        return max(
            self.values,
            key=lambda v: (
                v.value is not None,
                v.source == "entry",
                v.entered_at.timestamp() if v.entered_at else 0,
                v.kpi.plan.financial_year,
                v.order,
            ),
        )


KIND_ORDER: dict[str, int] = {KpiValue.Kind.ACTUAL: 0, KpiValue.Kind.LATEST: 1, KpiValue.Kind.TARGET: 2}


def measure_history(*, measure: Measure) -> list[HistoryPoint]:
    """Every published value of a measure, year by year, joined across the plans it appears in. One query."""
    values = (
        KpiValue.objects.published()
        .filter(kpi__measure=measure)
        .select_related("kpi__plan", "entered_by")
        .order_by("year", "kpi__plan__financial_year", "order", "entered_at")
    )
    points: dict[tuple[int, str, str], HistoryPoint] = {}
    for value in values:
        key = (value.year, value.period, value.kind)
        points.setdefault(key, HistoryPoint(value.year, value.kind, period=value.period)).values.append(value)
    # Periods in time order (kpis/periods.py: a year's months and quarters before the whole year).
    return sorted(points.values(), key=lambda p: (period_of(*p.at).sort_key, KIND_ORDER[p.kind]))


def kpis_for_table(*, queryset, joined: bool = True):
    """KPIs ready for a table row: plan, measure and their departments joined (unless `joined` is false: the
    caller has the plans and needs no measure), published values and benchmarks prefetched for whichever rows are
    fetched (a page, or a chunk of a download). 3 queries per fetch. Entries awaiting approval are not among the
    values: every public read (and the stored status) comes through here."""
    if joined:  # (select_related() with no names would join every relation instead of none)
        queryset = queryset.select_related("plan__department", "measure__department")
    return queryset.prefetch_related(
        Prefetch("values", queryset=KpiValue.objects.published().order_by("order", "entered_at")),
        Prefetch("benchmarks", queryset=Benchmark.objects.order_by("entered_at")),
    ).order_by("plan__department__name", "-plan__financial_year", "order")


# The columns the KPI list and its downloads draw (kpis.tables.KpiTable; Kpi.fresh for the freshness column): a
# KPI value has 42 columns and a KPI 26, three values are joined to each row, and reading only these took loading
# a council's 320 rows from 31 to 21 ms. A column the table starts to draw must be added here:
# tests/test_kpi_pages.py counts the queries of the page and its downloads.
LIST_VALUE_FIELDS = ("printed", "year", "period", "doubtful", "kind", "value", "status")
LIST_FIELDS = (
    *("description", "key", "status", "status_doubtful", "travel", "frequency", "due_working_days", "order"),
    *("plan__slug", "plan__title", "plan__financial_year", "plan__department__name", "plan__department__slug"),
    *(f"{to}__{name}" for to in ("shown_value", "shown_target", "newest_figure") for name in LIST_VALUE_FIELDS),
)


def kpis_for_list(*, queryset):
    """KPIs ready for the KPI list and its downloads: plan and department joined, with the latest figure and target
    their stored assessment rests on and their newest figure (Kpi.shown_value, shown_target, newest_figure); no
    other value is read, and only the columns the list draws (LIST_FIELDS). 1 query per fetch."""
    return (
        queryset.select_related("plan__department", "shown_value", "shown_target", "newest_figure")
        .only(*LIST_FIELDS)
        .order_by("plan__department__name", "-plan__financial_year", "order")
    )


def plan_kpis(*, plans=None, queryset=None) -> list:
    """KPIs (of the given plans, or of `queryset`) with plan, department, values and benchmarks loaded,
    ready for Kpi.assessment(). 3 queries. Given `plans` (with their departments loaded), each KPI's plan is one
    of those objects rather than a copy read again with every row (sixty copies of one plan on a large form), and
    the KPIs' measures are not read (the pages that pass plans do not show them)."""
    if queryset is not None:
        return list(kpis_for_table(queryset=queryset))
    by_id = {plan.pk: plan for plan in plans}
    kpis = list(kpis_for_table(queryset=Kpi.objects.filter(plan__in=plans), joined=False))
    for kpi in kpis:
        kpi.plan = by_id[kpi.plan_id]
    return kpis


def doubt_decisions(*, plan_slug: str) -> dict[tuple[str, int, str, str], DoubtDecision]:
    """The newest administrator's decision (mark or clear) for each printed value of a plan, keyed by
    (KPI key, year, kind, printed text), for the fixture loader to apply again. 1 query."""
    found: dict[tuple[str, int, str, str], DoubtDecision] = {}
    for decision in DoubtDecision.objects.filter(plan_slug=plan_slug).order_by("decided_at", "pk"):
        found[decision.value_key] = decision
    return found


# -- A plan's KPI table, in the columns the plan printed (the plan and KPI pages) ----------------------------


@dataclass
class KpiRow:
    kpi: Kpi
    cells: list[list[KpiValue]]  # one list per column (a cell may hold several years' values)


@dataclass
class KpiTable:
    columns: list[tuple[str, int]]  # (kind, year)
    rows: list[KpiRow]

    @property
    def headers(self) -> list[str]:
        return [f"{kind.title()} {fy_label(year)}" for kind, year in self.columns]


def kpi_table(kpis: list[Kpi]) -> KpiTable:
    """Arrange prefetched KPI values into the plan's columns (no queries). Each value sits in the column it was
    printed in (KpiValue.printed_in): a 2016-17 figure printed in brackets in the 'Actual 2017-18' cell, or a
    target printed in the 'Latest' column, stays in that cell; a column only such values name is still drawn."""
    columns = sorted(
        {value.printed_in for kpi in kpis for value in kpi.values.all()}, key=lambda c: (KIND_ORDER[c[0]], c[1])
    )
    position = {column: i for i, column in enumerate(columns)}
    rows = []
    for kpi in kpis:
        cells: list[list[KpiValue]] = [[] for _ in columns]
        for value in kpi.values.all():
            cells[position[value.printed_in]].append(value)
        rows.append(KpiRow(kpi, cells))
    return KpiTable(columns, rows)
