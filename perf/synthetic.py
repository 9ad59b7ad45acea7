"""A synthetic installation for the scale benchmark (issue 9): councils "Synthetic County Council 001".. with
departments, ten years of plans each, and in every plan KPIs (continuing across years as measures), deliverables,
risks, a budget table, savings, pressures and a procurement pipeline, all invented but shaped like the real plans.

`synthetic_generate(...)` writes everything in one transaction (all or nothing) with PostgreSQL COPY, so the full
100-council installation takes minutes. It is reproducible: every council and department draws from its own
`random.Random` seeded from `seed`, never from the global random state, so the same seed gives identical rows (ids
aside). Derived columns follow the real loader's rules (loader/services.py) by calling its own code: each KPI value
goes through `PlanLoader.kpi_value` (parse_value / parse_target and the loader's rules for targets), money through
`parse_money`, dates through `parse_date`, contract lengths and flags through `parse_months` / `parse_flag`.

Synthetic records are marked three ways: the council's `is_synthetic`, the plan's `document` (SYNTHETIC_DOCUMENT,
never a file in fixtures/sources, so /sources/<document>/ answers 404) and source lines 0-0 on every record (real
lines start at 1, and a record without a line shows no provenance disclosure, so no page tries to read a source file).
The management command refuses to write into a database holding real councils; the loader refuses the reverse.
"""

from __future__ import annotations

import time
from io import TextIOBase
from typing import TextIO

from django.db import connection, transaction

from budgets.models import BudgetCell, BudgetColumn, BudgetHeadline, BudgetRow, BudgetTable, Saving, ServicePressure
from kpis.models import Kpi, KpiValue, Measure
from perf.synthetic_copy import (  # re-exported: the names the command, the tests and the docs use
    PLAN_CONTENT,
    SYNTHETIC_DOCUMENT,
    SYNTHETIC_SRC,
    WRITTEN,
    _CopyThread,
)
from perf.synthetic_writer import _Writer
from plans.models import (
    ClosedPeriod,
    Council,
    Deliverable,
    Department,
    Division,
    Plan,
    Risk,
    Role,
    Statement,
    Workforce,
)
from procurement.models import ProcurementEntry, ProcurementTable

__all__ = [
    "LAST_YEAR",
    "PLAN_CONTENT",
    "SYNTHETIC_DOCUMENT",
    "SYNTHETIC_SRC",
    "WRITTEN",
    "SyntheticRefused",
    "synthetic_councils_exist",
    "synthetic_delete",
    "synthetic_generate",
]

LAST_YEAR = 2025  # the newest plan is for 2025-26, whatever today's date (reproducible)


class SyntheticRefused(Exception):
    """Synthetic data would be mixed with real councils' data (or written twice)."""


COUNT_NAMES = {
    Council: "councils",
    Department: "departments",
    Plan: "plans",
    Measure: "measures",
    Kpi: "kpis",
    KpiValue: "kpi_values",
    Deliverable: "deliverables",
    Risk: "risks",
    Statement: "statements",
    Division: "divisions",
    Workforce: "workforce",
    BudgetTable: "budget_tables",
    BudgetColumn: "budget_columns",
    BudgetRow: "budget_rows",
    BudgetCell: "budget_cells",
    BudgetHeadline: "budget_headlines",
    ServicePressure: "pressures",
    Saving: "savings",
    ProcurementTable: "procurement_tables",
    ProcurementEntry: "procurement_entries",
}


def synthetic_councils_exist() -> bool:
    return Council.objects.filter(is_synthetic=True).exists()


def real_councils() -> list[str]:
    return list(Council.objects.filter(is_synthetic=False).order_by("name").values_list("name", flat=True))


