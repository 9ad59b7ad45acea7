"""Reading the figures the source documents print: money, dates, financial years and the small things (flags,
line ranges, contract lengths). KPI values and targets are read in plans/parsing/values.py.

Every function takes the text exactly as printed and returns a small frozen result that keeps what it
understood. Nothing here touches the database; the loader (loader/services.py) stores the printed text
beside the parsed result, and the dashboards use the parsed result.

A parser that does not understand its input says so (``ok=False`` / ``None``) rather than guessing:
the loader then refuses the fixture unless it gives the parsed fields explicitly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

DASHES = "-\u2013\u2014\u2212"  # hyphen, en dash, em dash, minus sign
FOOTNOTE_MARKS = "*\u00b9\u00b2\u00b3\u2074\u2075\u2020\u2021"


def clean(text: str | None) -> str:
    """Collapse whitespace (PDF extraction leaves tabs, non-breaking spaces and doubled spaces)."""
    if text is None:
        return ""
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip()


# --------------------------------------------------------------------------------------------------
# Financial years
# --------------------------------------------------------------------------------------------------

FY_RE = re.compile(r"^(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})$")


def fy_start(label: str) -> int:
    """'2019-20', '2019/20', '2019-2020' -> 2019. Raises ValueError on anything else."""
    m = FY_RE.match(clean(label))
    if not m:
        raise ValueError(f"not a financial year: {label!r} (expected e.g. 2019-20)")
    start, end = int(m.group(1)), m.group(2)
    end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if end_year != start + 1:
        raise ValueError(f"not a single financial year: {label!r}")
    return start


def fy_label(start: int) -> str:
    return f"{start}-{str(start + 1)[-2:]}"


def fy_of(day: dt.date) -> int:
    """The financial year (April to March) a date falls in, as its start year."""
    return day.year if day.month >= 4 else day.year - 1


# --------------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    printed: str
    value: Decimal | None  # pounds (before any table multiplier); None when no figure is printed
    status: str = ""  # "" when a figure was read; "blank", "tba", "tbc", "dash", "lower_bound" otherwise
    ok: bool = True
    bound: Decimal | None = None  # "exceeding £76.4 million": the bound, never an exact value


# Words that make a printed sum a lower bound ("an annual budget exceeding £59 million"): no exact value.
LOWER_BOUND_RE = re.compile(r"^(?:exceeding|over|more than|in excess of)\s+(?P<rest>.+)$", re.IGNORECASE)


MONEY_WORDS = {
    "": "blank",
    "£": "blank",
    "tba": "tba",
    "tbc": "tbc",
    "-": "dash",
    "\u2013": "dash",
    "n/a": "not_applicable",
    "unknown": "unknown",
}
MONEY_RE = re.compile(
    r"^(?P<open>\()?\s*(?P<sign>[-\u2013\u2212])?\s*£?\s*(?P<sign2>[-\u2013\u2212])?\s*"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>m|million|k|bn)?\s*(?P<close>\))?$",
    re.IGNORECASE,
)
SCALES = {None: 1, "m": 1_000_000, "million": 1_000_000, "k": 1_000, "bn": 1_000_000_000}


def parse_money(printed: str | None) -> Money:
    """'£1,280,000', '£16,000,000.00', '36,000.00', '(365,386)', '£-3,028,016', '- 3,430,19 5',
    '£141.78 million', '£11.520m', 'TBA', '' -> pounds as Decimal. 'exceeding £76.4 million' is a lower
    bound: no value, status "lower_bound", the figure in `bound`.

    Spaces inside a digit group ('3,430,19 5') are the PDF's line breaks and are closed up."""
    text = clean(printed)
    bound = LOWER_BOUND_RE.match(text)
    if bound:
        inner = parse_money(bound.group("rest"))
        if inner.value is not None:
            return Money(printed or "", None, "lower_bound", bound=inner.value)
        return Money(printed or "", None, "unparsed", ok=False)
    word = MONEY_WORDS.get(text.lower())
    if word is not None:
        return Money(printed or "", None, word)
    compact = re.sub(r"(?<=[\d,])\s+(?=[\d,])", "", text)
    m = MONEY_RE.match(compact)
    if not m or bool(m.group("open")) != bool(m.group("close")):
        return Money(printed or "", None, "unparsed", ok=False)
    digits = m.group("num").replace(",", "")
    try:
        value = Decimal(digits) * SCALES[(m.group("scale") or "").lower() or None]
    except InvalidOperation:
        return Money(printed or "", None, "unparsed", ok=False)
    if m.group("open") or m.group("sign") or m.group("sign2"):
        value = -value
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return Money(printed or "", value)


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedDate:
    printed: str
    date: dt.date | None = None
    precision: str = ""  # day | month | year | "" (no date)
    end: dt.date | None = None  # for spans such as "2019 - 2022" or "2021/2022"
    word: str = ""  # "Ongoing", "TBA", ... when the cell holds words
    problem: str = ""  # why a date-like text is not a real date ("31/09/2020: September has 30 days")

    @property
    def is_date(self) -> bool:
        return self.date is not None


DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
MONTH_NUM_RE = re.compile(r"^(\d{1,2})/(\d{4})$")
MONTH_NAME_RE = re.compile(r"^([A-Za-z]+)\.?\s*'?(\d{2}|\d{4})$")
YEAR_RE = re.compile(r"^(\d{4})$")
DAY_NAME_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?\s+(\d{4})$")
SPAN_RE = re.compile(r"^(\d{4})\s*[/\-\u2013]\s*(\d{4})$")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_date(printed: str | None) -> PrintedDate:
    """Dates as the documents print them. Words ('Ongoing', 'TBA') are kept as words; impossible dates
    ('31/09/2020') keep their text and say what is wrong; nothing raises."""
    text = clean(printed)
    raw = printed or ""
    if not text:
        return PrintedDate(raw)
    m = DAY_RE.match(text)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        try:
            return PrintedDate(raw, dt.date(year, month, day), "day")
        except ValueError:
            if 1 <= month <= 12:
                last = calendar.monthrange(year, month)[1]
                why = f"{calendar.month_name[month]} {year} has {last} days"
            else:
                why = f"there is no month {month}"
            return PrintedDate(raw, problem=f"{text} is not a real date: {why}")
    m = DAY_NAME_RE.match(text)
    if m and m.group(2).lower() in MONTHS:
        try:
            return PrintedDate(raw, dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))), "day")
        except ValueError:
            return PrintedDate(raw, problem=f"{text} is not a real date")
    m = MONTH_NUM_RE.match(text)
    if m:
        month = int(m.group(1))
        if 1 <= month <= 12:
            return PrintedDate(raw, dt.date(int(m.group(2)), month, 1), "month")
        return PrintedDate(raw, problem=f"{text} is not a real date: there is no month {month}")
    m = MONTH_NAME_RE.match(text)
    if m and m.group(1).lower() in MONTHS:
        return PrintedDate(raw, dt.date(_year(m.group(2)), MONTHS[m.group(1).lower()], 1), "month")
    m = YEAR_RE.match(text)
    if m:
        return PrintedDate(raw, dt.date(int(m.group(1)), 1, 1), "year")
    m = SPAN_RE.match(text)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if end >= start:
            return PrintedDate(raw, dt.date(start, 1, 1), "year", end=dt.date(end, 12, 31))
    return PrintedDate(raw, word=text)


# --------------------------------------------------------------------------------------------------
# Small things
# --------------------------------------------------------------------------------------------------


def parse_flag(printed: str | None) -> bool | None:
    """Y/N, Yes/No, tick/cross. The Greek capital upsilon 'Υ' that one document prints for Y reads as Y."""
    text = clean(printed).lower().replace("\u03c5", "y")
    if text in {"y", "yes", "\u2713", "\u2714", "\u221a", "true"}:
        return True
    if text in {"n", "no", "\u2717", "\u2718", "x", "false"}:
        return False
    return None


def parse_src(src: object) -> tuple[int, int]:
    """`src: 214` or `src: 214-216` -> (214, 216)."""
    text = clean(str(src))
    m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", text)
    if not m:
        raise ValueError(f"src must be a line number or a range like 214-216, not {src!r}")
    start = int(m.group(1))
    end = int(m.group(2) or start)
    if end < start:
        raise ValueError(f"src range {src!r} ends before it starts")
    return start, end


def parse_months(printed: str | None) -> int | None:
    """Contract length: '120', '120 months', '3 years' -> months."""
    text = clean(printed).lower()
    m = re.fullmatch(r"(\d+)\s*(months?)?", text)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(\d+)\s*years?", text)
    if m:
        return int(m.group(1)) * 12
    return None
