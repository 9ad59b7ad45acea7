"""Reading one budget table of a plan fixture cell by cell (`budget.tables` and `capital_programmes`, both called
from loader/budgets.py) and checking its arithmetic (reconcile) without altering a printed figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budgets.models import BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from loader.reader import FixtureReader, fmt
from loader.schema import ROW_KEYS, TABLE_KEYS
from plans import parsing


def load_budget_table(loader: FixtureReader, data: dict, order: int) -> None:
    record = f"budget.tables[{order}]"
    loader.check_keys(data, TABLE_KEYS, record)
    title = loader.text(data, "title", record, required=True)
    record = f"{record} ({title})"
    kind = loader.text(data, "kind", record) or "controllable"
    if kind not in BudgetTable.Kind.values:
        loader.fail(record, "kind", f"{kind!r} is not one of {', '.join(BudgetTable.Kind.values)}")
    multiplier = data.get("multiplier", 1)
    if not isinstance(multiplier, int) or multiplier <= 0:
        loader.fail(record, "multiplier", "must be a positive whole number (1 for £, 1000 for £'000)")
    rounding = data.get("rounding", 0)
    if not isinstance(rounding, int) or rounding < 0 or rounding > 10:
        loader.fail(record, "rounding", "must be a whole number of printed units from 0 to 10")
    table = BudgetTable.objects.create(
        plan=loader.plan,
        title=title,
        kind=kind,
        unit=loader.text(data, "unit", record, required=True),
        multiplier=multiplier,
        rounding=rounding,
        unit_note=loader.text(data, "unit_note", record),
        notes=loader.texts(data, "notes", record),
        order=order,
        **loader.src(data, record),
    )
    if table.unit_note:
        loader.discrepancy(
            f"Budget table: {title}", "unit", table.unit, table.unit, table.unit_note, table, loader.src(data, record)
        )
    columns = []
    for j, col in enumerate(data.get("columns") or [], 1):
        crecord = f"{record}.columns[{j}]"
        loader.check_keys(col, {"label", "role", "unit"}, crecord)
        role = loader.text(col, "role", crecord, required=True)
        if role not in BudgetColumn.Role.values:
            loader.fail(crecord, "role", f"{role!r} is not one of {', '.join(BudgetColumn.Role.values)}")
        unit = loader.text(col, "unit", crecord) or BudgetColumn.Unit.POUNDS
        if unit not in BudgetColumn.Unit.values:
            loader.fail(crecord, "unit", f"{unit!r} is not one of {', '.join(BudgetColumn.Unit.values)}")
        if unit != BudgetColumn.Unit.POUNDS and role != BudgetColumn.Role.OTHER:
            loader.fail(crecord, "unit", "only an `other` column (not summed as money) may hold counts or years")
        columns.append(
            BudgetColumn(
                table=table, label=loader.text(col, "label", crecord, required=True), role=role, unit=unit, order=j
            )
        )
    if not columns:
        loader.fail(record, "columns", "at least one column is required")
    BudgetColumn.objects.bulk_create(columns)
    rows: list[tuple[BudgetRow, list[BudgetCell]]] = []
    for j, item in enumerate(data.get("rows") or [], 1):
        rrecord = f"{record}.rows[{j}]"
        loader.check_keys(item, ROW_KEYS, rrecord)
        division = loader.text(item, "division", rrecord)
        rrecord = f"{rrecord} ({division or 'unlabelled'})"
        row_kind = loader.text(item, "kind", rrecord) or "row"
        if row_kind not in BudgetRow.Kind.values:
            loader.fail(rrecord, "kind", f"{row_kind!r} is not one of {', '.join(BudgetRow.Kind.values)}")
        cells_data = item.get("cells")
        if not isinstance(cells_data, list) or len(cells_data) != len(columns):
            found = len(cells_data) if isinstance(cells_data, list) else 0
            loader.fail(rrecord, "cells", f"{found} cells for {len(columns)} columns")
        src = loader.src(item, rrecord)
        row = BudgetRow.objects.create(
            table=table,
            division=division,
            group=loader.text(item, "group", rrecord),
            kind=row_kind,
            note=loader.text(item, "note", rrecord),
            order=j,
            **src,
        )
        cells = []
        for col, cell in zip(columns, cells_data, strict=False):
            cells.append(budget_cell(loader, row, col, cell, multiplier, f"{rrecord}.{col.label}", src))
        BudgetCell.objects.bulk_create(cells)
        for cell in cells:
            if cell.note:
                loader.discrepancy(
                    f"{title}: {division or 'unlabelled row'}",
                    cell.column.label,
                    cell.printed,
                    fmt(cell.value),
                    cell.note,
                    row,
                    src,
                )
        rows.append((row, cells))
    loader.report.add("budget rows", len(rows))
    reconcile(loader, record, table, columns, rows)
    BudgetCell.objects.bulk_update(
        [c for _, cells in rows for c in cells if c.reconciling_check], ["reconciling", "reconciling_check"]
    )


def budget_cell(
    loader: FixtureReader, row: BudgetRow, col: BudgetColumn, cell: Any, multiplier: int, record: str, src: dict
) -> BudgetCell:
    note = ""
    explicit = None
    rows_sum = None
    if isinstance(cell, dict):
        loader.check_keys(cell, {"printed", "value", "note", "rows_sum", "reconciling"}, record)
        printed = "" if cell.get("printed") is None else str(cell["printed"])
        if cell.get("rows_sum") is not None:
            # A printed total that does not equal its rows: kept as printed; the fixture names what the
            # rows sum to (checked against them in reconcile) and why, in `note`.
            if row.kind == BudgetRow.Kind.ROW or cell.get("value") is not None or not cell.get("note"):
                loader.fail(
                    record,
                    "rows_sum",
                    "rows_sum belongs to a total or subtotal cell, with a note "
                    "and no value (the printed figure is what is stored)",
                )
            rows_sum = loader.decimal(cell["rows_sum"], record, "rows_sum")
        if cell.get("value") is not None:
            try:
                explicit = Decimal(str(cell["value"]))
            except Exception:
                loader.fail(record, "value", f"{cell['value']!r} is not a number")
        note = loader.text(cell, "note", record)
    elif cell is None or isinstance(cell, (str, int, float)):
        printed = "" if cell is None else str(cell)
    else:
        loader.fail(record, "", f"a cell is printed text or {{printed, value, note}}, not {type(cell).__name__}")
    parsed = parsing.parse_money(printed)
    if not parsed.ok and explicit is None:
        loader.fail(record, "printed", f"{printed!r} is not a figure; give value and note if it is garbled")
    printed_value = None if parsed.value is None else parsed.value * multiplier
    value = printed_value if explicit is None else explicit * multiplier
    if value != printed_value and not note:
        loader.fail(record, "note", "a value that differs from the printed figure needs a note with the arithmetic")
    if isinstance(cell, dict) and explicit is None and note and rows_sum is None and cell.get("reconciling") is None:
        loader.fail(record, "value", "a note without a value: give the repaired value (or drop the note)")
    if rows_sum is not None:
        made = BudgetCell(row=row, column=col, printed=printed, printed_value=printed_value, value=value)
        made.documented = (rows_sum * multiplier, note)  # read (and checked) by reconcile
        return made
    if isinstance(cell, dict) and cell.get("reconciling") is not None:
        # A row figure the document prints wrong (a sign missing), proved by the row's own figures: kept
        # as printed; the checks use what the row gives, shown beside the printed figure.
        if explicit is not None or not note or printed_value is None:
            loader.fail(
                record,
                "reconciling",
                "reconciling needs a printed figure, a note with the arithmetic "
                "and no value (the printed figure is what is stored)",
            )
        made = BudgetCell(
            row=row,
            column=col,
            printed=printed,
            printed_value=printed_value,
            value=value,
            reconciling=loader.decimal(cell["reconciling"], record, "reconciling") * multiplier,
            reconciling_check=BudgetCell.Check.ARITHMETIC,
        )
        made.misprint_note = note
        return made
    return BudgetCell(row=row, column=col, printed=printed, printed_value=printed_value, value=value, note=note)


def reconcile(
    loader: FixtureReader,
    record: str,
    table: BudgetTable,
    columns: list[BudgetColumn],
    rows: list[tuple[BudgetRow, list[BudgetCell]]],
) -> None:
    """Categories sum to gross; gross + income + grants = net; rows sum to subtotals and totals.

    A printed figure is never altered to make a check hold. A table printed in rounded figures may
    declare `rounding: N`: a difference of at most N printed units is then a recorded discrepancy.
    A printed total that is further out than that is an error, unless its cell names `rows_sum` (what
    the rows sum to) and a `note`: then it too is recorded. Either way the printed figure stays the
    stored one and the cell keeps, as `reconciling`, what its parts sum to."""
    roles = [c.role for c in columns]
    allowed = Decimal(table.rounding * table.multiplier)

    def check(
        where: str,
        fieldname: str,
        message: str,
        expected: Decimal,
        stated: BudgetCell | None,
        kind: str,
        row: BudgetRow,
    ) -> None:
        stated_value = stated.checked_amount if stated is not None else Decimal(0)
        difference = stated_value - expected
        # rows_sum documents a total against its rows only; the row's own checks still hold exactly
        documented = getattr(stated, "documented", None) if kind == BudgetCell.Check.ROWS else None
        if documented is not None and documented[0] != expected:
            loader.fail(where, fieldname, f"{message}; rows_sum {fmt(documented[0])} does not match")
        if difference == 0:
            return
        srcs = {"src_start": row.src_start, "src_end": row.src_end}
        what = f"{table.title}: {row.division or 'unlabelled row'}"
        printed = stated.printed if stated is not None else ""
        if documented is not None:
            loader.discrepancy(
                what,
                fieldname,
                printed,
                fmt(stated_value),
                f"{message}; the printed figure is kept: {documented[1]}",
                row,
                srcs,
            )
        elif abs(difference) <= allowed:
            loader.discrepancy(
                what,
                fieldname,
                printed,
                fmt(stated_value),
                f"{message}: rounding in the printed figures; kept as printed",
                row,
                srcs,
            )
        else:
            loader.fail(where, fieldname, message)
        if stated is not None:
            stated.reconciling, stated.reconciling_check = expected, kind

    def amount(cells: list[BudgetCell], role: str) -> Decimal | None:
        picked = [c.checked_amount for c, r in zip(cells, roles, strict=False) if r == role]
        return sum(picked, Decimal(0)) if picked else None

    for row, cells in rows:
        for cell in cells:
            if getattr(cell, "misprint_note", ""):
                loader.discrepancy(
                    f"{table.title}: {row.division or 'unlabelled row'}",
                    cell.column.label,
                    cell.printed,
                    fmt(cell.value),
                    f"{cell.misprint_note}; the printed figure is "
                    f"kept, with what the row's own figures give ({fmt(cell.reconciling)}) beside it",
                    row,
                    {"src_start": row.src_start, "src_end": row.src_end},
                )

    def cell_of(cells: list[BudgetCell], role: str) -> BudgetCell | None:
        return next((c for c, r in zip(cells, roles, strict=False) if r == role), None)

    for row, cells in rows:
        where = f"{record}: row {row.division or 'unlabelled'!r} ({row.src_label})"
        gross, net = amount(cells, "gross"), amount(cells, "net")
        categories = amount(cells, "category")
        if categories is not None and gross is not None:
            check(
                where,
                "gross",
                f"cost categories sum to {fmt(categories)} but gross is {fmt(gross)} "
                f"(difference {fmt(gross - categories)})",
                categories,
                cell_of(cells, "gross"),
                BudgetCell.Check.CATEGORIES,
                row,
            )
        if gross is not None and net is not None:
            income = amount(cells, "income") or Decimal(0)
            grants = amount(cells, "grants") or Decimal(0)
            check(
                where,
                "net",
                f"gross {fmt(gross)} + income {fmt(income)} + grants {fmt(grants)} "
                f"= {fmt(gross + income + grants)} but net is {fmt(net)}",
                gross + income + grants,
                cell_of(cells, "net"),
                BudgetCell.Check.NET,
                row,
            )
    for position, (row, cells) in enumerate(rows):
        if row.kind == BudgetRow.Kind.ROW:
            continue
        # A total sums the plain rows printed above it; a subtotal, those of its group.
        plain = [(r, c) for r, c in rows[:position] if r.kind == BudgetRow.Kind.ROW]
        members = plain if row.kind == BudgetRow.Kind.TOTAL else [(r, c) for r, c in plain if r.group == row.group]
        if row.kind == BudgetRow.Kind.SUBTOTAL and not row.group:
            loader.fail(f"{record}: row {row.division!r}", "group", "a subtotal row needs the group it totals")
        for k, col in enumerate(columns):
            stated = cells[k]
            if stated.value is None and not stated.printed:
                continue  # nothing printed in this column of the total row
            total = sum((c[k].checked_amount for _, c in members), Decimal(0))
            check(
                f"{record}: {row.kind} row {row.division!r} ({row.src_label})",
                col.label,
                f"the {len(members)} rows above sum to {fmt(total)} but the {row.kind} is "
                f"{fmt(stated.value)} (difference {fmt(stated.amount - total)})",
                total,
                stated,
                BudgetCell.Check.ROWS,
                row,
            )
    for _, cells in rows:
        for cell in cells:
            if getattr(cell, "documented", None) is not None and not cell.reconciling_check:
                loader.fail(
                    record,
                    "rows_sum",
                    f"{cell.printed!r}: rows_sum given but the rows agree with the printed total (drop rows_sum)",
                )
