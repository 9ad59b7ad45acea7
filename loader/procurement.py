"""Reading a plan fixture's `procurement` tables and their entries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loader.reader import FixtureReader, fmt
from loader.schema import PROCUREMENT_ROW_KEYS, PROCUREMENT_TABLE_KEYS
from plans import parsing
from procurement.models import ProcurementEntry, ProcurementTable


def load_procurement(loader: FixtureReader, tables: list) -> None:
    order = 0
    for i, item in enumerate(tables, 1):
        record = f"procurement[{i}]"
        loader.check_keys(item, PROCUREMENT_TABLE_KEYS, record)
        title = loader.text(item, "table", record, required=True)
        record = f"{record} ({title})"
        printed_total = loader.text(item, "printed_total", record)
        src = loader.src(item, record)
        table = ProcurementTable.objects.create(
            plan=loader.plan,
            title=title,
            band=loader.text(item, "band", record),
            printed_total=printed_total,
            total=loader.money(printed_total, record, "printed_total"),
            notes=loader.texts(item, "notes", record),
            order=i,
            **src,
        )
        entries = []
        for j, row in enumerate(item.get("rows") or [], 1):
            rrecord = f"{record}.rows[{j}]"
            loader.check_keys(row, PROCUREMENT_ROW_KEYS, rrecord)
            name = loader.text(row, "title", rrecord, required=True)
            rrecord = f"{rrecord} ({name})"
            rsrc = loader.src(row, rrecord)
            value_printed = loader.text(row, "value", rrecord)
            money = parsing.parse_money(value_printed)
            if not money.ok:
                loader.fail(rrecord, "value", f"{value_printed!r} is not a sum of money this loader can read")
            fields: dict[str, Any] = {}
            for fieldname in ("procurement_start", "advert", "contract_start"):
                printed = loader.text(row, fieldname, rrecord)
                parsed = parsing.parse_date(printed)
                fields[f"{fieldname}_printed"] = printed
                fields[fieldname] = parsed.date
                fields[f"{fieldname}_problem"] = parsed.problem
                if parsed.problem:
                    loader.discrepancy(
                        f"Procurement: {name}", fieldname.replace("_", " "), printed, "", parsed.problem, None, rsrc
                    )
            length = loader.text(row, "length", rrecord)
            statutory = loader.text(row, "statutory", rrecord)
            order += 1
            entries.append(
                ProcurementEntry(
                    table=table,
                    plan=loader.plan,
                    group=loader.text(row, "group", rrecord),
                    subgroup=loader.text(row, "subgroup", rrecord),
                    title=name,
                    value_printed=value_printed,
                    value=money.value,
                    value_status=money.status,
                    length_printed=length,
                    length_months=parsing.parse_months(length),
                    statutory_printed=statutory,
                    statutory=parsing.parse_flag(statutory),
                    notes=loader.text(row, "notes", rrecord),
                    order=order,
                    **fields,
                    **rsrc,
                )
            )
        ProcurementEntry.objects.bulk_create(entries)
        loader.report.add("procurement entries", len(entries))
        if table.total is not None:
            rows_sum = sum((e.value or Decimal(0) for e in entries), Decimal(0))
            if rows_sum != table.total:
                note = loader.text(item, "total_note", record)
                if not note:
                    loader.fail(
                        record,
                        "printed_total",
                        f"rows sum to {fmt(rows_sum)} but the printed total is "
                        f"{fmt(table.total)}: check the rows, or give total_note "
                        "with the arithmetic if the document is wrong",
                    )
                loader.discrepancy(
                    f"Procurement table: {title}", "total", printed_total, fmt(rows_sum), note, table, src
                )
    ProcurementTable.objects.filter(plan=loader.plan).summarise()
