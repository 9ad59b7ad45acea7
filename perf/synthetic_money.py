"""A synthetic plan's money (perf/synthetic.py): its budget table, pressures, savings and headlines, and its
procurement pipeline. Methods of the generator (perf/synthetic_writer.py), apart so each module stays short."""

from __future__ import annotations

import datetime as dt
import random
from typing import Protocol

from django.db import models

from budgets.models import BudgetCell, BudgetColumn, BudgetHeadline, BudgetRow, BudgetTable, Saving, ServicePressure
from perf.synthetic_copy import _parse_date, _parse_flag, _parse_money, _parse_months, _Table
from perf.synthetic_words import CATEGORIES, CONTRACT_FORMS, MONTH_ABBR
from plans import parsing
from procurement.models import ProcurementEntry, ProcurementTable


class _Host(Protocol):
    """What _Money's methods use of the generator they are mixed into (perf.synthetic_writer._Writer)."""

    procurement_count: int

    def t(self, model: type[models.Model]) -> _Table: ...


class _Money:
    """The budget and procurement parts of a plan, for _Writer (which provides t() and procurement_count)."""

    def budget(self: _Host, rng: random.Random, plan_id: int, spec: dict, year: int) -> None:
        label = parsing.fy_label(year)
        table_id = self.t(BudgetTable).add(
            plan_id=plan_id,
            title=f"Approved Controllable Budget {label}",
            kind="controllable",
            unit="£",
            multiplier=1,
            order=1,
        )
        labels = CATEGORIES + ["Gross Budget", "Income", "Grants", "Net Budget"]
        roles = ["category"] * len(CATEGORIES) + ["gross", "income", "grants", "net"]
        columns = [
            self.t(BudgetColumn).add(table_id=table_id, label=lab, role=role, order=i)
            for i, (lab, role) in enumerate(zip(labels, roles, strict=False), 1)
        ]
        totals = [0] * len(columns)
        rows = []
        for division in spec["divisions"]:
            scale = rng.uniform(2e6, 40e6)
            cats = [
                int(scale * rng.uniform(0.35, 0.6)),
                int(scale * rng.uniform(0.005, 0.03)),
                int(scale * rng.uniform(0.005, 0.05)),
                int(scale * rng.uniform(0.05, 0.2)),
                int(scale * rng.uniform(0.1, 0.6)),
                int(scale * rng.uniform(0, 0.05)),
                -int(scale * rng.uniform(0.01, 0.15)),
            ]
            gross = sum(cats)
            income = -int(gross * rng.uniform(0.01, 0.15))
            grants = -int(gross * rng.uniform(0, 0.12))
            figures = cats + [gross, income, grants, gross + income + grants]
            rows.append((division, "row", figures))
            totals = [a + b for a, b in zip(totals, figures, strict=False)]
        rows.append(("Total controllable budget", "total", totals))
        for order, (division, kind, figures) in enumerate(rows, 1):
            row_id = self.t(BudgetRow).add(table_id=table_id, division=division, kind=kind, order=order)
            for column_id, figure in zip(columns, figures, strict=False):
                printed = f"£{figure:,}" if figure >= 0 else f"£-{-figure:,}"
                value = _parse_money(printed).value
                self.t(BudgetCell).add(
                    row_id=row_id, column_id=column_id, printed=printed, printed_value=value, value=value
                )
        net = totals[-1]
        pressures = []
        order = 0
        for title in rng.sample(spec["pressures"], min(len(spec["pressures"]), rng.randint(2, 4))):
            for kind in rng.sample(
                ["ongoing", "ongoing_contingency", "one_off", "one_off_contingency"], rng.randint(1, 2)
            ):
                amount = rng.randint(2, 600) * 10_000
                printed = f"£{amount:,}"
                order += 1
                pressures.append((kind, amount))
                self.t(ServicePressure).add(
                    plan_id=plan_id,
                    title=title,
                    kind=kind,
                    printed=printed,
                    amount=_parse_money(printed).value,
                    order=order,
                )
        savings = 0
        for i in range(1, rng.randint(2, 3) + 1):
            amount = rng.randint(1, 120) * 5_000
            savings += amount
            printed = f"£ {amount:,}"
            self.t(Saving).add(
                plan_id=plan_id,
                title=f"{rng.choice(['Review of', 'Efficiencies in', 'Redesign of'])} "
                f"{rng.choice(spec['contracts']).lower()}",
                description="Savings identified through the budget challenge process",
                printed=printed,
                amount=_parse_money(printed).value,
                year=year,
                order=i,
            )
        ongoing = sum(a for k, a in pressures if k == "ongoing")
        headlines = [
            (f"Department budget {label}", f"£{net / 1e6:,.2f} million"),
            (f"Service pressures {label} ongoing", f"£{ongoing / 1e6:,.3f}m"),
            (f"Savings total {label}", f"£{savings / 1e6:,.3f} million"),
        ]
        for i, (text, printed) in enumerate(headlines, 1):
            self.t(BudgetHeadline).add(
                plan_id=plan_id, label=text, printed=printed, value=_parse_money(printed).value, order=i
            )

    def procurement(self: _Host, rng: random.Random, plan_id: int, spec: dict, year: int) -> None:
        tables = [
            (
                "Table One: Forward Plan of Procurements",
                f"above £50K less than Find a Tender threshold due to commence prior to April {year + 2}",
                50_000,
                214_000,
            ),
            (
                "Table Two: Forward Plan of Procurements",
                f"(above Find a Tender threshold) due to commence prior to April {year + 2}",
                215_000,
                25_000_000,
            ),
        ]
        names = [form.format(c=c) for c in spec["contracts"] for form in CONTRACT_FORMS]
        rng.shuffle(names)
        first = (self.procurement_count * 11) // 20
        order = 0
        for t, (title, band, low, high) in enumerate(tables, 1):
            table_id = self.t(ProcurementTable).add(
                plan_id=plan_id,
                title=title,
                band=band,
                order=t,
                notes=["All values are estimated and may change when projects are tendered"] if t == 2 else [],
            )
            count = first if t == 1 else self.procurement_count - first
            for _ in range(count):
                name = names[order % len(names)] + ("" if order < len(names) else f" (lot {order // len(names) + 1})")
                order += 1
                roll = rng.random()
                if roll < 0.04:
                    value_printed = "TBA"
                elif roll < 0.07:
                    value_printed = "TBC"
                elif roll < 0.08:
                    value_printed = ""
                else:
                    amount = int(low * (high / low) ** rng.random())
                    value_printed = f"£{round(amount, -3):,}"
                money = _parse_money(value_printed)
                start_month = rng.randint(0, 23)
                starts = dt.date(year + (3 + start_month) // 12, (3 + start_month) % 12 + 1, 1)
                contract = starts + dt.timedelta(days=rng.choice([92, 183, 274, 365]))
                roll = rng.random()
                procurement_start = (
                    "TBA"
                    if roll < 0.05
                    else "TBC"
                    if roll < 0.08
                    else f"{starts.year}/{starts.year + 1}"
                    if roll < 0.1
                    else f"{MONTH_ABBR[starts.month - 1]} {starts.year}"
                    if roll < 0.2
                    else f"{starts:%d/%m/%Y}"
                )
                contract_start = "TBA" if rng.random() < 0.05 else f"{contract:%d/%m/%Y}"
                advert = f"{starts + dt.timedelta(days=45):%d/%m/%Y}" if t == 2 else ""
                length = rng.choice(["36", "24 months", "48", "5 years", "12 months", ""])
                statutory = rng.choice(["Y", "N", "N", ""])
                fields = {}
                for field_name, printed in (
                    ("procurement_start", procurement_start),
                    ("advert", advert),
                    ("contract_start", contract_start),
                ):
                    parsed = _parse_date(printed)
                    fields.update(
                        {
                            f"{field_name}_printed": printed,
                            field_name: parsed.date,
                            f"{field_name}_problem": parsed.problem,
                        }
                    )
                self.t(ProcurementEntry).add(
                    table_id=table_id,
                    plan_id=plan_id,
                    group=rng.choice(spec["divisions"]),
                    title=name,
                    value_printed=value_printed,
                    value=money.value,
                    value_status=money.status,
                    length_printed=length,
                    length_months=_parse_months(length),
                    statutory_printed=statutory,
                    statutory=_parse_flag(statutory),
                    notes="Includes an option to extend by 12 months" if rng.random() < 0.1 else "",
                    order=order,
                    **fields,
                )
