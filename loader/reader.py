"""The state of one plan file's load, shared by the section readers (loader/plans.py, deliverables.py, budgets.py,
kpis.py, procurement.py), and the field checks they all use. Every check raises FixtureError naming the file,
the record and the field; nothing here writes a section."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import models

from loader.schema import FixtureError, LoadReport
from plans import parsing
from plans.models import Deliverable, Discrepancy, Plan


def fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,}"


class Keyed(Protocol):
    """A stored record the fixture names by key (a KPI, a deliverable)."""

    @property
    def key(self) -> str: ...


class FixtureReader:
    """One plan file being loaded: the plan written so far, the report, and the checks every section uses."""

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
        # Set by load_deliverables for load_outcomes and save_deliverables, which write them all together.
        self.loaded_deliverables: list[tuple[Deliverable, bool]] = []  # (deliverable, keyed by position)
        self.tops: list[Deliverable] = []
        self.subs: list[Deliverable] = []
        self.next_order = 0

    # -- checks --------------------------------------------------------------------------------
    def fail(self, record: str, fieldname: str, message: str) -> NoReturn:
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

    def discrepancy(
        self,
        record: str,
        fieldname: str,
        printed: str,
        stored: str,
        note: str,
        obj: models.Model | None = None,
        src: dict | None = None,
    ) -> None:
        Discrepancy.objects.create(
            plan=self.plan,
            record=record[:300],
            field=fieldname,
            printed=printed,
            stored=stored,
            note=note,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=obj.pk if obj is not None else None,
            **(src or {}),
        )
        self.report.add("discrepancies")

    def decimal(self, raw: Any, record: str, fieldname: str) -> Decimal:
        if isinstance(raw, bool):
            self.fail(record, fieldname, f"{raw!r} is not a number")
        try:
            return Decimal(str(raw))
        except Exception:
            self.fail(record, fieldname, f"{raw!r} is not a number")

    def first_number(self, text: str, record: str, fieldname: str) -> Decimal | None:
        if not text:
            return None
        m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
        if not m:
            self.fail(record, fieldname, f"{text!r} holds no number")
        return Decimal(m.group(0).replace(",", ""))

    def money(self, printed: str, record: str, fieldname: str, allow_blank: bool = True) -> Decimal | None:
        parsed = parsing.parse_money(printed)
        if not parsed.ok:
            self.fail(record, fieldname, f"{printed!r} is not a sum of money this loader can read")
        if parsed.value is None and not allow_blank:
            self.fail(record, fieldname, f"{printed!r}: an amount is required")
        return parsed.value

    def whole_number(self, data: dict, key: str, record: str) -> int:
        value = self.require(data, key, record)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(record, key, f"{value!r} is not a whole number")
        return value

    def refuse_dropped(self, section: str, found: Keyed, entries: int, newest: Any, what: str, identity: str) -> None:
        """A record the fixture no longer has, carrying entries made in the product, is neither deleted (the
        entries are the only copy of a lead's work) nor kept behind the fixture's back (a plan page would then
        show a record its document does not print, with nothing saying why). The load is refused, writing
        nothing, and the message names the record and what hangs off it, so whoever edited the fixture decides:
        put the record back, or, if it was only edited, keep what identifies it."""
        when = f", newest {newest}" if newest else ""
        self.fail(
            section,
            found.key,
            (
                f"{found} is no longer in the fixture but carries {entries} {what} entered in the product{when}. "
                "Nothing was written: put it back (a load never deletes entries); if it was only edited, keep "
                f"{identity}"
            ),
        )

    @staticmethod
    def save_all(model: type[models.Model], objs: list) -> None:
        """Insert the new objects and update the existing ones, two statements in all."""
        new = [o for o in objs if o.pk is None]
        old = [o for o in objs if o.pk is not None]
        model._default_manager.bulk_create(new)  # the default manager: `objects` on every model loaded
        if old:
            # `key` too: a deliverable keyed by position keeps its row under its new key (loader/matching.py).
            fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "plan"]
            model._default_manager.bulk_update(old, fields)
