"""The COPY machinery of the synthetic installation (perf/synthetic.py): rows rendered in PostgreSQL's COPY text
format per model, a thread writing one council's rows while the next is generated, KPI values derived by the real
loader's own code, and the writes' locking, id reservation and foreign-key checks."""

from __future__ import annotations

import datetime as dt
import queue
import threading
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from django.db import DatabaseError, connection, models, transaction
from django.db.backends.utils import CursorWrapper

from budgets.models import BudgetCell, BudgetColumn, BudgetHeadline, BudgetRow, BudgetTable, Saving, ServicePressure
from kpis.models import ApprovalEvent, Benchmark, Kpi, KpiValue, Measure, Reminder
from loader.services import LoadReport, PlanLoader
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

SYNTHETIC_DOCUMENT = "Synthetic benchmark data"
SYNTHETIC_SRC = 0  # a line number no real document has (real lines start at 1)
PLAN_CONTENT = [  # every table whose rows belong to a plan; emptied wholesale by --replace (all plans synthetic)
    ApprovalEvent,  # none written: the sign-off steps of entries (kpis/signoff.py), emptied with their values
    Reminder,  # none written: reminders sent about the plans' KPIs (kpis/reminder_log.py), emptied with them
    KpiValue,
    Benchmark,
    Kpi,
    Measure,
    DeliverableUpdate,
    Deliverable,
    StrategicObjective,
    Outcome,
    Statement,
    Division,
    Workforce,
    Risk,
    Discrepancy,
    BudgetCell,
    BudgetRow,
    BudgetColumn,
    BudgetTable,
    BudgetHeadline,
    ServicePressure,
    Saving,
    ProcurementEntry,
    ProcurementTable,
    Plan,
]
WRITTEN = [Council, Department] + PLAN_CONTENT
_Batch = tuple[str, list[str]]  # a COPY statement and its rows in COPY text format


def _text(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, (list, tuple)):
        items = ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        return _text("{" + items + "}")
    return str(value)


def _column(field: models.Field) -> str:
    """A concrete field's column: Django calls a field concrete exactly when it has one."""
    if field.column is None:
        raise TypeError(f"{field} has no column: not a concrete field")
    return field.column


class _Table:
    """Rows for one model, written with COPY. Ids are handed out here from a range reserved under a lock."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if not f.generated]  # PostgreSQL writes generated ones
        self.columns = [_column(f) for f in fields]
        self.position = {f.attname: i for i, f in enumerate(fields)}
        defaults = {f.attname: (None if f.primary_key else f.get_default()) for f in fields}
        for name in ("src_start", "src_end"):
            if name in defaults:
                defaults[name] = SYNTHETIC_SRC
        # Columns not given take their model default, rendered once.
        self.default_texts = [_text(defaults[f.attname]) for f in fields]
        self.lines: list[str] = []
        self.next_id = self.first_id = 0
        self.written = 0

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        texts = self.default_texts.copy()
        position = self.position
        texts[position["id"]] = str(pk)
        for name, value in values.items():
            texts[position[name]] = _text(value)
        self.lines.append("\t".join(texts))
        return pk

    def take(self) -> _Batch | None:
        """The COPY statement and the rows added since the last take, handed to the writer."""
        if not self.lines:
            return None
        quote = connection.ops.quote_name
        sql = f"COPY {quote(self.model._meta.db_table)} ({', '.join(quote(c) for c in self.columns)}) FROM STDIN"
        lines, self.lines = self.lines, []
        self.written += len(lines)
        return sql, lines


class _CopyThread(threading.Thread):
    """Runs the COPYs of one council on the connection while the next council is being generated, so that the
    server's work (indexes, full-text vectors) overlaps Python's. The main thread does not touch the database
    until finish()."""

    def __init__(self, raw_connection: psycopg.Connection) -> None:
        super().__init__(name="synthetic-copy", daemon=True)
        self.raw = raw_connection
        self.batches: queue.Queue[list[_Batch] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.raw.cursor() as cursor:
                    for sql, lines in batch:
                        with cursor.copy(sql) as copy:
                            for i in range(0, len(lines), 20000):
                                copy.write(("\n".join(lines[i : i + 20000]) + "\n").encode())
            except BaseException as exc:  # handed to the main thread, which rolls back
                self.error = exc

    def put(self, batch: list[_Batch]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def finish(self) -> None:
        self.batches.put(None)
        self.join()
        if self.error is not None:
            raise self.error


class _Values(_Table):
    """KPI values: the hot path (millions of rows). Each (kind, printed) pair goes through the real loader's
    `kpi_value` once; its derived columns are kept as a ready-made piece of the COPY line."""

    DERIVED = [
        "printed",
        "value",
        "unit",
        "as_at",
        "as_at_precision",
        "provisional",
        "status",
        "note",
        "footnote",
        "target_kind",
        "comparator",
        "target_value",
        "target_low",
        "target_high",
        "direction",
        "benchmark",
        "maintain",
        "target_reason",
    ]

    def __init__(self) -> None:
        super().__init__(KpiValue)
        self.loader = PlanLoader(Path("synthetic"), LoadReport())
        self.kpi = Kpi(key="synthetic")
        self.cache: dict[tuple[str, str], tuple[str, KpiValue]] = {}
        fixed = {
            "column": "",
            "source": "document",
            "commentary": "",
            "action": "",
            "action_owner": "",
            "action_due": None,
            "entered_by_id": None,
            "entered_at": None,
            "previous_printed": "",
            "previous_by": "",
            "doubtful": "",
            "approval": "approved",  # the documents' figures need no sign-off (kpis/signoff.py)
            "decided_by_id": None,
            "decided_at": None,
            "return_reason": "",
            "period": "",  # whole-year figures, as the documents print
            "tolerance": None,
            "src_start": SYNTHETIC_SRC,
            "src_end": SYNTHETIC_SRC,
        }
        self.head = ["id", "kpi_id", "year", "kind"]
        self.tail = ["order"] + list(fixed)
        self.fixed_text = "\t".join(_text(v) for v in fixed.values())
        assert set(self.head + self.DERIVED + self.tail) == set(self.position)
        by_field = self.columns  # the model's columns, in the order of self.position
        self.columns = [by_field[self.position[a]] for a in self.head + self.DERIVED + self.tail]

    def parsed(self, kind: str, printed: str, year: int) -> _Assessed:
        """The value as the loader builds it, for `year`, holding what the assessment reads."""
        return _Assessed(self._derived(kind, printed)[1], year)

    def _derived(self, kind: str, printed: str) -> tuple[str, KpiValue]:
        hit = self.cache.get((kind, printed))
        if hit is None:
            obj = self.loader.kpi_value(
                self.kpi, {"year": "2020-21", "kind": kind, "printed": printed}, "synthetic", 1, {}
            )
            hit = ("\t".join(_text(getattr(obj, a)) for a in self.DERIVED), obj)
            self.cache[(kind, printed)] = hit
        return hit

    def add_value(self, kpi_id: int, year: int, kind: str, printed: str, order: int) -> int:
        pk = self.next_id
        self.next_id += 1
        self.lines.append(
            f"{pk}\t{kpi_id}\t{year}\t{kind}\t{self._derived(kind, printed)[0]}\t{order}\t{self.fixed_text}"
        )
        return pk


# The parsers are pure functions of the printed text: each distinct text is parsed once.
_parse_date = lru_cache(maxsize=None)(parsing.parse_date)
_parse_money = lru_cache(maxsize=None)(parsing.parse_money)
_parse_months = lru_cache(maxsize=None)(parsing.parse_months)
_parse_flag = lru_cache(maxsize=None)(parsing.parse_flag)


class _Assessed:
    """A KPI value as kpis.assessment.assess reads it: the loader's KpiValue for a printed text, at a year. Copying
    a model instance per value would cost more than the whole row's COPY."""

    __slots__ = (
        "obj",
        "year",
        "kind",
        "value",
        "printed",
        "status",
        "note",
        "target_kind",
        "target_reason",
        "comparator",
        "target_value",
        "target_low",
        "target_high",
        "direction",
        "benchmark",
        "source",
        "entered_at",
    )
    # Copied from the loader's KpiValue (as its fields read), so the rules' AssessedValue protocol holds.
    obj: KpiValue
    year: int
    kind: str
    value: Decimal | None
    printed: str
    status: str
    note: str
    target_kind: str
    target_reason: str
    comparator: str
    target_value: Decimal | None
    target_low: Decimal | None
    target_high: Decimal | None
    direction: str
    benchmark: str
    source: str
    entered_at: dt.datetime | None

    def __init__(self, obj: KpiValue, year: int):
        self.obj, self.year = obj, year
        for name in self.__slots__[2:]:
            setattr(self, name, getattr(obj, name))

    def get_status_display(self) -> str:
        return self.obj.get_status_display()

    def get_kind_display(self) -> str:
        return self.obj.get_kind_display()


