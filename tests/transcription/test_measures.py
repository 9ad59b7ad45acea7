"""Checks for fixtures/measures.yaml: which KPI rows of the four Children's Services plans are one measure.

1. Pinned histories: for eight measures, the whole joined history (every financial year and kind, the
   printed figures and the plan each came from, and whether the year is marked restated), as the source
   documents print them (2020-21: 004_...txt lines 1865-2043; 2022-23: 000_...txt 292-378; 2023-24:
   001_...txt 274-331, no figures; 2025-29: 002_...txt 127-157).
2. Rows that look alike but differ in scope are NOT joined.
3. Every member in measures.yaml resolves, and every measure spans at least two plans.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml
from django.conf import settings

from kpis.models import Kpi, Measure
from kpis.selectors import measure_history

pytestmark = pytest.mark.django_db

CS_PLANS = {"cs-2020-21", "cs-2022-23", "cs-2023-24", "cs-2025-29"}
A, B, D = "cs-2020-21", "cs-2022-23", "cs-2025-29"  # cs-2023-24 prints no figures


def measures_file() -> list[dict]:
    return yaml.safe_load((settings.FIXTURES_DIR / "measures.yaml").read_text(encoding="utf-8"))["measures"]


def measure(key: str) -> Measure:
    return Measure.objects.get(department__slug="childrens-services", key=key)


def kpi(plan: str, key: str) -> Kpi:
    return Kpi.objects.select_related("measure").get(plan__slug=plan, key=key)


def history(key: str) -> list[tuple]:
    """(year, kind, [(plan, printed), ...], is_restated) for every point of a measure's history."""
    return [
        (p.year_label, p.kind, [(v.kpi.plan.slug, v.printed) for v in p.values], p.is_restated)
        for p in measure_history(measure=measure(key))
    ]


# ------------------------------------------------------------------------------------------------------
# 1. Pinned histories
# ------------------------------------------------------------------------------------------------------

