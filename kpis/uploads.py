"""Bulk upload of KPI values: a CSV or Excel template pre-filled with a plan's KPIs, and reading a filled
one back into the same entry forms the update page uses, with errors by row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing

from kpis.forms import KpiEntryForm, benchmark_kind
from kpis.models import Benchmark, Kpi
from kpis.periods import Period, parse_period
from kpis.services import entries_newest_first, figures_published, newest_entries, value_shown_before
from plans.models import ClosedPeriod, Plan
from plans.parsing import fy_label, fy_start
from plans.tables import neutralise

COLUMNS = [
    "KPI key",
    "Measure",
    "Financial year",
    "Latest value",
    "As at (YYYY-MM)",
    "Provisional (Y/N)",
    "Commentary",
    "Benchmark",
    "Benchmark is",
    "Version",
    "Period",
]  # "Measure" and "Benchmark is" are for reading only
# Files made from the template before it had a Period column are still read (every row: the whole year).
REQUIRED = COLUMNS[: COLUMNS.index("Period")]
FIELDS = {
    "Latest value": "value",
    "As at (YYYY-MM)": "as_at",
    "Provisional (Y/N)": "provisional",
    "Commentary": "commentary",
    "Benchmark": "benchmark",
    "Financial year": "year",
    "Version": "seen",
}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
SALT = "kpi-upload"


class UploadError(Exception):
    """The file as a whole cannot be read (wrong type, too big, not the template)."""


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class Preview:
    forms: list[tuple[int, KpiEntryForm]] = field(default_factory=list)  # (row number, form) with an entry
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def payload(self, plan: Plan) -> str:
        """The rows, signed, to carry from the preview to the confirmation without trusting the browser."""
        return signing.dumps({"plan": plan.slug, "rows": self.rows}, salt=SALT, compress=True)


def template_rows(*, plan: Plan, kpis: list[Kpi]) -> list[list[str]]:
    newest = newest_entries(kpis=kpis)
    years = plan.covered_years()
    rows = [COLUMNS]
    for kpi in kpis:
        current = newest.get(kpi.pk)
        bench = Benchmark.Kind(benchmark_kind(kpi, years)).label
        # str(): neutralise is typed object -> object; for a text it returns a text.
        rows.append(
            [
                kpi.key,
                str(neutralise(kpi.description)),
                fy_label(plan.financial_year),
                "",
                "",
                "",
                "",
                "",
                bench,
                str(current.pk if current else 0),
                "",  # the whole year; "Q2 2026-27" or "2026-09" for a quarter or month
            ]
        )
    return rows


def template_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(rows: list[list[str]]) -> bytes:
    # openpyxl takes about half a second to import and only Excel templates and uploads need it: imported
    # here so that no other request, command or test pays for it.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "KPI values"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_text(cell) -> str:
    """An Excel cell as the text a lead typed: spreadsheets turn '85%' into 0.85 and '2025-12' into a date."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m")
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{Decimal(str(value)) * 100:f}".rstrip("0").rstrip(".") + "%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return str(value)


def read_upload(upload) -> list[dict]:
    """The uploaded file's rows as dicts keyed by the template's column names."""
    name = (upload.name or "").lower()
    if upload.size > MAX_BYTES:
        raise UploadError(f"The file is {upload.size // 1024} KB; the largest accepted is {MAX_BYTES // 1024} KB")
    raw = upload.read()
    if name.endswith(".csv"):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadError("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again") from None
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error:  # e.g. a cell longer than the csv module's field limit
            raise UploadError(
                "The CSV file cannot be read as the template: a cell is too long or badly quoted"
            ) from None
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook  # heavy and Excel-only: see template_xlsx

        try:
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            # Cells are read lazily, so a damaged sheet fails here rather than when opening the book.
            table = [[_cell_text(cell) for cell in row] for row in book.worksheets[0].iter_rows()]
        except Exception:
            raise UploadError("The file is not an Excel workbook (.xlsx) that can be opened") from None
    else:
        raise UploadError("Upload the template as a .csv or .xlsx file")
    header = [h.strip() for h in table[0]] if table else []
    if header[: len(REQUIRED)] != REQUIRED or (
        len(header) > len(REQUIRED) and header[len(REQUIRED)] not in {"", "Period"}
    ):
        raise UploadError("The first row must be the template's column names: " + ", ".join(COLUMNS))
    if len(table) - 1 > MAX_ROWS:
        raise UploadError(f"The file has {len(table) - 1} rows; the most accepted is {MAX_ROWS}")
    return [dict(zip(COLUMNS, (c.strip() for c in row + [""] * len(COLUMNS)), strict=False)) for row in table[1:]]


