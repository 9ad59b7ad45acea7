"""Reads for the procurement pipeline pages, and the rules that say how a printed pipeline row is shown:
a value or a date that is not a real figure keeps its printed text and gets a word ("To be advised",
"Not a real date"), never a blank. Each function's docstring states its query count."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When

from plans.models import Council, Plan
from procurement.models import OPTIONAL_COLUMNS, ProcurementEntry, ProcurementTable

DATE_FIELDS = ("procurement_start", "advert", "contract_start")
DATE_LABELS = {"procurement_start": "procurement start", "advert": "advert", "contract_start": "contract start"}
# Words printed in place of a figure, and what the page says for them.
WORDS = {
    "tba": "To be advised",
    "tbc": "To be confirmed",
    "unknown": "Unknown",
    "n/a": "Not applicable",
    "not_applicable": "Not applicable",
    "-": "No figure",
    "dash": "No figure",
}

# The value bands the documents print in their table headings, recognised in the printed band text (the same
# pattern serves the ORM filter and the label). PostgreSQL and Python read these regular expressions alike.
BANDS = OrderedDict(
    [
        ("25k-50k", ("Above £25K, less than £50K", r"above £25K less than £50K")),
        ("50k-threshold", ("Above £50K, less than the OJEU / Find a Tender threshold", r"above £50K less than")),
        ("above-threshold", ("Above the OJEU / Find a Tender threshold", r"above (OJEU|Find a Tender) threshold")),
    ]
)
NO_BAND = ("not-banded", "No value band printed")


def value_band(band: str) -> str:
    """The band code a table's printed band text names ('' reads as not banded)."""
    for code, (_label, pattern) in BANDS.items():
        if re.search(pattern, band, re.IGNORECASE):
            return code
    return NO_BAND[0]


def band_q(code: str) -> Q:
    """Rows whose table prints the band `code`."""
    if code in BANDS:
        return Q(table__band__iregex=BANDS[code][1])
    q = Q()
    for _label, pattern in BANDS.values():
        q &= ~Q(table__band__iregex=pattern)
    return q


def table_key(plan_slug: str, order: int) -> str:
    """A printed table's stable name in URLs (ids change when a plan is reloaded)."""
    return f"{plan_slug}-table-{order}"