HISTORIES = {
    # 000:317 "Number of children living with Council foster carers  388 397 319 - Increasing trend x2";
    # 001:324 listed without figures; 002:131 "Number of children in care living with council foster
    # carers  354 356 388 33 (November 2024) Increasing trend x2" (002:141 repeats it without the latest).
    "children-with-council-foster-carers": [
        ("2019-20", "actual", [(B, "388")], False),
        ("2020-21", "actual", [(B, "397")], False),
        ("2021-22", "actual", [(D, "354")], False),
        ("2021-22", "latest", [(B, "319")], False),
        ("2021-22", "target", [(B, "-")], False),
        ("2022-23", "actual", [(D, "356")], False),
        ("2022-23", "target", [(B, "Increasing trend")], False),
        ("2023-24", "actual", [(D, "388")], False),
        ("2023-24", "target", [(B, "Increasing trend")], False),
        ("2024-25", "latest", [(D, "33 (November 2024)")], False),
        ("2024-25", "target", [(D, "Increasing trend")], False),
        ("2025-26", "target", [(D, "Increasing trend")], False),
    ],
    # 004:1959, 000:305, 001:286 (no figures), 002:148 (latest 2024-25 cell blank).
    "dcc-childrens-homes-good-or-better": [
        ("2017-18", "actual", [(A, "80%")], False),
        ("2018-19", "actual", [(A, "100%")], False),
        ("2019-20", "actual", [(B, "81.8%")], False),
        ("2019-20", "latest", [(A, "81.8% (Nov 19)")], False),
        ("2020-21", "actual", [(B, "90.0%")], False),
        ("2020-21", "target", [(A, "100%")], False),
        ("2021-22", "actual", [(D, "100%")], False),
        ("2021-22", "latest", [(B, "100% (Dec 21)")], False),
        ("2021-22", "target", [(B, "91%")], False),
        ("2022-23", "actual", [(D, "91%")], False),
        ("2022-23", "target", [(B, "91%")], False),
        ("2023-24", "actual", [(D, "91%")], False),
        ("2023-24", "target", [(B, "91%")], False),
        ("2024-25", "latest", [(D, "")], False),
        ("2024-25", "target", [(D, "90%")], False),
        ("2025-26", "target", [(D, "100%")], False),
    ],
    # 004:1887, 000:329, 001:319 (no figures).
    "neet-and-not-known-16-17": [
        ("2017-18", "actual", [(A, "3.8%")], False),
        ("2018-19", "actual", [(A, "3.5%")], False),
        ("2019-20", "actual", [(B, "7.4%")], False),
        ("2019-20", "latest", [(A, "17.5% (Dec 19)")], False),
        ("2020-21", "actual", [(B, "3.3%")], False),
        ("2020-21", "target", [(A, "4% or less")], False),
        ("2021-22", "latest", [(B, "6.9% (Dec 21)")], False),
        ("2021-22", "target", [(B, "Achieve top quartile performance")], False),
        ("2022-23", "target", [(B, "Maintain top quartile performance")], False),
        ("2023-24", "target", [(B, "Maintain top quartile performance")], False),
    ],
    # 004:1981, 000:332, 001:320 (no figures).
    "children-missing-from-home-or-care": [
        ("2017-18", "actual", [(A, "216")], False),
        ("2018-19", "actual", [(A, "380")], False),
        ("2019-20", "actual", [(B, "416")], False),
        ("2019-20", "latest", [(A, "411 (Dec 19)")], False),
        ("2020-21", "actual", [(B, "365")], False),
        ("2020-21", "target", [(A, "Less than 380")], False),
        ("2021-22", "latest", [(B, "466 (Dec 21)")], False),
        ("2021-22", "target", [(B, "Less than 380")], False),
        ("2022-23", "target", [(B, "Reduction from the previous year")], False),
        ("2023-24", "target", [(B, "Reduction from the previous year")], False),
    ],
    # 004:2040 and 000:375 both print 2017-18 and 2018-19: 2018-19 is restated (0.15 (p) -> 0.14).
    "permanent-exclusions-rate": [
        ("2017-18", "actual", [(A, "0.17 (2017/18 a/y)"), (B, "0.17% (2017/18)")], False),
        ("2018-19", "actual", [(A, "0.15 (p) (2018/19 a/y)"), (B, "0.14 (2018/19)")], True),
        ("2019-20", "actual", [(B, "0.11 (2019/20 – not comparable)")], False),
        ("2019-20", "latest", [(A, "0.06 (Nov 19) (cumulative over a/y)")], False),
        ("2020-21", "actual", [(B, "0.09 (P) not comparable")], False),
        ("2020-21", "target", [(A, "0.12")], False),
        ("2021-22", "latest", [(B, "-")], False),
        ("2021-22", "target", [(B, "0.10")], False),
        ("2022-23", "target", [(B, "Gap to national average narrowed")], False),
        ("2023-24", "target", [(B, "")], False),
    ],
    # 004:2041 and 000:376: 2018-19 restated (4.48 (p) -> 4.70); 2017-18 printed 4.60 by both.
    "fixed-term-exclusions-rate": [
        ("2017-18", "actual", [(A, "4.60 (2017/18 a/y)"), (B, "4.60 (2017/18)")], False),
        ("2018-19", "actual", [(A, "4.48 (p) (2018/19 a/y)"), (B, "4.70 (2018/19)")], True),
        ("2019-20", "actual", [(B, "3.75 (2019/20 – not comparable)")], False),
        ("2019-20", "latest", [(A, "1.51 (Nov 19) (cumulative over a/y)")], False),
        ("2020-21", "actual", [(B, "4.63 (P) not comparable")], False),
        ("2020-21", "target", [(A, "4.35")], False),
        ("2021-22", "latest", [(B, "-")], False),
        ("2021-22", "target", [(B, "Maintain 2019/20 performance")], False),
        ("2022-23", "target", [(B, "Gap to national average narrowed")], False),
        ("2023-24", "target", [(B, "")], False),
    ],
    # 004:2005 and 000:345: 2018-19 restated (10.76% (p) -> 10.68%).
    "cic-fixed-term-exclusion": [
        ("2017-18", "actual", [(A, "13.33% (p) (2017/18 a/y)")], False),
        ("2018-19", "actual", [(A, "10.76% (p) (2018/19 a/y)"), (B, "10.68% (2018/19)")], True),
        ("2019-20", "actual", [(B, "n/a -2019/20")], False),
        ("2019-20", "latest", [(A, "4.67% (Nov 19) (cumulative over a/y)")], False),
        ("2020-21", "actual", [(B, "9.11% (P)")], False),
        ("2020-21", "target", [(A, "To achieve lower middle quartile performance")], False),
        ("2021-22", "latest", [(B, "-")], False),
        ("2021-22", "target", [(B, "Above national average")], False),
        ("2022-23", "target", [(B, "To remain in upper middle national quartile")], False),
        ("2023-24", "target", [(B, "To remain in upper middle national quartile")], False),
    ],
    # 004:1925 and 000:334 both print 70.8% for 2017-18 and 2018-19: joined but NOT restated.
    "eyfs-good-level-of-development": [
        ("2017-18", "actual", [(A, "70.8% (2017/18 a/y)"), (B, "70.8% - 2017/18")], False),
        ("2018-19", "actual", [(A, "70.8% (2018/19 a/y)"), (B, "70.8% - 2018/19")], False),
        ("2019-20", "actual", [(B, "n/a – 2019/20")], False),
        ("2019-20", "latest", [(A, "-")], False),
        ("2020-21", "actual", [(B, "n/a")], False),
        ("2020-21", "target", [(A, "To be above national average")], False),
        ("2021-22", "latest", [(B, "-")], False),
        ("2021-22", "target", [(B, "Above national average")], False),
        ("2022-23", "target", [(B, "Above national average")], False),
        ("2023-24", "target", [(B, "Above national average")], False),
    ],
}


