"""Loading plan fixtures (fixtures/*.yaml, schema in fixtures/README.md) into the database.

`plans_load(paths=...)` validates and writes every file in one transaction: the first problem raises
FixtureError naming the file, the record and the field, and the database is left as it was. Loading is
idempotent: a plan is matched by slug; its KPIs, deliverables, outcomes, strategic objectives and actions by
stable keys, and updated in place, so everything entered in the product (KPI values and benchmarks, progress
updates, and the closed periods and roles that hang off departments) stays attached to the same record across
a reload. Everything else the fixture describes, which nobody can attach anything to, is replaced. A fixture
edit that removes a record carrying entries is refused (see PlanLoader.refuse_dropped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Cast, Concat

from budgets.models import (
    BudgetCell,
    BudgetColumn,
    BudgetHeadline,
    BudgetRow,
    BudgetTable,
    Saving,
    ServicePressure,
)
from kpis.models import Kpi, KpiValue, Measure
from kpis.selectors import doubt_decisions
from loader.fingerprint import fingerprint_forget, fingerprint_matches, fingerprint_record, fixtures_fingerprint
from loader.matching import deliverables_match
from plans import parsing
from plans.models import (
    Council,
    Deliverable,
    DeliverableUpdate,
    Department,
    Discrepancy,
    Division,
    Outcome,
    Plan,
    Risk,
    Statement,
    StrategicObjective,
    Workforce,
)
from procurement.models import ProcurementEntry, ProcurementTable

COUNCIL = {"slug": "derbyshire", "name": "Derbyshire County Council"}
DEPARTMENTS = {
    "childrens-services": "Children's Services",
    "commissioning-communities-policy": "Commissioning, Communities and Policy",
    "economy-transport-environment": "Economy, Transport and Environment",
    "adult-social-care-health": "Adult Social Care and Health",
}
MEASURES_FILE = "measures.yaml"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster than pure Python

TOP_KEYS = {"plan", "statements", "divisions", "workforce", "budget", "deliverables", "outcomes", "kpis",
            "procurement", "risks", "capital_programmes", "discrepancies"}
DISCREPANCY_KEYS = {"record", "field", "printed", "stored", "note", "src"}
PLAN_KEYS = {"slug", "department", "title", "kind", "period", "financial_year", "executive_director",
             "executive_director_title", "date", "date_printed", "status", "document", "src", "notes"}
STATEMENT_KEYS = {"kind", "text", "group", "number", "src"}
DIVISION_KEYS = {"name", "director", "src"}
WORKFORCE_KEYS = {"division", "headcount", "fte", "note", "src"}
BUDGET_KEYS = {"headlines", "pressures", "savings", "tables"}
HEADLINE_KEYS = {"label", "printed", "src", "note", "value", "rows_sum"}
PRESSURE_KEYS = {"title", "amounts", "src"}
SAVING_KEYS = {"title", "printed", "description", "year", "src", "value", "note"}
TABLE_KEYS = {"title", "kind", "unit", "multiplier", "unit_note", "src", "columns", "rows", "notes", "rounding"}
ROW_KEYS = {"division", "group", "kind", "src", "cells", "note"}
DELIVERABLE_KEYS = {"refs", "number", "part", "section", "council_priority", "title", "lead", "start", "end",
                    "resources",
                    "interdependencies", "success_measures", "outcome", "in_council_plan", "notes", "src",
                    "sub_actions"}
OUTCOME_KEYS = {"number", "title", "src", "objectives"}
OBJECTIVE_KEYS = {"number", "title", "lead_directors", "supporting_departments", "dates", "src", "actions"}
ACTION_KEYS = {"title", "lead", "end", "supporting_departments", "support_required", "timescale",
               "success_measures", "key_risks", "src", "notes", "start"}
KPI_KEYS = {"key", "description", "unit", "unit_note", "higher_is_better", "responsible", "section", "group",
            "links", "footnotes", "src", "values", "tolerance"}
VALUE_KEYS = {"year", "kind", "printed", "column", "value", "as_at", "provisional", "status", "note",
              "qualitative", "target", "src", "doubtful"}
TARGET_KEYS = {"kind", "comparator", "value", "low", "high", "direction", "benchmark", "maintain"}
PROCUREMENT_TABLE_KEYS = {"table", "band", "src", "printed_total", "total_note", "rows", "notes"}
PROCUREMENT_ROW_KEYS = {"title", "group", "subgroup", "value", "procurement_start", "advert", "contract_start",
                        "length", "statutory", "notes", "src"}
RISK_KEYS = {"description", "refs", "type", "mitigations", "mitigation_intro", "owner", "council_priority",
             "section", "src"}
MEASURE_KEYS = {"key", "title", "why", "members"}


class FixtureError(Exception):
    """A fixture that cannot be loaded. The message names file, record and field."""

    def __init__(self, file: str, record: str, fieldname: str, message: str):
        self.file, self.record, self.field, self.message = file, record, fieldname, message
        where = ": ".join(part for part in (file, record, fieldname) if part)
        super().__init__(f"{where}: {message}")


@dataclass
class LoadReport:
    plans: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # things a person should check, printed by load_plans

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,}"


class PlanLoader:
    """Loads one plan file. Each method validates one section and writes it."""

    def __init__(self, path: Path, report: LoadReport):
        self.path = path
        self.file = path.name
        self.report = report
        self.plan: Plan
        self.line_count = 0
        self.plan_range = (1, 10**9)
        # Administrators' marks and clears of doubtful values, by value (read by load_kpis; empty when the
        # synthetic generator borrows kpi_value).
        self.doubt_decisions: dict = {}

    # -- error helpers --------------------------------------------------------------------------------
    def fail(self, record: str, fieldname: str, message: str) -> None:
        raise FixtureError(self.file, record, fieldname, message)

    def check_keys(self, data: Any, allowed: set[str], record: str) -> dict:
        if not isinstance(data, dict):
            self.fail(record, "", f"expected a mapping, found {type(data).__name__}")
        unknown = sorted(set(data) - allowed)
        if unknown:
            self.fail(record, unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")
        return data

    def require(self, data: dict, key: str, record: str) -> Any:
        if data.get(key) in (None, ""):
            self.fail(record, key, "is required")
        return data[key]

    def text(self, data: dict, key: str, record: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(record, key, "is required")
            return ""
        if not isinstance(value, (str, int, float)):
            self.fail(record, key, f"must be text, found {type(value).__name__}")
        text = parsing.clean(str(value))
        if required and not text:
            self.fail(record, key, "is required")
        return text

    def texts(self, data: dict, key: str, record: str) -> list[str]:
        value = data.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.fail(record, key, "must be a list of texts")
        return [parsing.clean(str(v)) for v in value if parsing.clean(str(v))]

    def src(self, data: dict, record: str, required: bool = True) -> dict[str, int | None]:
        if data.get("src") in (None, ""):
            if required:
                self.fail(record, "src", "is required: the line or lines of the source document")
            return {"src_start": None, "src_end": None}
        try:
            start, end = parsing.parse_src(data["src"])
        except ValueError as exc:
            self.fail(record, "src", str(exc))
        lo, hi = self.plan_range
        if start < lo or end > hi:
            self.fail(record, "src", f"lines {start}-{end} are outside the plan's lines {lo}-{hi}")
        return {"src_start": start, "src_end": end}

    def discrepancy(self, record: str, fieldname: str, printed: str, stored: str, note: str,
                    obj: models.Model | None = None, src: dict | None = None) -> None:
        Discrepancy.objects.create(
            plan=self.plan, record=record[:300], field=fieldname, printed=printed, stored=stored, note=note,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=obj.pk if obj is not None else None, **(src or {}),
        )
        self.report.add("discrepancies")

    # -- the file -------------------------------------------------------------------------------------
    def load(self) -> Plan:
        try:
            data = yaml.load(self.path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise FixtureError(self.file, "YAML", where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        except OSError as exc:
            raise FixtureError(self.file, "", "", f"cannot read: {exc}") from exc
        data = self.check_keys(data, TOP_KEYS, "file")
        self.load_plan(self.require(data, "plan", "file"))
        self.clear()
        self.load_statements(data.get("statements") or [])
        self.load_divisions(data.get("divisions") or [])
        self.load_workforce(data.get("workforce") or [])
        self.load_budget(data.get("budget") or {}, data.get("capital_programmes") or [])
        refs = self.load_deliverables(data.get("deliverables") or [])
        self.load_outcomes(data.get("outcomes") or [])
        self.load_kpis(data.get("kpis") or [], refs)
        self.load_procurement(data.get("procurement") or [])
        self.load_risks(data.get("risks") or [])
        self.load_discrepancies(data.get("discrepancies") or [])
        self.report.plans.append(self.plan.slug)
        return self.plan

    def load_plan(self, data: dict) -> None:
        record = "plan"
        self.check_keys(data, PLAN_KEYS, record)
        slug = self.text(data, "slug", record, required=True)
        dept_slug = self.text(data, "department", record, required=True)
        if dept_slug not in DEPARTMENTS:
            self.fail(record, "department", f"unknown department {dept_slug!r} (known: {', '.join(DEPARTMENTS)})")
        kind = self.text(data, "kind", record, required=True)
        if kind not in Plan.Kind.values:
            self.fail(record, "kind", f"{kind!r} is not one of {', '.join(Plan.Kind.values)}")
        status = self.text(data, "status", record) or "final"
        if status not in Plan.Status.values:
            self.fail(record, "status", f"{status!r} is not one of {', '.join(Plan.Status.values)}")
        try:
            year = parsing.fy_start(self.text(data, "financial_year", record, required=True))
        except ValueError as exc:
            self.fail(record, "financial_year", str(exc))
        date = data.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                self.fail(record, "date", f"{date!r} is not an ISO date (YYYY-MM-DD)")
        document = self.text(data, "document", record, required=True)
        doc_path = settings.SOURCE_DOCUMENTS_DIR / document
        if not doc_path.exists():
            self.fail(record, "document", f"{document!r} is not in {settings.SOURCE_DOCUMENTS_DIR}")
        self.line_count = len(doc_path.read_text(encoding="utf-8").splitlines())
        self.plan_range = (1, self.line_count)
        plan_src = self.src(data, record)
        self.plan_range = (plan_src["src_start"], plan_src["src_end"])
        council, _ = Council.objects.get_or_create(slug=COUNCIL["slug"], defaults={"name": COUNCIL["name"]})
        department, _ = Department.objects.get_or_create(
            council=council, slug=dept_slug, defaults={"name": DEPARTMENTS[dept_slug]}
        )
        fields = dict(
            department=department, title=self.text(data, "title", record, required=True), kind=kind,
            period=self.text(data, "period", record, required=True), financial_year=year,
            executive_director=self.text(data, "executive_director", record),
            executive_director_title=self.text(data, "executive_director_title", record),
            date=date, date_printed=self.text(data, "date_printed", record), status=status,
            document=document, notes=self.texts(data, "notes", record), fixture=self.file, **plan_src,
        )
        self.plan, _ = Plan.objects.update_or_create(slug=slug, defaults=fields)

    def clear(self) -> None:
        """Remove what the fixture describes and nothing can hang off, wholesale. KPIs, deliverables, outcomes,
        objectives and actions are matched by key instead: progress updates and entered values hang off them
        (Outcome is not here: deleting it cascaded to the actions and tripped over their PROTECTed updates)."""
        plan = self.plan
        for model in (Statement, Division, Workforce, BudgetHeadline, ServicePressure, Saving, BudgetTable,
                      ProcurementTable, Risk, Discrepancy):
            model.objects.filter(plan=plan).delete()
        # An explicit id list, not a join: on freshly loaded tables (no statistics yet) PostgreSQL plans the
        # joined form as a nested loop over the whole table.
        KpiValue.objects.filter(kpi_id__in=list(plan.kpis.values_list("id", flat=True)), source="document").delete()

    # -- words ----------------------------------------------------------------------------------------
    def load_statements(self, items: list) -> None:
        objs = []
        for i, item in enumerate(items, 1):
            record = f"statements[{i}]"
            self.check_keys(item, STATEMENT_KEYS, record)
            kind = self.text(item, "kind", record, required=True)
            if kind not in Statement.Kind.values:
                self.fail(record, "kind", f"{kind!r} is not one of {', '.join(Statement.Kind.values)}")
            objs.append(Statement(
                plan=self.plan, kind=kind, group=self.text(item, "group", record),
                number=self.text(item, "number", record), text=self.text(item, "text", record, required=True),
                order=i, **self.src(item, record),
            ))
        Statement.objects.bulk_create(objs)
        self.report.add("statements", len(objs))

    def load_divisions(self, items: list) -> None:
        objs = []
        for i, item in enumerate(items, 1):
            record = f"divisions[{i}]"
            self.check_keys(item, DIVISION_KEYS, record)
            objs.append(Division(plan=self.plan, name=self.text(item, "name", record, required=True),
                                 director=self.text(item, "director", record), order=i, **self.src(item, record)))
        Division.objects.bulk_create(objs)
        self.report.add("divisions", len(objs))

    def load_workforce(self, items: list) -> None:
        objs = []
        for i, item in enumerate(items, 1):
            record = f"workforce[{i}]"
            self.check_keys(item, WORKFORCE_KEYS, record)
            headcount = self.text(item, "headcount", record)
            fte = self.text(item, "fte", record)
            objs.append(Workforce(
                plan=self.plan, division=self.text(item, "division", record), headcount_printed=headcount,
                headcount=self.first_number(headcount, record, "headcount"), fte_printed=fte,
                fte=self.first_number(fte, record, "fte"), note=self.text(item, "note", record), order=i,
                **self.src(item, record),
            ))
        Workforce.objects.bulk_create(objs)
        self.report.add("workforce", len(objs))

    def decimal(self, raw: Any, record: str, fieldname: str) -> Decimal:
        if isinstance(raw, bool):
            self.fail(record, fieldname, f"{raw!r} is not a number")
        try:
            return Decimal(str(raw))
        except Exception:
            self.fail(record, fieldname, f"{raw!r} is not a number")

    def load_discrepancies(self, items: list) -> None:
        """Discrepancies that belong to no single figure (a total that does not match its parts)."""
        for i, item in enumerate(items, 1):
            record = f"discrepancies[{i}]"
            self.check_keys(item, DISCREPANCY_KEYS, record)
            self.discrepancy(self.text(item, "record", record, required=True), self.text(item, "field", record),
                             self.text(item, "printed", record), self.text(item, "stored", record),
                             self.text(item, "note", record, required=True), None, self.src(item, record))

    def first_number(self, text: str, record: str, fieldname: str) -> Decimal | None:
        if not text:
            return None
        import re

        m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
        if not m:
            self.fail(record, fieldname, f"{text!r} holds no number")
        return Decimal(m.group(0).replace(",", ""))

    # -- money ----------------------------------------------------------------------------------------
    def money(self, printed: str, record: str, fieldname: str, allow_blank: bool = True) -> Decimal | None:
        parsed = parsing.parse_money(printed)
        if not parsed.ok:
            self.fail(record, fieldname, f"{printed!r} is not a sum of money this loader can read")
        if parsed.value is None and not allow_blank:
            self.fail(record, fieldname, f"{printed!r}: an amount is required")
        return parsed.value

    def load_budget(self, data: dict, capital: list) -> None:
        self.check_keys(data, BUDGET_KEYS, "budget")
        headlines = []
        for i, item in enumerate(data.get("headlines") or [], 1):
            record = f"budget.headlines[{i}]"
            self.check_keys(item, HEADLINE_KEYS, record)
            printed = self.text(item, "printed", record, required=True)
            parsed = parsing.parse_money(printed)
            value = parsed.value
            if parsed.status == "lower_bound" and not item.get("note"):
                self.fail(record, "note", "a lower bound (\"exceeding ...\") stores no value: say so in a note")
            if item.get("value") is not None:
                value = self.decimal(item["value"], record, "value")
                if value != parsing.parse_money(printed).value and not item.get("note"):
                    self.fail(record, "note", "a value that differs from the printed figure needs a note")
            reconciling = None
            if item.get("rows_sum") is not None:
                # a total printed in the text that its printed parts do not add up to: kept as printed
                reconciling = self.decimal(item["rows_sum"], record, "rows_sum")
                if value is None or not item.get("note"):
                    self.fail(record, "rows_sum", "rows_sum needs a printed figure and a note saying which parts")
            headlines.append(BudgetHeadline(plan=self.plan, label=self.text(item, "label", record, required=True),
                                            printed=printed, value=value, note=self.text(item, "note", record),
                                            reconciling=reconciling, order=i, **self.src(item, record)))
        BudgetHeadline.objects.bulk_create(headlines)
        self.report.add("budget headlines", len(headlines))

        pressures, order = [], 0
        for i, item in enumerate(data.get("pressures") or [], 1):
            record = f"budget.pressures[{i}]"
            self.check_keys(item, PRESSURE_KEYS, record)
            title = self.text(item, "title", record, required=True)
            src = self.src(item, record)
            amounts = item.get("amounts") or []
            if not amounts:
                self.fail(record, "amounts", "at least one amount is required")
            for j, amount in enumerate(amounts, 1):
                arecord = f"{record} ({title}).amounts[{j}]"
                self.check_keys(amount, {"kind", "printed", "value", "note"}, arecord)
                kind = self.text(amount, "kind", arecord, required=True)
                if kind not in ServicePressure.Kind.values:
                    self.fail(arecord, "kind", f"{kind!r} is not one of {', '.join(ServicePressure.Kind.values)}")
                printed = self.text(amount, "printed", arecord, required=True)
                parsed = parsing.parse_money(printed)
                value = parsed.value
                if amount.get("value") is not None:
                    value = self.decimal(amount["value"], arecord, "value")
                    if value != parsed.value:
                        note = self.text(amount, "note", arecord)
                        if not note:
                            self.fail(arecord, "note", "a value that differs from the printed figure needs a note")
                        self.discrepancy(f"Service pressure: {title}", kind, printed, _fmt(value), note, None, src)
                elif not parsed.ok or value is None:
                    self.fail(arecord, "printed", f"{printed!r} is not an amount: give value (pounds) and note")
                order += 1
                pressures.append(ServicePressure(plan=self.plan, title=title, kind=kind, printed=printed,
                                                 amount=value, order=order, **src))
        ServicePressure.objects.bulk_create(pressures)
        self.report.add("pressure amounts", len(pressures))

        for i, item in enumerate(data.get("savings") or [], 1):
            record = f"budget.savings[{i}]"
            self.check_keys(item, SAVING_KEYS, record)
            printed = self.text(item, "printed", record)
            parsed = self.money(printed, record, "printed")
            value = parsed
            if item.get("value") is not None:
                value = self.decimal(item["value"], record, "value")
            year = None
            if item.get("year"):
                try:
                    year = parsing.fy_start(str(item["year"]))
                except ValueError as exc:
                    self.fail(record, "year", str(exc))
            saving = Saving.objects.create(
                plan=self.plan, title=self.text(item, "title", record, required=True),
                description=self.text(item, "description", record), printed=printed, amount=value, year=year,
                order=i, **self.src(item, record),
            )
            if value != parsed:
                note = self.text(item, "note", record, required=True)
                self.discrepancy(f"Saving: {saving.title}", "amount", printed, _fmt(value), note, saving,
                                 self.src(item, record))
            self.report.add("savings")

        tables = list(data.get("tables") or []) + list(capital)
        for i, item in enumerate(tables, 1):
            self.load_budget_table(item, i)

    def load_budget_table(self, data: dict, order: int) -> None:
        record = f"budget.tables[{order}]"
        self.check_keys(data, TABLE_KEYS, record)
        title = self.text(data, "title", record, required=True)
        record = f"{record} ({title})"
        kind = self.text(data, "kind", record) or "controllable"
        if kind not in BudgetTable.Kind.values:
            self.fail(record, "kind", f"{kind!r} is not one of {', '.join(BudgetTable.Kind.values)}")
        multiplier = data.get("multiplier", 1)
        if not isinstance(multiplier, int) or multiplier <= 0:
            self.fail(record, "multiplier", "must be a positive whole number (1 for £, 1000 for £'000)")
        rounding = data.get("rounding", 0)
        if not isinstance(rounding, int) or rounding < 0 or rounding > 10:
            self.fail(record, "rounding", "must be a whole number of printed units from 0 to 10")
        table = BudgetTable.objects.create(
            plan=self.plan, title=title, kind=kind, unit=self.text(data, "unit", record, required=True),
            multiplier=multiplier, rounding=rounding, unit_note=self.text(data, "unit_note", record),
            notes=self.texts(data, "notes", record), order=order, **self.src(data, record),
        )
        if table.unit_note:
            self.discrepancy(f"Budget table: {title}", "unit", table.unit, table.unit, table.unit_note, table,
                             self.src(data, record))
        columns = []
        for j, col in enumerate(data.get("columns") or [], 1):
            crecord = f"{record}.columns[{j}]"
            self.check_keys(col, {"label", "role", "unit"}, crecord)
            role = self.text(col, "role", crecord, required=True)
            if role not in BudgetColumn.Role.values:
                self.fail(crecord, "role", f"{role!r} is not one of {', '.join(BudgetColumn.Role.values)}")
            unit = self.text(col, "unit", crecord) or BudgetColumn.Unit.POUNDS
            if unit not in BudgetColumn.Unit.values:
                self.fail(crecord, "unit", f"{unit!r} is not one of {', '.join(BudgetColumn.Unit.values)}")
            if unit != BudgetColumn.Unit.POUNDS and role != BudgetColumn.Role.OTHER:
                self.fail(crecord, "unit", "only an `other` column (not summed as money) may hold counts or years")
            columns.append(BudgetColumn(table=table, label=self.text(col, "label", crecord, required=True),
                                        role=role, unit=unit, order=j))
        if not columns:
            self.fail(record, "columns", "at least one column is required")
        BudgetColumn.objects.bulk_create(columns)
        rows: list[tuple[BudgetRow, list[BudgetCell]]] = []
        for j, item in enumerate(data.get("rows") or [], 1):
            rrecord = f"{record}.rows[{j}]"
            self.check_keys(item, ROW_KEYS, rrecord)
            division = self.text(item, "division", rrecord)
            rrecord = f"{rrecord} ({division or 'unlabelled'})"
            row_kind = self.text(item, "kind", rrecord) or "row"
            if row_kind not in BudgetRow.Kind.values:
                self.fail(rrecord, "kind", f"{row_kind!r} is not one of {', '.join(BudgetRow.Kind.values)}")
            cells_data = item.get("cells")
            if not isinstance(cells_data, list) or len(cells_data) != len(columns):
                found = len(cells_data) if isinstance(cells_data, list) else 0
                self.fail(rrecord, "cells", f"{found} cells for {len(columns)} columns")
            src = self.src(item, rrecord)
            row = BudgetRow.objects.create(table=table, division=division, group=self.text(item, "group", rrecord),
                                           kind=row_kind, note=self.text(item, "note", rrecord), order=j, **src)
            cells = []
            for col, cell in zip(columns, cells_data, strict=False):
                cells.append(self.budget_cell(row, col, cell, multiplier, f"{rrecord}.{col.label}", src))
            BudgetCell.objects.bulk_create(cells)
            for cell in cells:
                if cell.note:
                    self.discrepancy(f"{title}: {division or 'unlabelled row'}", cell.column.label, cell.printed,
                                     _fmt(cell.value), cell.note, row, src)
            rows.append((row, cells))
        self.report.add("budget rows", len(rows))
        self.reconcile(record, table, columns, rows)
        BudgetCell.objects.bulk_update([c for _, cells in rows for c in cells if c.reconciling_check],
                                       ["reconciling", "reconciling_check"])

    def budget_cell(self, row: BudgetRow, col: BudgetColumn, cell: Any, multiplier: int, record: str,
                    src: dict) -> BudgetCell:
        note = ""
        explicit = None
        rows_sum = None
        if isinstance(cell, dict):
            self.check_keys(cell, {"printed", "value", "note", "rows_sum", "reconciling"}, record)
            printed = "" if cell.get("printed") is None else str(cell["printed"])
            if cell.get("rows_sum") is not None:
                # A printed total that does not equal its rows: kept as printed; the fixture names what the
                # rows sum to (checked against them in reconcile) and why, in `note`.
                if row.kind == BudgetRow.Kind.ROW or cell.get("value") is not None or not cell.get("note"):
                    self.fail(record, "rows_sum", "rows_sum belongs to a total or subtotal cell, with a note "
                                                  "and no value (the printed figure is what is stored)")
                rows_sum = self.decimal(cell["rows_sum"], record, "rows_sum")
            if cell.get("value") is not None:
                try:
                    explicit = Decimal(str(cell["value"]))
                except Exception:
                    self.fail(record, "value", f"{cell['value']!r} is not a number")
            note = self.text(cell, "note", record)
        elif cell is None or isinstance(cell, (str, int, float)):
            printed = "" if cell is None else str(cell)
        else:
            self.fail(record, "", f"a cell is printed text or {{printed, value, note}}, not {type(cell).__name__}")
        parsed = parsing.parse_money(printed)
        if not parsed.ok and explicit is None:
            self.fail(record, "printed", f"{printed!r} is not a figure; give value and note if it is garbled")
        printed_value = None if parsed.value is None else parsed.value * multiplier
        value = printed_value if explicit is None else explicit * multiplier
        if value != printed_value and not note:
            self.fail(record, "note", "a value that differs from the printed figure needs a note with the arithmetic")
        if (isinstance(cell, dict) and explicit is None and note and rows_sum is None
                and cell.get("reconciling") is None):
            self.fail(record, "value", "a note without a value: give the repaired value (or drop the note)")
        if rows_sum is not None:
            made = BudgetCell(row=row, column=col, printed=printed, printed_value=printed_value, value=value)
            made.documented = (rows_sum * multiplier, note)  # read (and checked) by reconcile
            return made
        if isinstance(cell, dict) and cell.get("reconciling") is not None:
            # A row figure the document prints wrong (a sign missing), proved by the row's own figures: kept
            # as printed; the checks use what the row gives, shown beside the printed figure.
            if explicit is not None or not note or printed_value is None:
                self.fail(record, "reconciling", "reconciling needs a printed figure, a note with the arithmetic "
                                                 "and no value (the printed figure is what is stored)")
            made = BudgetCell(row=row, column=col, printed=printed, printed_value=printed_value, value=value,
                              reconciling=self.decimal(cell["reconciling"], record, "reconciling") * multiplier,
                              reconciling_check=BudgetCell.Check.ARITHMETIC)
            made.misprint_note = note
            return made
        return BudgetCell(row=row, column=col, printed=printed, printed_value=printed_value, value=value, note=note)

    def reconcile(self, record: str, table: BudgetTable, columns: list[BudgetColumn],
                  rows: list[tuple[BudgetRow, list[BudgetCell]]]) -> None:
        """Categories sum to gross; gross + income + grants = net; rows sum to subtotals and totals.

        A printed figure is never altered to make a check hold. A table printed in rounded figures may
        declare `rounding: N`: a difference of at most N printed units is then a recorded discrepancy.
        A printed total that is further out than that is an error, unless its cell names `rows_sum` (what
        the rows sum to) and a `note`: then it too is recorded. Either way the printed figure stays the
        stored one and the cell keeps, as `reconciling`, what its parts sum to."""
        roles = [c.role for c in columns]
        allowed = Decimal(table.rounding * table.multiplier)

        def check(where: str, fieldname: str, message: str, expected: Decimal, stated: BudgetCell | None,
                  kind: str, row: BudgetRow) -> None:
            stated_value = stated.checked_amount if stated is not None else Decimal(0)
            difference = stated_value - expected
            # rows_sum documents a total against its rows only; the row's own checks still hold exactly
            documented = getattr(stated, "documented", None) if kind == BudgetCell.Check.ROWS else None
            if documented is not None and documented[0] != expected:
                self.fail(where, fieldname, f"{message}; rows_sum {_fmt(documented[0])} does not match")
            if difference == 0:
                return
            srcs = {"src_start": row.src_start, "src_end": row.src_end}
            what = f"{table.title}: {row.division or 'unlabelled row'}"
            printed = stated.printed if stated is not None else ""
            if documented is not None:
                self.discrepancy(what, fieldname, printed, _fmt(stated_value),
                                 f"{message}; the printed figure is kept: {documented[1]}", row, srcs)
            elif abs(difference) <= allowed:
                self.discrepancy(what, fieldname, printed, _fmt(stated_value),
                                 f"{message}: rounding in the printed figures; kept as printed", row, srcs)
            else:
                self.fail(where, fieldname, message)
            if stated is not None:
                stated.reconciling, stated.reconciling_check = expected, kind

        def amount(cells: list[BudgetCell], role: str) -> Decimal | None:
            picked = [c.checked_amount for c, r in zip(cells, roles, strict=False) if r == role]
            return sum(picked, Decimal(0)) if picked else None

        for row, cells in rows:
            for cell in cells:
                if getattr(cell, "misprint_note", ""):
                    self.discrepancy(f"{table.title}: {row.division or 'unlabelled row'}", cell.column.label,
                                     cell.printed, _fmt(cell.value), f"{cell.misprint_note}; the printed figure is "
                                     f"kept, with what the row's own figures give ({_fmt(cell.reconciling)}) beside it",
                                     row, {"src_start": row.src_start, "src_end": row.src_end})

        def cell_of(cells: list[BudgetCell], role: str) -> BudgetCell | None:
            return next((c for c, r in zip(cells, roles, strict=False) if r == role), None)

        for row, cells in rows:
            where = f"{record}: row {row.division or 'unlabelled'!r} ({row.src_label})"
            gross, net = amount(cells, "gross"), amount(cells, "net")
            categories = amount(cells, "category")
            if categories is not None and gross is not None:
                check(where, "gross", f"cost categories sum to {_fmt(categories)} but gross is {_fmt(gross)} "
                                      f"(difference {_fmt(gross - categories)})", categories,
                      cell_of(cells, "gross"), BudgetCell.Check.CATEGORIES, row)
            if gross is not None and net is not None:
                income = amount(cells, "income") or Decimal(0)
                grants = amount(cells, "grants") or Decimal(0)
                check(where, "net", f"gross {_fmt(gross)} + income {_fmt(income)} + grants {_fmt(grants)} "
                                    f"= {_fmt(gross + income + grants)} but net is {_fmt(net)}",
                      gross + income + grants, cell_of(cells, "net"), BudgetCell.Check.NET, row)
        for position, (row, cells) in enumerate(rows):
            if row.kind == BudgetRow.Kind.ROW:
                continue
            # A total sums the plain rows printed above it; a subtotal, those of its group.
            plain = [(r, c) for r, c in rows[:position] if r.kind == BudgetRow.Kind.ROW]
            members = plain if row.kind == BudgetRow.Kind.TOTAL else [(r, c) for r, c in plain if r.group == row.group]
            if row.kind == BudgetRow.Kind.SUBTOTAL and not row.group:
                self.fail(f"{record}: row {row.division!r}", "group", "a subtotal row needs the group it totals")
            for k, col in enumerate(columns):
                stated = cells[k]
                if stated.value is None and not stated.printed:
                    continue  # nothing printed in this column of the total row
                total = sum((c[k].checked_amount for _, c in members), Decimal(0))
                check(f"{record}: {row.kind} row {row.division!r} ({row.src_label})", col.label,
                      f"the {len(members)} rows above sum to {_fmt(total)} but the {row.kind} is "
                      f"{_fmt(stated.value)} (difference {_fmt(stated.amount - total)})", total, stated,
                      BudgetCell.Check.ROWS, row)
        for _, cells in rows:
            for cell in cells:
                if getattr(cell, "documented", None) is not None and not cell.reconciling_check:
                    self.fail(record, "rows_sum", f"{cell.printed!r}: rows_sum given but the rows agree with "
                                                  "the printed total (drop rows_sum)")

    # -- deliverables ---------------------------------------------------------------------------------
    def dates(self, printed: str, record: str, fieldname: str, src: dict) -> tuple[dt.date | None, str]:
        parsed = parsing.parse_date(printed)
        if parsed.problem:
            self.discrepancy(record, fieldname, printed, "", parsed.problem, None, src)
        return parsed.date, parsed.precision

    def load_deliverables(self, items: list) -> set[str]:
        """Deliverables are read here and written, with the 2025-29 actions, by save_deliverables once all
        of them are known (they are matched to the stored rows all together: loader/matching.py)."""
        seen_refs: dict[str, str] = {}
        self.loaded_deliverables: list[tuple[Deliverable, bool]] = []  # (deliverable, keyed by position)
        tops: list[Deliverable] = []
        subs: list[Deliverable] = []
        order = 0

        def save(item: dict, record: str, parent: Deliverable | None, key: str, section: str, priority: str,
                 part_default: str = "", positional: bool = True) -> Deliverable:
            nonlocal order
            order += 1
            src = self.src(item, record)
            title = self.text(item, "title", record, required=True)
            start_printed, end_printed = self.text(item, "start", record), self.text(item, "end", record)
            start, start_precision = self.dates(start_printed, f"Deliverable {key}", "start", src)
            end, end_precision = self.dates(end_printed, f"Deliverable {key}", "end", src)
            flag = item.get("in_council_plan")
            if flag is not None and not isinstance(flag, bool):
                self.fail(record, "in_council_plan", "must be true, false or null")
            fields = dict(
                parent=parent, objective=None, refs=self.texts(item, "refs", record),
                number=self.text(item, "number", record), part=self.text(item, "part", record) or part_default,
                section=section,
                council_priority=self.text(item, "council_priority", record) or priority, title=title,
                lead=self.text(item, "lead", record), start_printed=start_printed, start=start,
                start_precision=start_precision, end_printed=end_printed, end=end, end_precision=end_precision,
                resources=self.texts(item, "resources", record),
                interdependencies=self.texts(item, "interdependencies", record),
                success_measures=self.texts(item, "success_measures", record),
                outcome=self.text(item, "outcome", record), in_council_plan=flag,
                notes=self.text(item, "notes", record), order=order, **src,
            )
            obj = Deliverable(plan=self.plan, key=key, **fields)
            self.loaded_deliverables.append((obj, positional))
            (subs if parent is not None else tops).append(obj)
            self.report.add("deliverables")
            return obj

        for i, item in enumerate(items, 1):
            record = f"deliverables[{i}]"
            self.check_keys(item, DELIVERABLE_KEYS, record)
            section = self.text(item, "section", record) or "council"
            if section not in {"council", "departmental"}:
                self.fail(record, "section", f"{section!r} is not council or departmental")
            refs = self.texts(item, "refs", record)
            number = self.text(item, "number", record)
            for ref in refs:
                if ref in seen_refs:
                    self.fail(record, "refs", f"{ref} is already used by {seen_refs[ref]} (refs are unique in a plan)")
                seen_refs[ref] = record
            part = self.text(item, "part", record)
            numbered = f"no-{part + ' ' if part else ''}{number}"
            key = " ".join(refs) or (numbered if number else f"{section}-{i}")
            if number and numbered in seen_refs:
                self.fail(record, "number", f"action {number} is already used by {seen_refs[numbered]} (numbers are "
                                            "unique within a plan, or within a `part` such as 'Public Health')")
            if number:
                seen_refs[numbered] = record
            record = f"{record} ({key})"
            parent = save(item, record, None, key, section, "", positional=not (refs or number))
            for j, sub in enumerate(item.get("sub_actions") or [], 1):
                srecord = f"{record}.sub_actions[{j}]"
                self.check_keys(sub, DELIVERABLE_KEYS - {"sub_actions"}, srecord)
                save(sub, srecord, parent, f"{key}.{j}", section, parent.council_priority, parent.part)
        self.tops, self.subs = tops, subs
        self.next_order = order
        return {r for r in seen_refs if not r.startswith("no-")} | {r[3:] for r in seen_refs if r.startswith("no-")}

    def load_outcomes(self, items: list) -> None:
        """The 2025-29 tree, updated in place: an outcome is matched by its number in the plan, an objective by
        its number in the plan (objective numbers run on across outcomes, and the action keys use them alone),
        an action by its key so<objective>-<position>. Outcomes and objectives the fixture no longer has are
        deleted only after their actions have been re-pointed or refused (refuse_dropped)."""
        order = self.next_order
        actions: list[Deliverable] = []
        outcomes = {o.number: o for o in Outcome.objects.filter(plan=self.plan)}
        objectives = {o.number: o for o in StrategicObjective.objects.filter(outcome__plan=self.plan)}
        kept_outcomes: dict[int, str] = {}
        kept_objectives: dict[int, str] = {}
        for i, item in enumerate(items, 1):
            record = f"outcomes[{i}]"
            self.check_keys(item, OUTCOME_KEYS, record)
            number = self.whole_number(item, "number", record)
            if number in kept_outcomes:
                self.fail(record, "number", f"outcome {number} is already used by {kept_outcomes[number]}")
            kept_outcomes[number] = record
            outcome = outcomes.get(number) or Outcome(plan=self.plan, number=number)
            outcome.title = self.text(item, "title", record, required=True)
            for name, value in self.src(item, record).items():
                setattr(outcome, name, value)
            outcome.save()
            self.report.add("outcomes")
            for j, obj_data in enumerate(item.get("objectives") or [], 1):
                orecord = f"{record}.objectives[{j}]"
                self.check_keys(obj_data, OBJECTIVE_KEYS, orecord)
                onumber = self.whole_number(obj_data, "number", orecord)
                if onumber in kept_objectives:
                    self.fail(orecord, "number", f"objective {onumber} is already used by {kept_objectives[onumber]} "
                                                 "(objective numbers are unique within a plan)")
                kept_objectives[onumber] = orecord
                objective = objectives.get(onumber) or StrategicObjective(number=onumber)
                fields = dict(
                    outcome=outcome, title=self.text(obj_data, "title", orecord, required=True),
                    lead_directors=self.texts(obj_data, "lead_directors", orecord),
                    supporting_departments=self.texts(obj_data, "supporting_departments", orecord),
                    dates_printed=self.text(obj_data, "dates", orecord), **self.src(obj_data, orecord),
                )
                for name, value in fields.items():
                    setattr(objective, name, value)
                objective.save()
                self.report.add("objectives")
                for k, action in enumerate(obj_data.get("actions") or [], 1):
                    arecord = f"{orecord}.actions[{k}]"
                    self.check_keys(action, ACTION_KEYS, arecord)
                    src = self.src(action, arecord)
                    key = f"so{objective.number}-{k}"
                    end_printed = self.text(action, "end", arecord)
                    end, end_precision = self.dates(end_printed, f"Action {key}", "end", src)
                    order += 1
                    title = self.text(action, "title", arecord, required=True)
                    fields = dict(
                        parent=None, objective=objective, refs=[], number=f"{objective.number}.{k}",
                        section=Deliverable.Section.OBJECTIVE, council_priority=outcome.title, title=title,
                        lead=self.text(action, "lead", arecord), start_printed="", start=None, start_precision="",
                        end_printed=end_printed, end=end, end_precision=end_precision,
                        supporting_departments=self.texts(action, "supporting_departments", arecord),
                        support_required=self.texts(action, "support_required", arecord),
                        timescale=self.text(action, "timescale", arecord),
                        success_measures=self.texts(action, "success_measures", arecord),
                        key_risks=self.texts(action, "key_risks", arecord),
                        notes=self.text(action, "notes", arecord), order=order, **src,
                    )
                    obj = Deliverable(plan=self.plan, key=key, **fields)
                    self.loaded_deliverables.append((obj, True))
                    actions.append(obj)
                    self.report.add("deliverables")
        self.save_deliverables(actions)
        # Their actions are re-pointed or deleted by save_deliverables, so these cascade to nothing entered.
        StrategicObjective.objects.filter(outcome__plan=self.plan).exclude(number__in=kept_objectives).delete()
        Outcome.objects.filter(plan=self.plan).exclude(number__in=kept_outcomes).delete()

    def whole_number(self, data: dict, key: str, record: str) -> int:
        value = self.require(data, key, record)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(record, key, f"{value!r} is not a whole number")
        return value

    def save_deliverables(self, actions: list[Deliverable]) -> None:
        """Write every deliverable of the plan: each matched to the stored row it is (loader/matching.py) and
        updated in place, so progress updates stay on it; the rest inserted; stored rows the fixture no
        longer has deleted, or the load refused if one carries progress updates. About six statements."""
        stored = list(Deliverable.objects.filter(plan=self.plan))
        updates = {row["deliverable_id"]: row for row in DeliverableUpdate.objects.filter(deliverable__plan=self.plan)
                   .values("deliverable_id").annotate(entries=models.Count("pk"), newest=models.Max("as_of"))}
        matched = deliverables_match(stored=stored, loaded=self.loaded_deliverables)
        for row in sorted(matched.dropped, key=lambda r: r.order):
            if row.pk in updates:
                self.refuse_dropped("deliverables", row, updates[row.pk]["entries"], updates[row.pk]["newest"],
                                    "progress updates", f"its key ({row.key}: refs or number), or for a row "
                                    "without them its title or its place")
        for row, title in matched.retitled:
            if row.pk in updates:
                # Keyed by position (no refs or number): a corrected title, or another row in its place.
                self.report.notices.append(
                    f"{self.file}: deliverable {row.key} has progress updates and its title changed from "
                    f"{row.title[:80]!r} to {title[:80]!r}: check that its updates still describe it")
        # Keys are unique in a plan: move the keys that change or go out of the way before writing the new ones.
        moving = matched.rekeyed + [row.pk for row in matched.dropped]
        if moving:
            Deliverable.objects.filter(pk__in=moving).update(
                key=Concat(models.Value("~"), Cast("id", output_field=models.CharField())))
        self.save_all(Deliverable, self.tops)
        for sub in self.subs:
            sub.parent = sub.parent  # re-point parent_id at the now-saved parent
        self.save_all(Deliverable, self.subs)
        self.save_all(Deliverable, actions)
        Deliverable.objects.filter(pk__in=[row.pk for row in matched.dropped]).delete()

    def refuse_dropped(self, section: str, found: models.Model, entries: int, newest: Any, what: str,
                       identity: str) -> None:
        """A record the fixture no longer has, carrying entries made in the product, is neither deleted (the
        entries are the only copy of a lead's work) nor kept behind the fixture's back (a plan page would then
        show a record its document does not print, with nothing saying why). The load is refused, writing
        nothing, and the message names the record and what hangs off it, so whoever edited the fixture decides:
        put the record back, or, if it was only edited, keep what identifies it."""
        when = f", newest {newest}" if newest else ""
        self.fail(section, found.key, (
            f"{found} is no longer in the fixture but carries {entries} {what} entered in the product{when}. "
            "Nothing was written: put it back (a load never deletes entries); if it was only edited, keep "
            f"{identity}"))

    # -- KPIs -----------------------------------------------------------------------------------------
    def load_kpis(self, items: list, refs: set[str]) -> None:
        """KPIs are matched by key (entries made later hang off them) and written in bulk."""
        existing = {k.key: k for k in Kpi.objects.filter(plan=self.plan)}
        self.doubt_decisions = doubt_decisions(plan_slug=self.plan.slug)
        prefix = f"{self.plan.slug}-"
        measures = {m.key: m for m in Measure.objects.filter(department=self.plan.department, key__startswith=prefix)}
        kpis: list[Kpi] = []
        values: list[KpiValue] = []
        for i, item in enumerate(items, 1):
            record = f"kpis[{i}]"
            self.check_keys(item, KPI_KEYS, record)
            key = self.text(item, "key", record, required=True)
            record = f"{record} ({key})"
            if any(k.key == key for k in kpis):
                self.fail(record, "key", "is used by another KPI of this plan")
            unit = self.text(item, "unit", record, required=True)
            if unit not in Kpi.Unit.values:
                self.fail(record, "unit", f"{unit!r} is not one of {', '.join(Kpi.Unit.values)}")
            hib = item.get("higher_is_better")
            if hib is not None and not isinstance(hib, bool):
                self.fail(record, "higher_is_better", "must be true, false or null")
            links = self.texts(item, "links", record)
            for link in links:
                if link not in refs:
                    self.fail(record, "links", f"{link} is not a deliverable ref or number in this plan")
            src = self.src(item, record)
            description = self.text(item, "description", record, required=True)
            measure_key = f"{prefix}{key}"[:120]
            if measure_key not in measures:
                measures[measure_key] = Measure(department=self.plan.department, key=measure_key, title=description)
            kpi = existing.get(key) or Kpi(plan=self.plan, key=key)
            fields = dict(
                measure=measures[measure_key], description=description, unit=unit,
                unit_note=self.text(item, "unit_note", record), higher_is_better=hib,
                responsible=self.text(item, "responsible", record), section=self.text(item, "section", record),
                group=self.text(item, "group", record), links=links, footnotes=self.texts(item, "footnotes", record),
                tolerance=(None if item.get("tolerance") is None
                           else self.decimal(item["tolerance"], record, "tolerance")),
                order=i, **src,
            )
            for name, value in fields.items():
                setattr(kpi, name, value)
            kpis.append(kpi)
            if not isinstance(item.get("values", []), list):
                self.fail(record, "values", "must be a list")
            for j, value in enumerate(item.get("values") or [], 1):
                values.append(self.kpi_value(kpi, value, f"{record}.values[{j}]", j, src))
        Measure.objects.bulk_create([m for m in measures.values() if m.pk is None])
        for kpi in kpis:
            kpi.measure = kpi.measure  # re-point measure_id at the now-saved measure
        self.save_all(Kpi, kpis)
        dropped = Kpi.objects.filter(plan=self.plan).exclude(pk__in=[k.pk for k in kpis])
        entered = models.Count("values", filter=models.Q(values__source="entry"), distinct=True)
        found = (dropped.annotate(entries=entered + models.Count("benchmarks", distinct=True))
                 .filter(entries__gt=0).order_by("order").first())
        if found is not None:
            self.refuse_dropped("kpis", found, found.entries, None, "entered values and benchmarks",
                                f"its key ({found.key})")
        dropped.delete()
        for value in values:
            value.kpi = value.kpi
        KpiValue.objects.bulk_create(values)
        self.report.add("kpis", len(kpis))
        self.report.add("kpi values", len(values))

    @staticmethod
    def save_all(model: type[models.Model], objs: list) -> None:
        """Insert the new objects and update the existing ones, two statements in all."""
        new = [o for o in objs if o.pk is None]
        old = [o for o in objs if o.pk is not None]
        model.objects.bulk_create(new)
        if old:
            # `key` too: a deliverable keyed by position keeps its row under its new key (loader/matching.py).
            fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "plan"]
            model.objects.bulk_update(old, fields)

    def kpi_value(self, kpi: Kpi, data: dict, record: str, order: int, kpi_src: dict) -> KpiValue:
        self.check_keys(data, VALUE_KEYS, record)
        kind = self.text(data, "kind", record, required=True)
        if kind not in KpiValue.Kind.values:
            self.fail(record, "kind", f"{kind!r} is not one of {', '.join(KpiValue.Kind.values)}")
        try:
            year = parsing.fy_start(self.text(data, "year", record, required=True))
        except ValueError as exc:
            self.fail(record, "year", str(exc))
        record = f"{record} ({kind} {parsing.fy_label(year)})"
        if "printed" not in data:
            self.fail(record, "printed", "is required (use \"\" for an empty cell)")
        printed = "" if data["printed"] is None else str(data["printed"])
        src = self.src(data, record, required=False) if data.get("src") else kpi_src
        parsed = parsing.parse_value(printed)
        obj = KpiValue(kpi=kpi, year=year, kind=kind, printed=printed, column=self.text(data, "column", record),
                       order=order, value=parsed.value, unit=parsed.unit, as_at=parsed.as_at,
                       as_at_precision=parsed.as_at_precision, provisional=parsed.provisional,
                       status=parsed.status, note=parsed.note, footnote=parsed.footnote, **src)
        qualitative = data.get("qualitative") is True
        if kind == KpiValue.Kind.TARGET:
            spec = parsing.parse_target(printed)
            if data.get("target") is not None:
                spec = self.explicit_target(data["target"], record)
            if spec is None:
                if not qualitative:
                    self.fail(record, "target", f"target {printed!r} is not understood: give target: {{kind: ...}} "
                                                "(see fixtures/README.md) or qualitative: true")
                spec = parsing.TargetSpec("none", reason="text")
            obj.target_kind, obj.comparator, obj.direction = spec.kind, spec.comparator, spec.direction
            obj.target_value, obj.target_low, obj.target_high = spec.value, spec.low, spec.high
            obj.benchmark, obj.maintain, obj.target_reason = spec.benchmark, spec.maintain, spec.reason
            if spec.kind == "rag":
                obj.status, obj.note = KpiValue.Status.RAG, parsing.clean(printed)
            # A target row's `value` is the single figure aimed at, when there is one.
            obj.value = spec.value if spec.kind in {"number", "comparator"} else None
            obj.note = ""
            if spec.kind not in {"number", "comparator"}:
                obj.status = KpiValue.Status.TEXT if spec.kind != "none" else parsed.status
        elif not parsed.ok and not qualitative and not any(k in data for k in ("value", "status")):
            self.fail(record, "printed", f"{printed!r} is not understood: give value/as_at/status explicitly "
                                         "or qualitative: true")
        if qualitative and kind != KpiValue.Kind.TARGET:
            obj.status, obj.value, obj.note = KpiValue.Status.TEXT, None, parsing.clean(printed)
        if "value" in data:
            raw = data["value"]
            try:
                obj.value = None if raw is None else Decimal(str(raw))
            except Exception:
                self.fail(record, "value", f"{raw!r} is not a number")
            if obj.value is not None and obj.status not in ("",):
                obj.status = ""
        if "as_at" in data:
            obj.as_at, obj.as_at_precision = self.as_at(data["as_at"], record)
        if "provisional" in data:
            if not isinstance(data["provisional"], bool):
                self.fail(record, "provisional", "must be true or false")
            obj.provisional = data["provisional"]
        if "status" in data:
            status = self.text(data, "status", record)
            if status == "none":
                status = KpiValue.Status.NONE
            if status not in KpiValue.Status.values:
                allowed = ", ".join(v for v in KpiValue.Status.values if v)
                self.fail(record, "status", f"{status!r} is not one of {allowed}")
            obj.status = status
        if "note" in data:
            obj.note = self.text(data, "note", record)
        obj.doubtful = self.text(data, "doubtful", record)
        # An administrator's later mark or clear (kpis.models.DoubtDecision) outlives the reload.
        decision = self.doubt_decisions.get((kpi.key, year, kind, printed))
        if decision is not None:
            obj.doubtful = decision.reason if decision.doubtful else ""
        return obj

    def as_at(self, raw: Any, record: str) -> tuple[dt.date | None, str]:
        if raw in (None, ""):
            return None, ""
        text = str(raw)
        try:
            if len(text) == 7:
                return dt.date.fromisoformat(text + "-01"), "month"
            return dt.date.fromisoformat(text), "day"
        except ValueError:
            self.fail(record, "as_at", f"{text!r} is not YYYY-MM or YYYY-MM-DD")

    def explicit_target(self, data: Any, record: str) -> parsing.TargetSpec:
        self.check_keys(data, TARGET_KEYS, f"{record}.target")
        kind = self.text(data, "kind", f"{record}.target", required=True)
        if kind not in KpiValue.TargetKind.values:
            self.fail(record, "target.kind", f"{kind!r} is not one of {', '.join(KpiValue.TargetKind.values)}")

        def num(key: str) -> Decimal | None:
            if data.get(key) is None:
                return None
            try:
                return Decimal(str(data[key]))
            except Exception:
                self.fail(record, f"target.{key}", f"{data[key]!r} is not a number")

        comparator = self.text(data, "comparator", record)
        if comparator and comparator not in {"lt", "le", "gt", "ge", "eq"}:
            self.fail(record, "target.comparator", f"{comparator!r} is not lt, le, gt, ge or eq")
        return parsing.TargetSpec(
            kind, comparator=comparator, value=num("value"), low=num("low"), high=num("high"),
            direction=self.text(data, "direction", record), benchmark=self.text(data, "benchmark", record),
            maintain=bool(data.get("maintain")), reason="text" if kind == "none" else "",
        )

    # -- procurement ----------------------------------------------------------------------------------
    def load_procurement(self, tables: list) -> None:
        order = 0
        for i, item in enumerate(tables, 1):
            record = f"procurement[{i}]"
            self.check_keys(item, PROCUREMENT_TABLE_KEYS, record)
            title = self.text(item, "table", record, required=True)
            record = f"{record} ({title})"
            printed_total = self.text(item, "printed_total", record)
            src = self.src(item, record)
            table = ProcurementTable.objects.create(
                plan=self.plan, title=title, band=self.text(item, "band", record), printed_total=printed_total,
                total=self.money(printed_total, record, "printed_total"), notes=self.texts(item, "notes", record),
                order=i, **src,
            )
            entries = []
            for j, row in enumerate(item.get("rows") or [], 1):
                rrecord = f"{record}.rows[{j}]"
                self.check_keys(row, PROCUREMENT_ROW_KEYS, rrecord)
                name = self.text(row, "title", rrecord, required=True)
                rrecord = f"{rrecord} ({name})"
                rsrc = self.src(row, rrecord)
                value_printed = self.text(row, "value", rrecord)
                money = parsing.parse_money(value_printed)
                if not money.ok:
                    self.fail(rrecord, "value", f"{value_printed!r} is not a sum of money this loader can read")
                fields: dict[str, Any] = {}
                for fieldname in ("procurement_start", "advert", "contract_start"):
                    printed = self.text(row, fieldname, rrecord)
                    parsed = parsing.parse_date(printed)
                    fields[f"{fieldname}_printed"] = printed
                    fields[fieldname] = parsed.date
                    fields[f"{fieldname}_problem"] = parsed.problem
                    if parsed.problem:
                        self.discrepancy(f"Procurement: {name}", fieldname.replace("_", " "), printed, "",
                                         parsed.problem, None, rsrc)
                length = self.text(row, "length", rrecord)
                statutory = self.text(row, "statutory", rrecord)
                order += 1
                entries.append(ProcurementEntry(
                    table=table, plan=self.plan, group=self.text(row, "group", rrecord),
                    subgroup=self.text(row, "subgroup", rrecord), title=name, value_printed=value_printed,
                    value=money.value, value_status=money.status, length_printed=length,
                    length_months=parsing.parse_months(length), statutory_printed=statutory,
                    statutory=parsing.parse_flag(statutory), notes=self.text(row, "notes", rrecord), order=order,
                    **fields, **rsrc,
                ))
            ProcurementEntry.objects.bulk_create(entries)
            self.report.add("procurement entries", len(entries))
            if table.total is not None:
                rows_sum = sum((e.value or Decimal(0) for e in entries), Decimal(0))
                if rows_sum != table.total:
                    note = self.text(item, "total_note", record)
                    if not note:
                        self.fail(record, "printed_total", f"rows sum to {_fmt(rows_sum)} but the printed total is "
                                                           f"{_fmt(table.total)}: check the rows, or give total_note "
                                                           "with the arithmetic if the document is wrong")
                    self.discrepancy(f"Procurement table: {title}", "total", printed_total, _fmt(rows_sum), note,
                                     table, src)
        ProcurementTable.objects.filter(plan=self.plan).summarise()

    # -- risks ----------------------------------------------------------------------------------------
    def load_risks(self, items: list) -> None:
        objs = []
        for i, item in enumerate(items, 1):
            record = f"risks[{i}]"
            self.check_keys(item, RISK_KEYS, record)
            objs.append(Risk(
                plan=self.plan, description=self.text(item, "description", record, required=True),
                refs=self.texts(item, "refs", record), type=self.text(item, "type", record),
                mitigation_intro=self.text(item, "mitigation_intro", record),
                mitigations=self.texts(item, "mitigations", record), owner=self.text(item, "owner", record),
                council_priority=self.text(item, "council_priority", record),
                section=self.text(item, "section", record), order=i, **self.src(item, record),
            ))
        Risk.objects.bulk_create(objs)
        self.report.add("risks", len(objs))


def measures_apply(*, path: Path, report: LoadReport, strict: bool) -> None:
    """Join KPI rows of different plans into one measure, as fixtures/measures.yaml says.
    With `strict` (a full load), every member must name a loaded plan and one of its KPIs."""
    file = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise FixtureError(file, "YAML", "", f"not valid YAML: {exc}") from exc
    items = data.get("measures") or []
    members = {(str(m.get("plan")), str(m.get("kpi"))) for item in items if isinstance(item, dict)
               for m in item.get("members") or [] if isinstance(m, dict)}
    loaded = {(k.plan.slug, k.key): k for k in Kpi.objects.select_related("plan").filter(
        plan__slug__in={plan for plan, _ in members})}
    loaded_plans = {plan for plan, _ in loaded}
    seen: set[str] = set()
    for i, item in enumerate(items, 1):
        record = f"measures[{i}]"
        if not isinstance(item, dict) or set(item) - MEASURE_KEYS:
            raise FixtureError(file, record, "", f"a measure has only {', '.join(sorted(MEASURE_KEYS))}")
        key = str(item.get("key") or "")
        if not key or key in seen:
            raise FixtureError(file, record, "key", "is required and must be unique")
        seen.add(key)
        kpis = []
        for j, member in enumerate(item.get("members") or [], 1):
            mrecord = f"{record} ({key}).members[{j}]"
            if not isinstance(member, dict) or set(member) != {"plan", "kpi"}:
                raise FixtureError(file, mrecord, "", "a member is {plan: <slug>, kpi: <key>}")
            kpi = loaded.get((str(member["plan"]), str(member["kpi"])))
            if kpi is None:
                if strict or member["plan"] in loaded_plans or Plan.objects.filter(slug=member["plan"]).exists():
                    raise FixtureError(file, mrecord, "kpi", f"no KPI {member['kpi']!r} in plan {member['plan']!r}")
                continue
            kpis.append(kpi)
        if not kpis:
            continue
        departments = {k.plan.department_id for k in kpis}
        if len(departments) > 1:
            raise FixtureError(file, f"{record} ({key})", "members", "members come from different departments")
        measure, _ = Measure.objects.update_or_create(
            department_id=departments.pop(), key=key,
            defaults={"title": str(item.get("title") or kpis[-1].description), "why": str(item.get("why") or "")},
        )
        Kpi.objects.filter(pk__in=[k.pk for k in kpis]).update(measure=measure)
        report.add("joined measures")
    Measure.objects.filter(kpis__isnull=True).delete()


def fixture_paths(directory: Path | None = None) -> list[Path]:
    directory = directory or settings.FIXTURES_DIR
    return sorted(p for p in directory.glob("*.yaml") if p.name != MEASURES_FILE)


@transaction.atomic
def plans_load(*, paths: Iterable[Path] | None = None, dry_run: bool = False) -> LoadReport:
    """Load the given plan files (all of fixtures/ by default) and apply measures.yaml, atomically.
    A full load records its fingerprint (loader.fingerprint), which plans_load_if_changed compares."""
    report = LoadReport()
    if Council.objects.filter(is_synthetic=True).exists():  # never real plans beside the scale benchmark's data
        from django.db import connection

        raise FixtureError(f"database {connection.settings_dict['NAME']}", "", "", (
            "it holds synthetic benchmark councils (manage.py generate_scale). Real plans are never loaded beside "
            "synthetic data: load them into a database without it (the default, LOCAL_DATABASE_NAME unset)"))
    paths = list(paths) if paths is not None else fixture_paths()
    full = paths == fixture_paths()
    fingerprint = fixtures_fingerprint() if full else ""  # read before loading: a file saved meanwhile reloads
    slugs: dict[str, str] = {}
    for path in paths:
        plan = PlanLoader(path, report).load()
        if plan.slug in slugs:
            raise FixtureError(path.name, "plan", "slug", f"{plan.slug!r} is also the slug in {slugs[plan.slug]}")
        slugs[plan.slug] = path.name
    measures = (paths[0].parent if paths else settings.FIXTURES_DIR) / MEASURES_FILE
    if measures.exists():
        measures_apply(path=measures, report=report, strict=full)
    else:
        Measure.objects.filter(kpis__isnull=True).delete()
    from kpis.services import kpis_assess

    kpis_assess(kpis=Kpi.objects.filter(plan__slug__in=slugs))
    if full:
        fingerprint_record(fingerprint=fingerprint, plans=list(slugs))
    else:
        fingerprint_forget()
    if dry_run:
        transaction.set_rollback(True)
    return report


def plans_load_if_changed(*, force: bool = False) -> tuple[LoadReport | None, str]:
    """Load every fixture unless the last full load read exactly what is there now (same fixture bytes, source
    documents, loader code and migrations, and its plans still in the database); `force` loads regardless.
    Returns (the report, or None when skipped; the fingerprint). A skipped load writes nothing, so cached
    pages (DataVersion) stay valid."""
    fingerprint = fixtures_fingerprint()
    if not force and fingerprint_matches(fingerprint):
        return None, fingerprint
    return plans_load(), fingerprint
