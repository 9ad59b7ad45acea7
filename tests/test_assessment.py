"""The assessment rules, target kind by target kind, with their edges (kpis/assessment.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kpis.assessment import IMPROVING, NEAR, NO_CHANGE, NONE, OFF_TRACK, ON_TRACK, UNKNOWN, WORSENING, assess
from kpis.models import KpiValue
from plans.parsing import parse_target, parse_value


def figure(year: int, printed: str, kind: str = "actual") -> KpiValue:
    parsed = parse_value(printed)
    return KpiValue(
        year=year, kind=kind, printed=printed, value=parsed.value, status=parsed.status, note=parsed.note, order=0
    )


def target(year: int, printed: str) -> KpiValue:
    spec = parse_target(printed)
    return KpiValue(
        year=year,
        kind="target",
        printed=printed,
        **KpiValue.target_columns(spec),
        order=0,
    )


def run(values, unit="count", higher=True, tolerance=None, benchmarks=None):
    return assess(values=values, unit=unit, higher_is_better=higher, tolerance=tolerance, benchmarks=benchmarks)


@pytest.mark.parametrize(
    "latest, status", [("90%", ON_TRACK), ("95%", ON_TRACK), ("88.5%", NEAR), ("87.9%", OFF_TRACK)]
)
def test_a_number_target_is_a_floor_when_higher_is_better(latest, status):
    assert run([figure(2021, latest, "latest"), target(2021, "90%")], unit="percent").status == status


@pytest.mark.parametrize("latest, status", [("£1.3m", ON_TRACK), ("£1.35m", NEAR), ("£1.5m", OFF_TRACK)])
def test_a_number_target_is_a_ceiling_when_lower_is_better(latest, status):
    result = run([figure(2019, latest, "latest"), target(2020, "£1.3m")], unit="money", higher=False)
    assert result.status == status  # the 2019-20 latest is judged against the 2020-21 target


def test_a_number_target_with_no_direction_is_not_assessed():
    result = run([figure(2021, "12"), target(2021, "10")], higher=None)
    assert result.status == NONE and "does not say whether higher is better" in result.reason


@pytest.mark.parametrize("latest, status", [("16.9%", ON_TRACK), ("17%", NEAR), ("18.9%", NEAR), ("19.1%", OFF_TRACK)])
def test_a_less_than_target(latest, status):
    assert run([figure(2021, latest, "latest"), target(2021, "<17%")], unit="percent", higher=False).status == status


def test_maintain_greater_than():
    assert run([figure(2021, "71%"), target(2021, "Maintain >70%")], unit="percent").status == ON_TRACK
    assert run([figure(2021, "70%"), target(2021, "Maintain >70%")], unit="percent").status == NEAR


def test_less_than_money():
    assert (
        run([figure(2021, "£150,000"), target(2021, "Less than £155,000")], unit="money", higher=False).status
        == ON_TRACK
    )
    assert (
        run([figure(2021, "£170,000"), target(2021, "Less than £155,000")], unit="money", higher=False).status
        == OFF_TRACK
    )


@pytest.mark.parametrize(
    "latest, status", [("15", ON_TRACK), ("20", ON_TRACK), ("17", ON_TRACK), ("21", OFF_TRACK), ("14", OFF_TRACK)]
)
def test_a_range(latest, status):
    # with a stated tolerance of 0.5, 21 and 14 are a whole unit outside the range: off track
    result = run([figure(2021, latest, "latest"), target(2021, "15-20")], tolerance=D("0.5"))
    assert result.status == status


def test_a_range_with_its_default_tolerance_is_near_just_outside():
    assert run([figure(2021, "21"), target(2021, "15-20")]).status == NEAR  # 5% of 20 = 1


def test_an_increasing_trend():
    assert run([figure(2020, "397"), figure(2021, "420"), target(2022, "Increasing trend")]).status == ON_TRACK
    assert run([figure(2020, "397"), figure(2021, "319"), target(2022, "Increasing trend")]).status == OFF_TRACK
    assert run([figure(2020, "397"), figure(2021, "397"), target(2022, "Increasing trend")]).status == NEAR


def test_a_reduction_target():
    result = run(
        [figure(2020, "365"), figure(2021, "466 (Dec 21)", "latest"), target(2022, "Reduction from the previous year")],
        higher=False,
    )
    assert result.status == OFF_TRACK and "466 in 2021-22 against 365 in 2020-21" in result.reason


def test_a_trend_needs_an_earlier_figure():
    result = run([figure(2021, "319"), target(2022, "Increasing trend")])
    assert result.status == NONE and "No earlier figure" in result.reason


def test_a_benchmark_without_a_benchmark_figure_says_so():
    result = run([figure(2021, "15.4%"), target(2021, "To be above national average")], unit="percent")
    assert result.status == NONE and result.reason == "No benchmark held for 2021-22 ('To be above national average')"


def test_a_benchmark_with_a_held_figure():
    values = [figure(2021, "15.4%"), target(2021, "To be above national average")]
    assert run(values, unit="percent", benchmarks={2021: D("13")}).status == ON_TRACK
    assert run(values, unit="percent", benchmarks={2021: D("16")}).status == NEAR
    assert run(values, unit="percent", benchmarks={2021: D("20")}).status == OFF_TRACK


def test_a_benchmark_printed_in_the_target():
    values = [figure(2023, "26.5%"), target(2023, "To exceed the national average (49.1% 2023)")]
    result = run(values, unit="percent")
    assert result.status == OFF_TRACK and "benchmark of 49.1" in result.reason


@pytest.mark.parametrize(
    "printed, reason",
    [
        ("Monitor", "No target: monitored only"),
        ("TBC", "No target yet: to be confirmed"),
        ("Baseline Year", "No target: baseline year"),
    ],
)
def test_no_target_says_why(printed, reason):
    result = run([figure(2019, "75"), target(2020, printed)])
    assert (result.status, result.reason) == (NONE, reason)


def test_missing_data_says_why():
    result = run([figure(2021, "AD", "latest"), target(2021, "90%")])
    assert result.status == NONE and result.reason == "No figure to assess (awaiting data)"


def test_no_target_at_all():
    assert run([figure(2021, "5")]).reason == "No target printed"


def test_rag_targets():
    assert run([figure(2019, "Green", "latest"), target(2020, "Green")], unit="rag").status == ON_TRACK
    assert run([figure(2019, "Amber", "latest"), target(2020, "Green")], unit="rag").status == NEAR
    assert run([figure(2019, "Red", "latest"), target(2020, "Green")], unit="rag").status == OFF_TRACK


@pytest.mark.parametrize(
    "before, after, higher, travel",
    [
        ("10", "12", True, IMPROVING),
        ("10", "12", False, WORSENING),
        ("10", "10", True, NO_CHANGE),
        ("10", "8", None, UNKNOWN),
    ],
)
def test_direction_of_travel(before, after, higher, travel):
    result = run([figure(2020, before), figure(2021, after), target(2021, "Monitor")], higher=higher)
    assert result.travel == travel


def test_a_stated_tolerance_overrides_the_default():
    values = [figure(2021, "85%"), target(2021, "90%")]
    assert run(values, unit="percent").status == OFF_TRACK
    assert run(values, unit="percent", tolerance=D("5")).status == NEAR


def test_latest_beats_actual_of_the_same_year():
    result = run([figure(2021, "80%"), figure(2021, "92%", "latest"), target(2021, "90%")], unit="percent")
    assert result.value.kind == "latest" and result.status == ON_TRACK


# -- figures marked doubtful (a probable printing or extraction error) ----------------------------------------


def doubted(value: KpiValue, reason: str = "probable extraction error") -> KpiValue:
    value.doubtful = reason
    return value


def test_a_status_resting_on_a_doubtful_figure_says_so():
    # Children's Services 2025-29, line 131: 388 in 2023-24, then a latest "33 (November 2024)", "Increasing trend".
    result = run(
        [
            figure(2023, "388"),
            doubted(figure(2024, "33 (November 2024)", "latest"), "out of line with 388"),
            target(2024, "Increasing trend"),
        ]
    )
    assert result.status == OFF_TRACK
    assert result.full_label == "Off track — rests on a figure marked doubtful"
    assert result.reason.endswith("The 2024-25 latest '33 (November 2024)' is marked doubtful: out of line with 388")


def test_a_doubtful_earlier_figure_counts_only_where_the_rule_compares_it():
    trend = run([doubted(figure(2023, "388")), figure(2024, "390", "latest"), target(2024, "Increasing trend")])
    assert trend.status == ON_TRACK and trend.doubtful  # a trend compares the two years
    number = run([doubted(figure(2023, "70%")), figure(2024, "91%", "latest"), target(2024, "90%")], unit="percent")
    assert number.status == ON_TRACK and not number.doubtful and number.full_label == "On track"


def test_no_assessment_rests_on_nothing():
    result = run([doubted(figure(2024, "33", "latest")), target(2024, "TBC")])
    assert result.status == NONE and not result.doubtful and result.full_label == "No assessment"