# The source line of each plan's row of the pinned measures (cs-2023-24 rows carry no figures).
ROW_LINES = {
    "children-with-council-foster-carers": {B: 317, "cs-2023-24": 324, D: 131},
    "dcc-childrens-homes-good-or-better": {A: 1959, B: 305, "cs-2023-24": 286, D: 148},
    "neet-and-not-known-16-17": {A: 1887, B: 329, "cs-2023-24": 319},
    "children-missing-from-home-or-care": {A: 1981, B: 332, "cs-2023-24": 320},
    "permanent-exclusions-rate": {A: 2040, B: 375, "cs-2023-24": 308},
    "fixed-term-exclusions-rate": {A: 2041, B: 376, "cs-2023-24": 309},
    "cic-fixed-term-exclusion": {A: 2005, B: 345, "cs-2023-24": 317},
    "eyfs-good-level-of-development": {A: 1925, B: 334, "cs-2023-24": 331},
}


@pytest.mark.parametrize("key", HISTORIES)
def test_pinned_history(all_plans, key):
    assert history(key) == HISTORIES[key]
    assert dict(measure(key).kpis.values_list("plan__slug", "src_start")) == ROW_LINES[key]


@pytest.mark.parametrize("key", HISTORIES)
def test_pinned_history_figures_are_on_the_cited_source_lines(all_plans, key):
    """Each pinned printed figure is in the document, on the line its KPI row cites."""
    squash = lambda text: re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", text))  # noqa: E731
    for point in measure_history(measure=measure(key)):
        for value in point.values:
            lines = (settings.SOURCE_DOCUMENTS_DIR / value.kpi.plan.document).read_text(encoding="utf-8").splitlines()
            first, last = value.kpi.src_start, value.kpi.src_end or value.kpi.src_start
            source = "\n".join(lines[first - 1 : last])
            assert squash(value.printed) in squash(source), (key, value.kpi.plan.slug, value.printed)


def test_restated_values_keep_both_figures(all_plans):
    """A restatement keeps both plans' figures; the newest plan's figure is the one a chart shows."""
    points = {(p.year_label, p.kind): p for p in measure_history(measure=measure("cic-persistent-absence"))}
    point = points[("2018-19", "actual")]
    assert point.is_restated
    assert point.figures == {Decimal("12.21"), Decimal("9.9")}
    assert point.plans == {A, B}
    assert point.latest.kpi.plan.slug == B and point.latest.printed == "9.9% (2018/19)"
    # A part-year latest beside a later outturn is not a restatement (different kinds).
    foster = {
        (p.year_label, p.kind): p for p in measure_history(measure=measure("children-with-council-foster-carers"))
    }
    assert foster[("2021-22", "latest")].figures == {Decimal("319")}
    assert foster[("2021-22", "actual")].figures == {Decimal("354")}
    assert not foster[("2021-22", "actual")].is_restated


