"""Reading KPI cells and targets as the documents print them ('89.1% (Dec 21)', 'AD', '<17%', 'Top quartile').

Like plans/parsing/printed.py: text exactly as printed in, a small frozen result out, ``ok=False`` / ``None``
where the words are not understood, nothing touching the database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from plans.parsing.printed import FOOTNOTE_MARKS, MONTHS, SCALES, _year, clean, parse_date

# --------------------------------------------------------------------------------------------------
# KPI values
# --------------------------------------------------------------------------------------------------


class Status:
    """Why a KPI cell holds no number (or what kind of word it holds)."""

    NONE = "none"  # blank or a dash: nothing printed
    AWAITING_DATA = "awaiting_data"
    NOT_AVAILABLE = "not_available"
    NOT_APPLICABLE = "not_applicable"
    TBC = "tbc"
    BASELINE = "baseline"
    RAG = "rag"
    TEXT = "text"  # words, kept as printed, nothing to parse

    LABELS = {
        NONE: "No figure printed",
        AWAITING_DATA: "Awaiting data",
        NOT_AVAILABLE: "Not available",
        NOT_APPLICABLE: "Not applicable",
        TBC: "To be confirmed",
        BASELINE: "Baseline year",
        RAG: "RAG rating",
        TEXT: "Text",
    }


STATUS_WORDS = {
    "": Status.NONE,
    "-": Status.NONE,
    "\u2013": Status.NONE,
    "ad": Status.AWAITING_DATA,
    "awaiting data": Status.AWAITING_DATA,
    "n/av": Status.NOT_AVAILABLE,
    "not available": Status.NOT_AVAILABLE,
    "n/a": Status.NOT_APPLICABLE,
    "na": Status.NOT_APPLICABLE,
    "not applicable": Status.NOT_APPLICABLE,
    "tbc": Status.TBC,
    "to be confirmed": Status.TBC,
    "baseline year": Status.BASELINE,
    "baseline": Status.BASELINE,
    "baseline to be confirmed": Status.BASELINE,
    "first year of data": Status.BASELINE,
}
RAG_WORDS = {"green", "amber", "red", "amber/green", "red/amber", "green/amber", "amber/red"}


@dataclass(frozen=True)
class Value:
    printed: str
    value: Decimal | None = None
    unit: str = ""  # percent | money | pp | days | "" (a plain number)
    as_at: dt.date | None = None
    as_at_precision: str = ""
    provisional: bool = False
    status: str = ""  # "" when a number was read; otherwise a Status constant
    note: str = ""
    footnote: bool = False
    ok: bool = True


NUMBER_RE = re.compile(
    r"^(?P<sign>[+\-\u2013\u2212])?\s*(?P<pound>£)?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)\s*"
    r"(?P<suffix>%|m\b|million\b|k\b|bn\b)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
PAREN_RE = re.compile(r"\(([^()]*)\)")
PUBLISHED_RE = re.compile(r"published\s+(\d{1,2}/\d{1,2}/\d{2,4})", re.IGNORECASE)
MONTH_IN_TEXT_RE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+'?(\d{4}|\d{2})\b")
UNIT_WORDS = {
    "percentage points": "pp",
    "percentage point": "pp",
    "pp": "pp",
    "days": "days",
    "day": "days",
    "weeks": "weeks",
}


def _as_at(text: str) -> tuple[dt.date | None, str]:
    """A parenthesised as-at: 'Dec 21', 'Feb 2020', 'November 2024', 'published 30/09/20'."""
    m = PUBLISHED_RE.search(text)
    if m:
        parsed = parse_date(m.group(1))
        if parsed.precision == "day":
            return parsed.date, "day"
    parsed = parse_date(text)
    if parsed.precision in {"day", "month"}:
        return parsed.date, parsed.precision
    m = MONTH_IN_TEXT_RE.search(text)
    if m and m.group(1).lower() in MONTHS:
        return dt.date(_year(m.group(2)), MONTHS[m.group(1).lower()], 1), "month"
    return None, ""


def parse_value(printed: str | None) -> Value:
    """A KPI cell: '89.1% (Dec 21)', '7.1 (P)', '(n)55', '£1.784m', '1,118 delegates', 'AD', 'N/Av',
    'Green', '890 delegates*', '+ 0.9 percentage points'. ``ok=False`` when it holds words this parser
    does not understand."""
    raw = printed or ""
    text = clean(raw)
    footnote = False
    while text and text[-1] in FOOTNOTE_MARKS:
        text, footnote = text[:-1].rstrip(), True
    word = STATUS_WORDS.get(text.lower())
    if word is not None:
        return Value(raw, status=word, footnote=footnote)
    if text.lower() in RAG_WORDS:
        return Value(raw, status=Status.RAG, note=text, footnote=footnote)

    provisional = bool(re.search(r"\(p\)", text, re.IGNORECASE))
    text = re.sub(r"\s*\(p\)\s*", " ", text, flags=re.IGNORECASE).strip()
    notes: list[str] = []
    if text.lower().startswith("(n)"):
        text = text[3:].strip()
        notes.append("(n)")
    as_at, precision = None, ""
    for inner in PAREN_RE.findall(text):
        when, prec = _as_at(inner)
        if when and as_at is None:
            as_at, precision = when, prec
            if not re.fullmatch(r"[A-Za-z]+\.?\s*'?\d{2,4}", clean(inner)):
                notes.append(clean(inner))
        else:
            notes.append(clean(inner))
    main = clean(PAREN_RE.sub(" ", text))
    m = NUMBER_RE.match(main)
    if not m:
        return Value(raw, status=Status.TEXT, note=text, provisional=provisional, footnote=footnote, ok=False)
    number = Decimal(m.group("num").replace(",", ""))
    suffix = (m.group("suffix") or "").lower()
    unit = "percent" if suffix == "%" else ("money" if m.group("pound") else "")
    number *= SCALES.get(suffix or None, 1) if suffix != "%" else 1
    if suffix in SCALES and number == number.to_integral():
        number = number.quantize(Decimal(1))
    if m.group("sign") and m.group("sign") != "+":
        number = -number
    rest = clean(m.group("rest"))
    as_at_text = re.match(r"^as at\s+(.+)$", rest, re.IGNORECASE)
    if as_at_text and as_at is None:
        as_at, precision = _as_at(as_at_text.group(1))
        if as_at:
            rest = ""
    if rest.lower() in UNIT_WORDS:
        unit = UNIT_WORDS[rest.lower()]
    elif rest:
        notes.append(rest)
    return Value(
        raw,
        value=number,
        unit=unit,
        as_at=as_at,
        as_at_precision=precision,
        provisional=provisional,
        note="; ".join(notes),
        footnote=footnote,
    )


# --------------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------------


class TargetKind(models.TextChoices):
    """The kinds of target parse_target reads (KpiValue.target_kind, whose choices are this enum): defined with
    the parser that tells them apart, so parsing, the loader and the assessment rules share the one enum."""

    NUMBER = "number", "Number"
    COMPARATOR = "comparator", "Comparator"
    RANGE = "range", "Range"
    TREND = "trend", "Trend"
    BENCHMARK = "benchmark", "Benchmark"
    RAG = "rag", "RAG rating"
    NONE = "none", "No target"


@dataclass(frozen=True)
class TargetSpec:
    """A target as structure."""

    kind: TargetKind
    comparator: str = ""  # lt | le | gt | ge | eq
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    direction: str = ""  # increase | decrease | maintain | narrow_gap
    benchmark: str = ""  # national_average | top_quartile | upper_middle_quartile | ... | previous_year
    maintain: bool = False
    reason: str = ""  # for kind none: monitor | tbc | baseline | not_set | not_applicable | text
    unit: str = ""
    extra: dict = field(default_factory=dict)


_NUM = r"[-\u2212]?£?\s*\d[\d,]*(?:\.\d+)?\s*(?:%|m\b|k\b)?"


def _num(text: str) -> tuple[Decimal, str]:
    parsed = parse_value(text)
    assert parsed.value is not None
    return parsed.value, parsed.unit


QUARTILES = [
    ("upper[- ]middle", "upper_middle_quartile"),
    ("lower[- ]middle", "lower_middle_quartile"),
    ("top", "top_quartile"),
    ("upper", "top_quartile"),
    ("bottom", "bottom_quartile"),
    ("lower", "bottom_quartile"),
]


def parse_target(printed: str | None) -> TargetSpec | None:
    """Every target form in the documents, or None when the words are not understood."""
    text = clean(printed)
    low = text.lower().rstrip(".")
    while low and low[-1] in FOOTNOTE_MARKS:
        low = low[:-1].rstrip()
    if low in {"", "-", "\u2013"}:
        return TargetSpec(TargetKind.NONE, reason="not_set")
    if low in {"tbc", "to be confirmed", "tbc*"}:
        return TargetSpec(TargetKind.NONE, reason="tbc")
    if low in {"monitor", "monitor only", "for monitoring", "monitoring"} or low.startswith("monitor ("):
        return TargetSpec(TargetKind.NONE, reason="monitor")
    if low in {"n/a", "not applicable", "n/av"}:
        return TargetSpec(TargetKind.NONE, reason="not_applicable")
    if low.startswith("baseline") or re.search(r"\b(establish|set|agree)\w* (a )?baseline", low):
        return TargetSpec(TargetKind.NONE, reason="baseline")
    if low.startswith("data not available"):
        return TargetSpec(TargetKind.NONE, reason="text")
    if low in RAG_WORDS:
        return TargetSpec(TargetKind.RAG, extra={"rating": low})

    maintain = bool(re.match(r"^(to )?maintain", low))
    body = re.sub(r"^(to )?(maintain|achieve|remain|be)( performance)?\s*", "", low).strip()

    # Ranges: "15-20", "15 - 20%"
    m = re.fullmatch(rf"({_NUM})\s*(?:-|\u2013|to)\s*({_NUM})", body)
    if m:
        lo, unit = _num(m.group(1))
        hi, unit2 = _num(m.group(2))
        return TargetSpec(TargetKind.RANGE, low=lo, high=hi, unit=unit or unit2, maintain=maintain)
    # Comparators: "<17%", ">70%", "Less than £155,000", "2% or less", "at least 90%", "≥ 95%"
    comparators = [
        (r"^(?:<=|≤|no more than|not more than|at most)\s*(.+)$", "le"),
        (r"^(?:<|less than|below|lower than|under|fewer than)\s*(.+)$", "lt"),
        (r"^(?:>=|≥|at least|no less than|not less than|minimum of|a minimum of)\s*(.+)$", "ge"),
        (r"^(?:>|more than|greater than|above|over|higher than|exceed)\s*(.+)$", "gt"),
        (r"^(.+?)\s+or (?:less|lower|below|fewer)$", "le"),
        (r"^(.+?)\s+or (?:more|higher|above|greater)$", "ge"),
    ]
    for pattern, comparator in comparators:
        m = re.match(pattern, body)
        if m and re.fullmatch(_NUM, m.group(1).strip()):
            value, unit = _num(m.group(1).strip())
            return TargetSpec(TargetKind.COMPARATOR, comparator=comparator, value=value, unit=unit, maintain=maintain)
    # A plain number: "90%", "£33m", "2,706"
    if re.fullmatch(_NUM, body):
        value, unit = _num(body)
        return TargetSpec(TargetKind.NUMBER, value=value, unit=unit, maintain=maintain)

    # Benchmarks against national / regional figures or quartiles.
    bench_value = None
    m = re.search(r"\((\d[\d.,]*)%?\s*(?:in\s*)?(\d{4})?\)", low)
    if m:
        bench_value = Decimal(m.group(1).replace(",", ""))
    if "quartile" in low:
        for pattern, name in QUARTILES:
            if re.search(pattern, low):
                return TargetSpec(TargetKind.BENCHMARK, benchmark=name, comparator="ge", maintain=maintain)
    if "national" in low or "statistical neighbour" in low or "regional" in low or "england" in low:
        benchmark = (
            "statistical_neighbours"
            if "neighbour" in low
            else "regional_average"
            if "regional" in low
            else "national_average"
        )
        if re.search(r"gap|difference", low):
            return TargetSpec(TargetKind.BENCHMARK, benchmark=benchmark, direction="narrow_gap", maintain=maintain)
        if re.search(r"\b(lower|below|less|smaller|fewer)\b", low):
            return TargetSpec(
                TargetKind.BENCHMARK, benchmark=benchmark, comparator="lt", value=bench_value, maintain=maintain
            )
        if re.search(r"\b(above|exceed|better|higher|greater|more)\b", low):
            return TargetSpec(
                TargetKind.BENCHMARK, benchmark=benchmark, comparator="gt", value=bench_value, maintain=maintain
            )
        if re.search(r"\b(in line|equal|match|at)\b", low):
            return TargetSpec(
                TargetKind.BENCHMARK, benchmark=benchmark, comparator="eq", value=bench_value, maintain=maintain
            )
        return None

    # Trends against the previous value.
    if re.search(r"\b(increas\w*|improv\w*|higher|more|upward|rise|grow\w*)\b", low):
        return TargetSpec(TargetKind.TREND, direction="increase", benchmark="previous_year", maintain=maintain)
    if re.search(r"\b(reduc\w*|decreas\w*|lower|fewer|downward|fall|decline)\b", low):
        return TargetSpec(TargetKind.TREND, direction="decrease", benchmark="previous_year", maintain=maintain)
    if re.search(r"\bgap\b.*\bnarrow", low):
        return TargetSpec(TargetKind.TREND, direction="narrow_gap", benchmark="previous_year")
    if maintain:
        return TargetSpec(TargetKind.TREND, direction="maintain", benchmark="previous_year", maintain=True)
    return None