def synthetic_delete() -> None:
    """Remove every synthetic council with everything under it. Only when no real council is held (so every
    plan is synthetic): the plan tables are emptied with TRUNCATE, which is instant and transactional."""
    if real_councils():
        raise SyntheticRefused("synthetic_delete: this database holds real councils; refusing to empty plan tables")
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in PLAN_CONTENT)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}")
    synthetic = Council.objects.filter(is_synthetic=True)
    Role.objects.filter(department__council__in=synthetic).delete()
    ClosedPeriod.objects.filter(department__council__in=synthetic).delete()
    Department.objects.filter(council__in=synthetic).delete()
    synthetic.delete()


def synthetic_generate(
    *,
    councils: int,
    departments: int = 8,
    years: int = 10,
    seed: int = 1,
    kpis: int = 60,
    deliverables: int = 40,
    procurement: int = 80,
    stdout: TextIO | TextIOBase | None = None,
    replace: bool = False,
) -> dict[str, int]:
    """Write a synthetic installation in one transaction and return the rows written per table.

    Refuses (SyntheticRefused, nothing written) when the database holds a real council, or synthetic councils
    already (unless `replace`, which deletes them first, in the same transaction)."""
    if councils < 1 or departments < 1 or years < 1 or kpis < 1 or deliverables < 0 or procurement < 0:
        raise ValueError("councils, departments, years and kpis must be at least 1")
    if councils > 999:
        raise ValueError("at most 999 councils (slugs are syn-001 to syn-999)")

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")
            stdout.flush()

    started = time.perf_counter()
    year_range = range(LAST_YEAR - years + 1, LAST_YEAR + 1)
    writer = _Writer(seed=seed, kpis=kpis, deliverables=deliverables, procurement=procurement, years=year_range)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Council._meta.db_table)} IN EXCLUSIVE MODE")
        real = real_councils()
        if real:
            raise SyntheticRefused(
                f"This database holds real councils' data ({', '.join(real)}). Synthetic data is never mixed with "
                "it: generate into its own database: LOCAL_DATABASE_NAME=app_scale make migrate && "
                "LOCAL_DATABASE_NAME=app_scale .venv/bin/python manage.py generate_scale --councils 100"
            )
        if synthetic_councils_exist():
            if not replace:
                raise SyntheticRefused(
                    "This database already holds synthetic councils: use --replace to delete them and generate again."
                )
            say("Deleting the synthetic councils already held...")
            synthetic_delete()
        with connection.cursor() as cursor:
            writer.reserve(cursor)
            triggers_off = writer.fk_triggers_off(cursor)
            copier = _CopyThread(connection.connection)
            copier.start()
            try:
                for number in range(1, councils + 1):
                    t0 = time.perf_counter()
                    writer.council(number, departments)
                    plans = len(writer.t(Plan).lines)
                    values = len(writer.values.lines)
                    copier.put(writer.take())
                    say(
                        f"council syn-{number:03d} ({number}/{councils}): {plans} plans, {values:,} KPI values "
                        f"({len(writer.values.cache):,} distinct printed values) in {time.perf_counter() - t0:.1f}s "
                        f"(total {time.perf_counter() - started:.0f}s)"
                    )
            finally:
                copier.finish()
            writer.release(cursor)
            say(f"Written in {time.perf_counter() - started:.0f}s. Checking foreign keys and committing...")
            # While foreign-key triggers are still off: updating rows inserted in this transaction would queue a
            # check per row (and a later TRUNCATE in the same transaction would refuse to run).
            say("Storing the procurement tables' figures...")
            ProcurementTable.objects.filter(plan__department__council__is_synthetic=True).summarise()
            if triggers_off:
                writer.check_foreign_keys(cursor)
    counts = {name: writer.tables[model].written for model, name in COUNT_NAMES.items()}
    # "deliverables" are the plans' top-level rows, as asked for; their sub-actions are counted apart.
    counts["sub_actions"] = writer.sub_actions
    counts["deliverables"] -= writer.sub_actions
    say(f"Committed in {time.perf_counter() - started:.1f}s. Analysing the tables written...")
    with connection.cursor() as cursor:
        for model in WRITTEN:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    say(f"Done in {time.perf_counter() - started:.1f}s.")
    return counts