def test_the_foster_carer_measure_spans_three_plans(all_plans):
    m = measure("children-with-council-foster-carers")
    assert sorted(m.kpis.values_list("plan__slug", "key")) == [
        ("cs-2022-23", "foster-carer-children"),
        ("cs-2023-24", "children-with-council-foster-carers"),
        ("cs-2025-29", "children-council-foster-carers"),
    ]
    assert set(m.kpis.values_list("description", flat=True)) == {
        "Number of children living with Council foster carers",
        "Number of children in care living with council foster carers",
    }


# ------------------------------------------------------------------------------------------------------
# 2. Rows that look alike but differ in scope stay apart
# ------------------------------------------------------------------------------------------------------

APART = [
    # all social workers (published stability measure) vs front-facing children and families teams
    ((B, "social-worker-vacancies"), (B, "social-worker-vacancies-front-facing")),
    ((B, "social-workers-agency"), (B, "social-workers-agency-front-facing")),
    (("cs-2023-24", "social-worker-vacancies-stability"), ("cs-2023-24", "social-worker-vacancies-front-facing")),
    (("cs-2023-24", "social-workers-agency-stability"), ("cs-2023-24", "social-workers-agency-front-facing")),
    ((A, "agency-social-workers-pct-fte"), (B, "social-workers-agency-front-facing")),
    # "including agency" vs "before agency (based on FTE counts)"
    ((A, "social-worker-vacancies-pct"), (B, "social-worker-vacancies")),
    ((A, "social-worker-vacancies-pct"), (B, "social-worker-vacancies-front-facing")),
    # including vs excluding exceptions
    ((D, "ehcp-20-weeks-incl-exceptions"), (D, "ehcp-20-weeks-excl-exceptions")),
    ((A, "ehc-plans-within-timescale-pct"), (D, "ehcp-20-weeks-incl-exceptions")),
    # NEET vs NEET and Not Known
    ((A, "neet-16-17-year-olds-pct"), (A, "neet-and-not-known-16-17-year-olds-pct")),
    ((A, "neet-16-17-year-olds-pct"), (B, "neet-not-known-16-17")),
    # percentage vs number
    ((B, "cic-leaving-sgo"), (D, "children-leaving-care-sgo")),
    ((B, "cic-returning-home"), (D, "children-returning-home")),
    # all returns home vs planned moves only
    ((A, "children-returning-home-after-care-pct"), (B, "cic-returning-home")),
    # GCSE grade 4 (standard pass) vs grade 5
    ((B, "gcse-standard-pass"), ("cs-2023-24", "gcse-grade-5-english-maths")),
    ((B, "gcse-gap-disadvantaged"), ("cs-2023-24", "disadvantaged-gcse-grade-5-english-maths-gap")),
    # primary vs secondary; a level (%) vs a rate of improvement (percentage points)
    ((B, "primary-good-schools-improvement"), (B, "secondary-good-schools-improvement")),
    ((A, "pupils-in-good-or-better-primary-schools-pct"), (B, "primary-good-schools-improvement")),
    ((B, "primary-first-preference"), (B, "secondary-first-preference")),
    ((A, "primary-school-attendance-pct"), (A, "secondary-school-attendance-pct")),
    # overall caseload vs children and families' teams
    ((A, "social-worker-average-caseload"), (B, "social-worker-caseload")),
    # days lost vs percentage of working hours
    ((A, "sickness-absence-days-per-employee-non-schools"), (B, "sickness-absence")),
    # agency social workers vs all agency staff
    ((A, "agency-social-workers-spend"), ("cs-2023-24", "agency-staff-spend")),
    # all reflective case reviews vs the children-in-care area only
    ((B, "reflective-case-reviews-good"), (D, "rpr-children-in-care")),
    ((A, "social-care-audits-good-or-better-pct"), (B, "reflective-case-reviews-good")),
    # fostering households / utilisation vs children living with foster carers
    ((D, "dcc-fostering-households"), (D, "children-council-foster-carers")),
    ((A, "dcc-foster-care-utilisation-pct"), (B, "foster-carer-children")),
    # goal fully met vs continuing to completion
    ((B, "domestic-violence-goal-met"), (B, "domestic-abuse-interventions-completed")),
    # EHCP vs SEN support
    ((B, "ehcp-permanent-exclusion"), (B, "sen-support-permanent-exclusion")),
]


