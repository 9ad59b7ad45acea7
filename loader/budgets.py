"""Reading a plan fixture's `budget` (headlines, service pressures, savings) and handing its tables and the
`capital_programmes` to loader/budget_tables.py, which reads each cell by cell and checks its arithmetic."""

from __future__ import annotations

from budgets.models import BudgetHeadline, Saving, ServicePressure
from loader.budget_tables import load_budget_table
from loader.reader import FixtureReader, fmt
from loader.schema import BUDGET_KEYS, HEADLINE_KEYS, PRESSURE_KEYS, SAVING_KEYS
from plans import parsing


def load_budget(loader: FixtureReader, data: dict, capital: list) -> None:
    loader.check_keys(data, BUDGET_KEYS, "budget")
    headlines = []
    for i, item in enumerate(data.get("headlines") or [], 1):
        record = f"budget.headlines[{i}]"
        loader.check_keys(item, HEADLINE_KEYS, record)
        printed = loader.text(item, "printed", record, required=True)
        parsed = parsing.parse_money(printed)
        value = parsed.value
        if parsed.status == "lower_bound" and not item.get("note"):
            loader.fail(record, "note", 'a lower bound ("exceeding ...") stores no value: say so in a note')
        if item.get("value") is not None:
            value = loader.decimal(item["value"], record, "value")
            if value != parsing.parse_money(printed).value and not item.get("note"):
                loader.fail(record, "note", "a value that differs from the printed figure needs a note")
        reconciling = None
        if item.get("rows_sum") is not None:
            # a total printed in the text that its printed parts do not add up to: kept as printed
            reconciling = loader.decimal(item["rows_sum"], record, "rows_sum")
            if value is None or not item.get("note"):
                loader.fail(record, "rows_sum", "rows_sum needs a printed figure and a note saying which parts")
        headlines.append(
            BudgetHeadline(
                plan=loader.plan,
                label=loader.text(item, "label", record, required=True),
                printed=printed,
                value=value,
                note=loader.text(item, "note", record),
                reconciling=reconciling,
                order=i,
                **loader.src(item, record),
            )
        )
    BudgetHeadline.objects.bulk_create(headlines)
    loader.report.add("budget headlines", len(headlines))

    pressures, order = [], 0
    for i, item in enumerate(data.get("pressures") or [], 1):
        record = f"budget.pressures[{i}]"
        loader.check_keys(item, PRESSURE_KEYS, record)
        title = loader.text(item, "title", record, required=True)
        src = loader.src(item, record)
        amounts = item.get("amounts") or []
        if not amounts:
            loader.fail(record, "amounts", "at least one amount is required")
        for j, amount in enumerate(amounts, 1):
            arecord = f"{record} ({title}).amounts[{j}]"
            loader.check_keys(amount, {"kind", "printed", "value", "note"}, arecord)
            kind = loader.text(amount, "kind", arecord, required=True)
            if kind not in ServicePressure.Kind.values:
                loader.fail(arecord, "kind", f"{kind!r} is not one of {', '.join(ServicePressure.Kind.values)}")
            printed = loader.text(amount, "printed", arecord, required=True)
            parsed = parsing.parse_money(printed)
            value = parsed.value
            if amount.get("value") is not None:
                value = loader.decimal(amount["value"], arecord, "value")
                if value != parsed.value:
                    note = loader.text(amount, "note", arecord)
                    if not note:
                        loader.fail(arecord, "note", "a value that differs from the printed figure needs a note")
                    loader.discrepancy(f"Service pressure: {title}", kind, printed, fmt(value), note, None, src)
            elif not parsed.ok or value is None:
                loader.fail(arecord, "printed", f"{printed!r} is not an amount: give value (pounds) and note")
            order += 1
            pressures.append(
                ServicePressure(
                    plan=loader.plan, title=title, kind=kind, printed=printed, amount=value, order=order, **src
                )
            )
    ServicePressure.objects.bulk_create(pressures)
    loader.report.add("pressure amounts", len(pressures))

    for i, item in enumerate(data.get("savings") or [], 1):
        record = f"budget.savings[{i}]"
        loader.check_keys(item, SAVING_KEYS, record)
        printed = loader.text(item, "printed", record)
        printed_amount = loader.money(printed, record, "printed")
        value = printed_amount
        if item.get("value") is not None:
            value = loader.decimal(item["value"], record, "value")
        year = None
        if item.get("year"):
            try:
                year = parsing.fy_start(str(item["year"]))
            except ValueError as exc:
                loader.fail(record, "year", str(exc))
        saving = Saving.objects.create(
            plan=loader.plan,
            title=loader.text(item, "title", record, required=True),
            description=loader.text(item, "description", record),
            printed=printed,
            amount=value,
            year=year,
            order=i,
            **loader.src(item, record),
        )
        if value != printed_amount:
            note = loader.text(item, "note", record, required=True)
            loader.discrepancy(
                f"Saving: {saving.title}", "amount", printed, fmt(value), note, saving, loader.src(item, record)
            )
        loader.report.add("savings")

    tables = list(data.get("tables") or []) + list(capital)
    for i, item in enumerate(tables, 1):
        load_budget_table(loader, item, i)