class _Tables:
    """Writing a generator's tables (self.tables, one _Table per model of WRITTEN) in one transaction."""

    tables: dict[type[models.Model], _Table]

    def reserve(self, cursor: CursorWrapper) -> None:
        """Lock the tables against other writers and take ids from their identity sequences."""
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in WRITTEN)
        cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        for model, table in self.tables.items():
            db_table = model._meta.db_table
            cursor.execute(
                f"SELECT GREATEST(nextval(pg_get_serial_sequence(%s, 'id')), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(db_table)}))",
                [db_table],
            )
            table.next_id = table.first_id = cursor.fetchone()[0]

    def take(self) -> list[_Batch]:
        """Every table's new rows, parents before children."""
        return [batch for model in WRITTEN if (batch := self.tables[model].take()) is not None]

    def fk_triggers_off(self, cursor: CursorWrapper) -> bool:
        """Skip PostgreSQL's row-by-row foreign key triggers for this transaction (as pg_restore
        --disable-triggers does; needs a superuser, which the embedded server's user is). The ids written are
        checked set-wise by check_foreign_keys instead: a few seconds, not minutes. False when not permitted."""
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return False
        return True

    def check_foreign_keys(self, cursor: CursorWrapper) -> None:
        """Every foreign key of every row written points at a row that exists (one anti-join per key)."""
        quote = connection.ops.quote_name
        for model, table in self.tables.items():
            if not table.written:
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey):  # the only relations with a column of their own
                    continue
                parent = field.related_model._meta
                cursor.execute(
                    f"SELECT c.id FROM {quote(model._meta.db_table)} c WHERE c.id >= %s AND c.{quote(field.column)} "
                    f"IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {quote(parent.db_table)} p "
                    f"WHERE p.{quote(_column(field.target_field))} = c.{quote(field.column)}) LIMIT 1",
                    [table.first_id],
                )
                row = cursor.fetchone()
                if row is not None:
                    raise RuntimeError(f"{model._meta.db_table} row {row[0]}: {field.column} points at no row")
        cursor.execute("SET LOCAL session_replication_role = origin")

    def release(self, cursor: CursorWrapper) -> None:
        for model, table in self.tables.items():
            if table.written:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [model._meta.db_table, table.next_id - 1]
                )