@pytest.mark.parametrize("one,other", APART, ids=[f"{a[1]}~{b[1]}" for a, b in APART])
def test_look_alikes_differing_in_scope_are_not_merged(all_plans, one, other):
    assert kpi(*one).measure_id != kpi(*other).measure_id


TOGETHER = [
    # reworded but the same basis
    [(B, "social-worker-vacancies-front-facing"), ("cs-2023-24", "social-worker-vacancies-front-facing")],
    [
        (A, "agency-social-workers-pct-fte"),
        (B, "social-workers-agency"),
        ("cs-2023-24", "social-workers-agency-stability"),
    ],
    [(A, "ehc-plans-within-timescale-pct"), (D, "ehcp-20-weeks-excl-exceptions")],
    [
        (A, "neet-and-not-known-16-17-year-olds-pct"),
        (B, "neet-not-known-16-17"),
        ("cs-2023-24", "neet-and-not-known-16-17"),
    ],
    [(A, "year-1-phonics-expected-level-pct"), (B, "phonics-expected-level"), ("cs-2023-24", "phonics-expected-level")],
    [(A, "fixed-term-exclusions-rate"), (B, "fixed-term-exclusions-rate"), ("cs-2023-24", "suspensions-rate")],
    [
        (A, "dcc-childrens-homes-good-or-better-pct"),
        (B, "childrens-homes-good-outstanding"),
        ("cs-2023-24", "childrens-homes-good-or-outstanding"),
        (D, "residential-homes-good"),
    ],
]


@pytest.mark.parametrize("rows", TOGETHER, ids=[r[0][1] for r in TOGETHER])
def test_rewordings_are_merged(all_plans, rows):
    assert len({kpi(*row).measure_id for row in rows}) == 1


# ------------------------------------------------------------------------------------------------------
# 3. measures.yaml is well formed and every member resolves
# ------------------------------------------------------------------------------------------------------


def test_every_member_resolves_and_every_measure_spans_two_plans(all_plans):
    entries = measures_file()
    assert len(entries) == 55
    keys = [e["key"] for e in entries]
    assert len(keys) == len(set(keys))
    for entry in entries:
        assert set(entry) == {"key", "title", "why", "members"}, entry["key"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry["key"]), entry["key"]
        assert entry["title"].strip() and entry["why"].strip(), entry["key"]
        plans = [m["plan"] for m in entry["members"]]
        assert set(plans) <= CS_PLANS, entry["key"]
        assert len(plans) == len(set(plans)), f"{entry['key']}: more than one row from a plan"
        assert len(set(plans)) >= 2, f"{entry['key']}: fewer than two plans"
        m = measure(entry["key"])
        assert m.title == entry["title"] and m.why == entry["why"]
        for member in entry["members"]:
            row = kpi(member["plan"], member["kpi"])  # raises if the member does not resolve
            assert row.measure_id == m.pk, (entry["key"], member)
        # the measure holds exactly its members, nothing else
        assert sorted(m.kpis.values_list("plan__slug", "key")) == sorted(
            (mm["plan"], mm["kpi"]) for mm in entry["members"]
        )


def test_no_kpi_is_in_two_measures_and_only_listed_measures_span_plans(all_plans):
    members = [(m["plan"], m["kpi"]) for e in measures_file() for m in e["members"]]
    assert len(members) == len(set(members))
    listed = {e["key"] for e in measures_file()}
    spanning = {
        m.key
        for m in Measure.objects.filter(department__slug="childrens-services")
        if m.kpis.values("plan").distinct().count() > 1
    }
    assert spanning == listed
