"""Every printed form SOURCES.md lists, read by plans/parsing.py."""

import datetime as dt
from decimal import Decimal

import pytest

from plans.parsing import (
    fy_label,
    fy_start,
    parse_date,
    parse_flag,
    parse_money,
    parse_months,
    parse_src,
    parse_target,
    parse_value,
)


@pytest.mark.parametrize(
    "printed, pounds",
    [
        ("£1,280,000", Decimal("1280000")),
        ("£16,000,000.00", Decimal("16000000")),
        ("36,000.00", Decimal("36000")),
        ("(365,386)", Decimal("-365386")),
        ("£-3,028,016", Decimal("-3028016")),
        ("- 3,430,19 5", Decimal("-3430195")),
        ("7,028,75 8", Decimal("7028758")),
        ("£141.78 million", Decimal("141780000")),
        ("£11.520m", Decimal("11520000")),
        ("£ 46,000", Decimal("46000")),
        ("£545,084.00", Decimal("545084")),
        ("£0", Decimal("0")),
        ("1,234.56", Decimal("1234.56")),
    ],
)
def test_it_reads_money(printed, pounds):
    parsed = parse_money(printed)
    assert parsed.ok and parsed.value == pounds and parsed.printed == printed


@pytest.mark.parametrize("printed, status", [("", "blank"), ("TBA", "tba"), ("TBC", "tbc"), ("-", "dash")])
def test_it_keeps_money_words_without_a_value(printed, status):
    parsed = parse_money(printed)
    assert parsed.ok and parsed.value is None and parsed.status == status


@pytest.mark.parametrize("printed", ["£12abc", "(1,000", "about £5m", "1,000)"])
def test_it_refuses_money_it_cannot_read(printed):
    assert not parse_money(printed).ok


@pytest.mark.parametrize(
    "printed, date, precision",
    [
        ("01/04/2022", dt.date(2022, 4, 1), "day"),
        ("1/3/2021", dt.date(2021, 3, 1), "day"),
        ("19/02/25", dt.date(2025, 2, 19), "day"),
        ("03/2020", dt.date(2020, 3, 1), "month"),
        ("Mar 2022", dt.date(2022, 3, 1), "month"),
        ("April 2020", dt.date(2020, 4, 1), "month"),
        ("Sept 2021", dt.date(2021, 9, 1), "month"),
        ("2018", dt.date(2018, 1, 1), "year"),
    ],
)
def test_it_reads_dates(printed, date, precision):
    parsed = parse_date(printed)
    assert (parsed.date, parsed.precision, parsed.problem) == (date, precision, "")


@pytest.mark.parametrize("printed, start, end", [("2021/2022", 2021, 2022), ("2019 - 2022", 2019, 2022)])
def test_it_reads_year_spans(printed, start, end):
    parsed = parse_date(printed)
    assert parsed.date == dt.date(start, 1, 1) and parsed.end == dt.date(end, 12, 31)


@pytest.mark.parametrize("printed", ["TBA", "TBC", "Unknown", "Ongoing", "Underway", "Ongoing – reported annually"])
def test_it_keeps_date_words_as_words(printed):
    parsed = parse_date(printed)
    assert parsed.date is None and parsed.word == printed and not parsed.problem


@pytest.mark.parametrize(
    "printed, why",
    [
        ("31/09/2020", "September 2020 has 30 days"),
        ("30/02/2023", "February 2023 has 28 days"),
        ("12/13/2020", "there is no month 13"),
    ],
)
def test_it_flags_impossible_dates_without_crashing(printed, why):
    parsed = parse_date(printed)
    assert parsed.date is None and why in parsed.problem and parsed.printed == printed


def test_it_reads_a_latest_value_with_its_as_at_month():
    parsed = parse_value("89.1% (Dec 21)")
    assert (parsed.value, parsed.unit, parsed.as_at, parsed.as_at_precision) == (
        Decimal("89.1"),
        "percent",
        dt.date(2021, 12, 1),
        "month",
    )


@pytest.mark.parametrize("printed", ["7.1 (P)", "10.5% (P)", "9.11% (p)"])
def test_it_marks_provisional_values(printed):
    parsed = parse_value(printed)
    assert parsed.provisional and parsed.value is not None


def test_it_reads_published_dates_and_notes():
    parsed = parse_value("14.9% (published 30/09/20)")
    assert parsed.value == Decimal("14.9") and parsed.as_at == dt.date(2020, 9, 30)


def test_it_reads_numerator_marked_values():
    parsed = parse_value("(n)55")
    assert parsed.value == Decimal("55") and parsed.note == "(n)"


def test_it_reads_money_values_in_millions():
    assert parse_value("£1.784m").value == Decimal("1784000")
    projection = parse_value("£1.5m (End year projection at Jan 2020)")
    assert projection.value == Decimal("1500000") and projection.as_at == dt.date(2020, 1, 1)
    assert "projection" in projection.note


def test_it_reads_footnote_marks_and_unit_words():
    parsed = parse_value("890 delegates*")
    assert parsed.value == Decimal("890") and parsed.footnote and parsed.note == "delegates"
    assert parse_value("1.0¹").footnote


def test_it_reads_percentage_point_changes():
    parsed = parse_value("(82.1% - Dec 21) + 0.5 percentage points from Aug 21")
    assert parsed.value == Decimal("0.5") and parsed.as_at == dt.date(2021, 12, 1)
    assert parse_value("+ 0.9 percentage points").unit == "pp"
    assert parse_value("-3.0 percentage points").value == Decimal("-3.0")