def preview(*, plan: Plan, kpis: list[Kpi], rows: list[dict]) -> Preview:
    """Validate every row with the entry form; collect what would be saved and every error. No writes.
    2 queries (newest entries, closed years)."""
    by_key = {k.key: k for k in kpis}
    entered = entries_newest_first(kpis=kpis)
    newest = {kpi_id: found[0] for kpi_id, found in entered.items()}
    closed = set(ClosedPeriod.objects.filter(department_id=plan.department_id).values_list("year", flat=True))
    reported = figures_published(kpis=kpis)
    years = plan.covered_years()
    result = Preview(rows=rows)
    seen_keys: dict[tuple[str, str, str], int] = {}  # (KPI key, year, period) -> row
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if not any(row.get(c) for c in ("Latest value", "Benchmark", "Commentary", "As at (YYYY-MM)")):
            continue
        kpi = by_key.get(row["KPI key"])
        if kpi is None:
            result.errors.append(
                RowError(number, "KPI key", f"“{row['KPI key'][:60]}” is not a measure of {plan.title}")
            )
            continue
        data = {
            "value": row["Latest value"],
            "as_at": row["As at (YYYY-MM)"],
            "commentary": row["Commentary"],
            "benchmark": row["Benchmark"],
        }
        if row["Provisional (Y/N)"].upper() in {"Y", "YES", "TRUE"}:
            data["provisional"] = "on"
        elif row["Provisional (Y/N)"] and row["Provisional (Y/N)"].upper() not in {"N", "NO", "FALSE"}:
            result.errors.append(RowError(number, "Provisional (Y/N)", "Enter Y or N"))
            continue
        try:
            data["year"] = str(fy_start(row["Financial year"]))
        except ValueError:
            result.errors.append(RowError(number, "Financial year", "Enter the financial year like 2025-26"))
            continue
        try:
            data |= _period(row.get("Period", ""), kpi, int(data["year"]))
        except ValueError as exc:
            result.errors.append(RowError(number, "Period", str(exc)))
            continue
        # '2025-26' and '2025/26' are the same year: compare the parsed year.
        key = (kpi.key, data["year"], data.get("period", ""))
        if duplicate := seen_keys.get(key):
            what = "period" if key[2] else "year"
            result.errors.append(RowError(number, "KPI key", f"the same measure and {what} is also on row {duplicate}"))
            continue
        seen_keys[key] = number
        try:
            data["seen"] = str(int(row["Version"] or 0))
        except ValueError:
            result.errors.append(RowError(number, "Version", "Leave the version as it was in the template"))
            continue
        form = KpiEntryForm(data, kpi=kpi, years=years, closed=closed, newest=newest.get(kpi.pk), reported=reported)
        if form.is_valid():
            if form.has_entry():
                # What the preview shows as "was": the value the KPI shows for that year now.
                form.previous, form.previous_by = value_shown_before(
                    kpi,
                    form.cleaned_data["year"],
                    entered.get(kpi.pk, []),
                    period=form.cleaned_data.get("period") or "",
                )
                result.forms.append((number, form))
            continue
        columns = {v: k for k, v in FIELDS.items()}
        for name, messages in form.errors.items():
            for message in messages:
                # str(): an ErrorList yields its messages as texts; the stubs allow ValidationError too.
                result.errors.append(RowError(number, columns.get(name, "Measure"), str(message)))
    return result


def _period(text: str, kpi: Kpi, year: int) -> dict[str, str]:
    """The Period cell as the entry form's field: blank (the whole year), a quarter or month of the row's
    financial year ("Q2", "Q2 2026-27", "2026-09", "September 2026"). Raises ValueError saying what is wrong."""
    text = (text or "").strip()
    if not text:
        return {}
    if kpi.frequency == Kpi.Frequency.ANNUAL:
        raise ValueError("This measure is reported annually: leave the period blank")
    period = Period(year, text.upper()) if text.upper() in {"Q1", "Q2", "Q3", "Q4"} else parse_period(text)
    if period.year != year:
        raise ValueError(f"{period.label} is not in the financial year {fy_label(year)}")
    if period.code and period.frequency != kpi.frequency:
        raise ValueError(f"{period.label} is not a {kpi.get_frequency_display().lower()} period, as this measure is")
    return {"period": period.code}


def rows_from_payload(payload: str, *, plan: Plan) -> list[dict]:
    """The rows a preview signed; refuses anything tampered with, stale (over an hour) or for another plan."""
    try:
        data = signing.loads(payload, salt=SALT, max_age=3600)
    except signing.BadSignature:
        raise UploadError(
            "The upload could not be confirmed (it was changed or is over an hour old). Upload the file again"
        ) from None
    if data.get("plan") != plan.slug:
        raise UploadError("The upload was for another plan. Upload the file again")
    return data["rows"]
