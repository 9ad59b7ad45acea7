"""Which pages the benchmark and the soak read (perf/bench.py, perf/soak.py): every page type, at URLs
discovered from the database (the first council, its first department with KPIs, that department's current
plan, the KPI with the longest history, a word search finds), so the same benchmark runs on any data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.management.base import CommandError
from django.db.models import Count

from kpis.filters import KpiFilter
from kpis.models import Kpi
from plans.filters import DeliverableFilter, RiskFilter
from plans.models import Council, Department, Plan
from procurement.filters import PipelineFilter
from procurement.models import ProcurementEntry, ProcurementTable
from procurement.selectors import BANDS, band_q, value_band
from search.selectors import search_run


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    signed_in: bool = False  # as the benchmark's performance lead
    export: str = ""  # "csv" / "xlsx": the download must stream
    # Read as a browser reads it (Accept-Encoding: gzip, ...); False: by a client that asks for no compression.
    # The ratio to the trivial view is a target only as browsers read a page.
    compressed: bool = True

    @property
    def headers(self) -> dict[str, str]:
        return {} if self.compressed else {"Accept-Encoding": "identity"}

    @property
    def ratio_target(self) -> bool:
        """Whether requests/s against the trivial view's is a target: for a page the page cache keeps (a
        signed-in page is never kept: it names its reader), read as a browser reads it."""
        return self.compressed and not self.signed_in


@dataclass
class Scope:
    council: Council
    department: Department
    plan: Plan


# -- which pages -----------------------------------------------------------------------------------------------


def _with_council(path: str, filterset_class: type, council: Council, **params: str) -> str:
    """`path` with `params`, and `council=<slug>` when the list page can be scoped to a council (the first
    council in scope, as a user of a shared installation would look at it)."""
    if "council" in getattr(filterset_class, "base_filters", {}):
        params = {"council": council.slug, **params}
    return f"{path}?{urlencode(params)}" if params else path


def bench_scope() -> Scope:
    """The first council (by slug), its first department (by name) with a plan holding KPIs, and that
    department's current plan (the newest with KPIs)."""
    council = Council.objects.order_by("slug").first()
    if council is None:
        raise CommandError("No council in this database: load the plans first (make bench does)")
    plan = (
        Plan.objects.filter(department__council=council, kpis__isnull=False)
        .select_related("department")
        .order_by("department__name", "-financial_year", "slug")
        .first()
    )
    if plan is None:
        raise CommandError(f"{council} has no plan with key performance measures")
    department = plan.department
    # The plan found above holds KPIs, so the department's newest such plan is never missing.
    current = department.plans.filter(kpis__isnull=False).order_by("-financial_year", "slug").first() or plan
    return Scope(council=council, department=department, plan=current)


def _history_kpi(scope: Scope) -> Kpi:
    """A KPI of the council with the longest history (most plans measuring it), newest plan first."""
    kpi = (
        Kpi.objects.filter(plan__department__council=scope.council)
        .select_related("plan")
        .annotate(history=Count("measure__kpis"))
        .order_by("-history", "-plan__financial_year", "plan__slug", "order")
        .first()
    )
    if kpi is None:  # the scope's plan holds KPIs: only when the data changed since bench_scope
        raise CommandError(f"{scope.council} has no key performance measures")
    return kpi


def _budget_plan(scope: Scope) -> Plan | None:
    if scope.plan.budget_tables.exists():
        return scope.plan
    return (
        Plan.objects.filter(department__council=scope.council, budget_tables__isnull=False)
        .order_by("-financial_year", "slug")
        .first()
    )