# --------------------------------------------------------------------------------------------------
# How a row's figures are shown
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A figure as the page shows it: the printed text and, when it is not a usable figure, a word."""

    text: str
    word: str = ""
    detail: str = ""  # e.g. why a date is not a real date
    kind: str = ""  # "problem" | "word" | "absent" (for the tag's look; the word carries the meaning)

    @property
    def export(self) -> str:
        if not self.word:
            return self.text
        return f"{self.text} ({self.word.lower()})" if self.text else self.word


class PrintedValue(Protocol):
    """What shown_value reads: a pipeline row, or the rows without a value that PostgreSQL grouped."""

    @property
    def value(self) -> Decimal | None: ...
    @property
    def value_printed(self) -> str: ...
    @property
    def value_status(self) -> str: ...


@dataclass(frozen=True)
class UnvaluedRows:
    """Rows without a value sharing their printed text and status (pipeline_totals_of's groups)."""

    value_printed: str
    value_status: str
    value: None = None


def shown_value(entry: PrintedValue) -> Shown:
    if entry.value is not None:
        return Shown(entry.value_printed)
    printed = entry.value_printed.strip()
    if not printed or entry.value_status == "blank":
        return Shown(printed, "Left blank", kind="absent")
    return Shown(printed, WORDS.get(entry.value_status) or WORDS.get(printed.lower()) or "Not a figure", kind="word")


def shown_date(entry: ProcurementEntry, name: str, *, column_printed: bool = True) -> Shown:
    """`column_printed` says whether the row's table prints this column at all (a blank cell in a column
    the table does not have is "Not in this table", not "Left blank")."""
    printed = getattr(entry, f"{name}_printed").strip()
    if getattr(entry, name) is not None:
        return Shown(printed)
    problem = getattr(entry, f"{name}_problem")
    if problem:
        why = problem.split(": ", 1)[1] if ": " in problem else problem
        return Shown(printed, "Not a real date", why, kind="problem")
    if not printed:
        return Shown("", "Left blank" if column_printed else "Not in this table", kind="absent")
    return Shown(printed, WORDS.get(printed.lower(), "Not a date"), kind="word")


def shown_length(entry: ProcurementEntry, *, column_printed: bool = True) -> Shown:
    printed = entry.length_printed.strip()
    if not printed:
        return Shown("", "Left blank" if column_printed else "Not in this table", kind="absent")
    return Shown(printed)


def shown_statutory(entry: ProcurementEntry, *, column_printed: bool = True) -> Shown:
    if entry.statutory is not None:
        return Shown("Yes" if entry.statutory else "No")
    printed = entry.statutory_printed.strip()
    if not printed:
        return Shown("", "Left blank" if column_printed else "Not in this table", kind="absent")
    return Shown(printed, "Not read as yes or no", kind="word")


def columns_printed(entry: ProcurementEntry) -> dict[str, bool]:
    """Which optional columns the row's table prints (stored on the table)."""
    return {name: entry.table.prints(name) for name in OPTIONAL_COLUMNS}


# --------------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------------


def pipeline_queryset(*, plan: Plan | None = None, council: Council | None = None) -> QuerySet[ProcurementEntry]:
    """Pipeline rows with their table (and its stored figures: row count, rows with a value, sum of values,
    optional columns printed), plan and department. 1 query when evaluated."""
    qs = ProcurementEntry.objects.select_related("table", "plan__department")
    if plan is not None:
        qs = qs.filter(plan=plan)
    else:
        qs = qs.filter(plan__department__council=council)
    return qs


@dataclass
class FilterChoices:
    departments: list[tuple[str, str]]
    plans: list[tuple[str, str]]
    tables: list[tuple[str, str]]
    bands: list[tuple[str, str]]
    groups: list[tuple[str, str]]
    empty_tables: list[str]  # printed tables with no rows, as "title – band"
    columns: set[str]  # the optional columns (OPTIONAL_COLUMNS) that at least one of the tables prints


def filter_choices(*, plan: Plan | None = None, council: Council | None = None) -> FilterChoices:
    """The choices of the pipeline filters (departments and plans that print a pipeline, their printed
    tables, the value bands printed, the service groups), the tables printed with no rows, and the optional
    columns the tables print. 1 query."""
    queryset = (
        ProcurementTable.objects.select_related("plan__department")
        .annotate(
            groups=ArrayAgg("entries__group", distinct=True, filter=~Q(entries__group=""), default=[]),
        )
        .order_by("plan__department__name", "-plan__financial_year", "plan__slug", "order")
    )
    queryset = queryset.filter(plan=plan) if plan is not None else queryset.filter(plan__department__council=council)
    departments: dict[str, str] = {}
    plans: dict[str, str] = {}
    table_choices = []
    empty_tables = []
    columns: set[str] = set()
    bands = set()
    groups: set[str] = set()
    tables = list(queryset)
    seen: dict[tuple, int] = {}
    for t in tables:
        t.groups = sorted(g for g in t.groups if g)  # a table with no rows aggregates to [None]
        seen[(t.plan_id, t.title, t.band)] = seen.get((t.plan_id, t.title, t.band), 0) + 1
    for t in tables:
        department = t.plan.department
        departments[department.slug] = department.name
        plans[t.plan.slug] = f"{department.name}: {t.plan.title} ({t.plan.year_label})"
        # A plan printing the same table twice (ASCH: once for Adult Care, once for Public Health) is told
        # apart by the service groups under it.
        groups_label = f" ({', '.join(t.groups)})" if seen[(t.plan_id, t.title, t.band)] > 1 and t.groups else ""
        band = f" – {t.band}" if t.band else ""
        prefix = "" if plan is not None else f"{department.name} {t.plan.year_label}: "
        columns.update(name for name in OPTIONAL_COLUMNS if t.prints(name))
        if not t.row_count:
            empty_tables.append(f"{prefix}{t.title}{band}")
            continue
        table_choices.append((table_key(t.plan.slug, t.order), f"{prefix}{t.title}{groups_label}{band}"))
        bands.add(value_band(t.band))
        groups.update(t.groups)
    band_choices = [(code, label) for code, (label, _p) in BANDS.items() if code in bands]
    if NO_BAND[0] in bands:
        band_choices.append(NO_BAND)
    return FilterChoices(
        departments=sorted(departments.items(), key=lambda c: c[1]),
        plans=list(plans.items()),
        tables=table_choices,
        bands=band_choices,
        groups=[(g, g) for g in sorted(groups)],
        empty_tables=empty_tables,
        columns=columns,
    )


def undated_count(*, queryset: QuerySet[ProcurementEntry], fields: list[str]) -> int:
    """How many rows (of those matching every filter except the dates) have no real date in one of `fields`,
    so a date filter on it cannot include them. 1 query."""
    missing = Q()
    for name in fields:
        missing |= Q(**{f"{name}__isnull": True})
    return queryset.filter(missing).count()


# --------------------------------------------------------------------------------------------------
# Totals and the timeline (from rows already fetched: no queries)
# --------------------------------------------------------------------------------------------------


@dataclass
class Totals:
    count: int = 0
    valued: int = 0
    total: Decimal = Decimal(0)
    unvalued: int = 0
    unvalued_words: dict[str, int] = field(default_factory=dict)  # "To be advised" -> 2
    not_real_dates: int = 0  # rows with at least one date that is not a real date
    worded_dates: int = 0  # rows with at least one date printed as words (TBA, TBC, Unknown)

    @property
    def unvalued_summary(self) -> str:
        words = sorted(self.unvalued_words.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{n} {word.lower()}" for word, n in words)


def _date_kind(name: str) -> Case:
    """shown_date's kind for the date column `name`, worked out by PostgreSQL ("" for a real date)."""
    return Case(
        When(**{f"{name}__isnull": False}, then=Value("")),
        When(~Q(**{f"{name}_problem": ""}), then=Value("problem")),
        When(**{f"{name}_printed__regex": r"\S"}, then=Value("word")),
        default=Value("absent"),
    )


def pipeline_totals_of(queryset: QuerySet[ProcurementEntry]) -> Totals:
    """pipeline_totals of every row of `queryset` (the page shows one page of rows; its totals are of all of
    them), summed by PostgreSQL: rows are grouped by what the totals tell apart (the printed words of rows
    without a value, the kind of each date), so a council's whole pipeline comes back as a few dozen groups.
    1 query."""
    # Mapping: the date kinds are columns named at run time (DATE_FIELDS), which a TypedDict cannot name.
    groups: Iterable[Mapping[str, Any]] = (
        queryset.order_by()
        .values(
            unvalued_printed=Case(When(value__isnull=True, then=F("value_printed"))),
            unvalued_status=Case(When(value__isnull=True, then=F("value_status"))),
            **{f"{name}_kind": _date_kind(name) for name in DATE_FIELDS},
        )
        .annotate(rows=Count("pk"), valued=Count("value"), total=Sum("value"))
    )
    totals = Totals()
    for group in groups:
        totals.count += group["rows"]
        totals.valued += group["valued"]
        totals.total += group["total"] or Decimal(0)
        unvalued = group["rows"] - group["valued"]
        if unvalued:
            totals.unvalued += unvalued
            word = shown_value(
                UnvaluedRows(value_printed=group["unvalued_printed"], value_status=group["unvalued_status"])
            ).word
            totals.unvalued_words[word] = totals.unvalued_words.get(word, 0) + unvalued
        kinds = {group[f"{name}_kind"] for name in DATE_FIELDS}
        totals.not_real_dates += group["rows"] if "problem" in kinds else 0
        totals.worded_dates += group["rows"] if "word" in kinds else 0
    return totals


def pipeline_totals(rows: Iterable[ProcurementEntry]) -> Totals:
    totals = Totals()
    for entry in rows:
        totals.count += 1
        if entry.value is not None:
            totals.valued += 1
            totals.total += entry.value
        else:
            totals.unvalued += 1
            word = shown_value(entry).word
            totals.unvalued_words[word] = totals.unvalued_words.get(word, 0) + 1
        dates = [shown_date(entry, name) for name in DATE_FIELDS]
        totals.not_real_dates += any(d.kind == "problem" for d in dates)
        totals.worded_dates += any(d.kind == "word" for d in dates)
    return totals


@dataclass
class OffTimeline:
    reason: str
    entries: list[ProcurementEntry]


@dataclass
class Timeline:
    bars: list[ProcurementEntry]  # ordered by procurement start, then contract start
    off: list[OffTimeline]  # grouped by reason, largest group first

    @property
    def off_count(self) -> int:
        return sum(len(group.entries) for group in self.off)


def timeline_reason(entry: ProcurementEntry) -> str:
    """Why a row has no bar on the timeline ('' when it has one)."""
    printed = columns_printed(entry)
    reasons = []
    for name in ("procurement_start", "contract_start"):
        shown = shown_date(entry, name, column_printed=printed[name])
        label = DATE_LABELS[name]
        if shown.kind == "problem":
            reasons.append(f"{label} is not a real date")
        elif shown.kind == "word":
            reasons.append(f"{label} is printed as words ({shown.word.lower()})")
        elif shown.word == "Not in this table":
            reasons.append(f"its table prints no {label}")
        elif shown.word:
            reasons.append(f"{label} left blank")
    # No reason left means both dates are real dates (shown_date gives every missing date a word).
    if (
        not reasons
        and entry.contract_start is not None
        and entry.procurement_start is not None
        and entry.contract_start < entry.procurement_start
    ):
        reasons.append("contract start is printed before procurement start")
    if not reasons:
        return ""
    text = "; ".join(reasons)
    return text[0].upper() + text[1:]


def pipeline_timeline(rows: list[ProcurementEntry]) -> Timeline:
    bars = []
    off: dict[str, list[ProcurementEntry]] = {}
    for entry in rows:
        reason = timeline_reason(entry)
        if reason:
            off.setdefault(reason, []).append(entry)
        else:
            bars.append(entry)
    bars.sort(key=lambda e: (e.procurement_start, e.contract_start, e.order))
    groups = [OffTimeline(reason, entries) for reason, entries in off.items()]
    groups.sort(key=lambda g: -len(g.entries))
    return Timeline(bars, groups)


def printed_order_sections(rows: list[ProcurementEntry]) -> None:
    """Mark, on rows in document order, where each printed table and each service group begins, so the
    template can print the document's headings between rows. No queries."""
    shown: dict[int, int] = {}
    for entry in rows:
        shown[entry.table_id] = shown.get(entry.table_id, 0) + 1
    previous_table = previous_group = None
    for entry in rows:
        entry.table_shown = shown[entry.table_id]
        total = entry.table.total
        entry.table_difference = None if total is None else (entry.table.value_sum or Decimal(0)) - total
        entry.starts_table = entry.table_id != previous_table
        entry.starts_group = entry.starts_table or (entry.group, entry.subgroup) != previous_group
        previous_table, previous_group = entry.table_id, (entry.group, entry.subgroup)