def test_it_keeps_values_for_earlier_years_in_brackets_as_notes():
    parsed = parse_value("83.6% (90.5% 2018/19)")
    assert parsed.value == Decimal("83.6") and "90.5% 2018/19" in parsed.note


@pytest.mark.parametrize(
    "printed, status",
    [
        ("AD", "awaiting_data"),
        ("N/Av", "not_available"),
        ("N/A", "not_applicable"),
        ("n/a", "not_applicable"),
        ("TBC", "tbc"),
        ("-", "none"),
        ("", "none"),
        ("Baseline year", "baseline"),
        ("Green", "rag"),
    ],
)
def test_it_gives_status_words_no_number(printed, status):
    parsed = parse_value(printed)
    assert parsed.ok and parsed.value is None and parsed.status == status


def test_it_refuses_words_it_cannot_read():
    assert not parse_value("Performance is currently recorded for each individual course").ok


@pytest.mark.parametrize(
    "printed, kind, comparator, value",
    [
        ("90%", "number", "", Decimal("90")),
        ("£33m", "number", "", Decimal("33000000")),
        ("2,706", "number", "", Decimal("2706")),
        ("<17%", "comparator", "lt", Decimal("17")),
        ("Less than £155,000", "comparator", "lt", Decimal("155000")),
        ("Less than 380", "comparator", "lt", Decimal("380")),
        ("2% or less", "comparator", "le", Decimal("2")),
        ("Maintain >70%", "comparator", "gt", Decimal("70")),
        ("Maintain performance >90%", "comparator", "gt", Decimal("90")),
    ],
)
def test_it_reads_numeric_targets(printed, kind, comparator, value):
    spec = parse_target(printed)
    assert (spec.kind, spec.comparator, spec.value) == (kind, comparator, value)


def test_it_reads_maintain_as_a_flag():
    assert parse_target("Maintain >70%").maintain and not parse_target("<17%").maintain


def test_it_reads_ranges():
    spec = parse_target("15-20")
    assert (spec.kind, spec.low, spec.high) == ("range", Decimal("15"), Decimal("20"))


@pytest.mark.parametrize(
    "printed, direction",
    [
        ("Increasing trend", "increase"),
        ("Increasing trend from baseline", "increase"),
        ("Reduction from the previous year", "decrease"),
        ("Decreasing trend", "decrease"),
        ("Maintain 2019/20 performance", "maintain"),
    ],
)
def test_it_reads_trend_targets(printed, direction):
    spec = parse_target(printed)
    assert (spec.kind, spec.direction) == ("trend", direction)


@pytest.mark.parametrize(
    "printed, benchmark, comparator",
    [
        ("Above national average", "national_average", "gt"),
        ("To be above national average", "national_average", "gt"),
        ("To remain lower than national average", "national_average", "lt"),
        ("Lower than the national average", "national_average", "lt"),
        ("Maintain top quartile performance", "top_quartile", "ge"),
        ("To maintain top quartile national performance", "top_quartile", "ge"),
        ("Maintain upper-middle quartile performance", "upper_middle_quartile", "ge"),
        ("To remain in upper middle national quartile", "upper_middle_quartile", "ge"),
        ("To achieve lower-middle quartile performance", "lower_middle_quartile", "ge"),
    ],
)
def test_it_reads_benchmark_targets(printed, benchmark, comparator):
    spec = parse_target(printed)
    assert (spec.kind, spec.benchmark, spec.comparator) == ("benchmark", benchmark, comparator)


def test_it_keeps_a_printed_benchmark_figure():
    spec = parse_target("To exceed the national average (49.1% 2023)")
    assert (spec.kind, spec.comparator, spec.value) == ("benchmark", "gt", Decimal("49.1"))


def test_it_reads_gap_targets():
    assert parse_target("Gap to national average narrowed").direction == "narrow_gap"


@pytest.mark.parametrize(
    "printed, reason",
    [
        ("Monitor", "monitor"),
        ("TBC", "tbc"),
        ("-", "not_set"),
        ("", "not_set"),
        ("Baseline Year", "baseline"),
        ("Establish baseline in 20/21", "baseline"),
    ],
)
def test_it_says_why_there_is_no_target(printed, reason):
    spec = parse_target(printed)
    assert (spec.kind, spec.reason) == ("none", reason)


def test_it_refuses_targets_it_does_not_understand():
    assert parse_target("Something else entirely") is None


def test_financial_years():
    assert fy_start("2019-20") == 2019 and fy_start("2019/20") == 2019 and fy_start("2019-2020") == 2019
    assert fy_label(2019) == "2019-20" and fy_label(1999) == "1999-00"
    with pytest.raises(ValueError):
        fy_start("2019-21")


def test_small_things():
    assert parse_flag("Y") is True and parse_flag("\u03a5") is True and parse_flag("N") is False
    assert parse_flag("\u2713") is True and parse_flag("\u2717") is False and parse_flag("") is None
    assert parse_src(214) == (214, 214) and parse_src("214-216") == (214, 216)
    with pytest.raises(ValueError):
        parse_src("216-214")
    assert parse_months("120") == 120 and parse_months("3 years") == 36 and parse_months("5 (3+2)") is None