def _procurement_filters(scope: Scope) -> dict[str, str]:
    """A value band printed in the council's pipeline and the middle half of that band's procurement
    start dates."""
    printed = set(
        ProcurementTable.objects.filter(plan__department__council=scope.council).values_list("band", flat=True)
    )
    codes = {value_band(band) for band in printed}
    band = next((code for code in BANDS if code in codes), None)
    entries = ProcurementEntry.objects.filter(plan__department__council=scope.council, procurement_start__isnull=False)
    if band:
        entries = entries.filter(band_q(band))
    # The query leaves out entries without a start date already; the test tells the type checker so.
    dates = sorted(day for day in entries.values_list("procurement_start", flat=True) if day is not None)
    params = {"band": band} if band else {}
    if dates:
        params.update(
            procurement_start_from=dates[len(dates) // 4].isoformat(),
            procurement_start_to=dates[(3 * len(dates)) // 4].isoformat(),
        )
    return params


def _search_word(scope: Scope) -> str:
    """A word from the plan's deliverables or KPIs that search finds."""
    texts = list(scope.plan.deliverables.order_by("order").values_list("title", flat=True)[:20])
    texts += list(scope.plan.kpis.order_by("order").values_list("description", flat=True)[:20])
    seen: set[str] = set()
    for text in texts:
        for word in re.findall(r"[A-Za-z]{6,}", text):
            word = word.lower()
            if word in seen:
                continue
            seen.add(word)
            if sum(group.total for group in search_run(q=word, kind="deliverable")) > 0:
                return word
            if len(seen) > 30:
                break
    raise CommandError(f"No word of {scope.plan}'s deliverables is found by search")


def bench_pages(scope: Scope | None = None) -> list[Page]:
    """Every page type the benchmark measures, at URLs discovered from the database."""
    scope = scope or bench_scope()
    council, department, plan = scope.council, scope.department, scope.plan
    kpi = _history_kpi(scope)
    budget_plan = _budget_plan(scope)
    pages = [
        Page("overview", "Council overview", "/"),
        Page("department", "Department dashboard", f"/departments/{department.slug}/"),
        Page("kpi", "KPI with history", f"/plans/{kpi.plan.slug}/kpis/{kpi.key}/"),
        Page("summary", "Plan summary", f"/plans/{plan.slug}/summary/"),
        Page("plan", "Plan page", f"/plans/{plan.slug}/"),
    ]
    if budget_plan is not None:
        pages.append(Page("budget-plan", "Budget (plan)", f"/budgets/plans/{budget_plan.slug}/"))
    pages += [
        Page("budget-department", "Budget (department)", f"/budgets/departments/{department.slug}/"),
        Page("procurement", "Procurement", _with_council("/procurement/", PipelineFilter, council)),
        Page(
            "procurement-filtered",
            "Procurement, filtered",
            _with_council("/procurement/", PipelineFilter, council, **_procurement_filters(scope)),
        ),
        Page("pipeline-notice", "Pipeline notice", "/procurement/pipeline-notice/"),
        Page("deliverables", "Deliverables list", _with_council("/deliverables/", DeliverableFilter, council)),
        Page("risks", "Risks list", _with_council("/risks/", RiskFilter, council)),
        Page("kpis", "KPI list", _with_council("/kpis/", KpiFilter, council)),
        Page("search", "Search", f"/search/?{urlencode({'q': _search_word(scope)})}"),
        Page("entry-form", "Entry form (lead)", f"/departments/{department.slug}/update/", signed_in=True),
        Page(
            "export-csv",
            "KPI list, CSV export",
            _with_council("/kpis/", KpiFilter, council, _export="csv"),
            export="csv",
        ),
        Page(  # what a script fetching the CSV without compression gets: bytes on the wire, shown for reference
            "export-csv-plain",
            "KPI list, CSV export, uncompressed",
            _with_council("/kpis/", KpiFilter, council, _export="csv"),
            export="csv",
            compressed=False,
        ),
        Page(
            "export-xlsx",
            "Deliverables, Excel export",
            _with_council("/deliverables/", DeliverableFilter, council, _export="xlsx"),
            export="xlsx",
        ),
    ]
    return pages
