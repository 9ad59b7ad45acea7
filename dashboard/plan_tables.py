"""The tables of the plan page (dashboard/views.py plan_detail): divisions, workforce, pressures, savings, risks,
discrepancies and the repeated budget, deliverable, KPI and procurement tables, as django-tables2 tables built from
plans/page_table.py, drawn as the page drew them (templates/partials/page_table.html) and downloadable with the
same rows and columns (`?_export=csv|xlsx&_table=<name>`). Built from data the page has already loaded: no queries."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.safestring import mark_safe

from dashboard.cells import budget_figure, kpi_link_with_footnotes, kpi_values
from dashboard.page_tables import _status
from plans.html import format_html
from plans.page_table import NUMERIC, AmountColumn, DrawnColumn, PageTable, TextColumn, page_table, plain
from plans.templatetags.plan_extras import money

NOT_A_DATE = mark_safe(' <strong class="govuk-tag govuk-tag--yellow">Not a real date</strong>')


def _printed_date(field: str, verbose_name: str) -> DrawnColumn:
    """A date as the plan printed it, tagged when the printed text is not a real date."""

    def draw(entry) -> str:
        problem = NOT_A_DATE if getattr(entry, f"{field}_problem") else ""
        return format_html("{}{}", getattr(entry, f"{field}_printed"), problem)

    return DrawnColumn(draw, row=True, verbose_name=verbose_name)


# A procurement table's contract, service group and value cells: drawn in Python (a large plan prints over fifty
# contracts, and these were most of the page's template renders).
def _contract(entry) -> str:
    notes = format_html('<br><span class="app-muted">{}</span>', entry.notes) if entry.notes else ""
    return format_html("{}{}", entry.title, notes)


def _service_group(entry) -> str:
    return format_html("{}{}", entry.group, format_html(" – {}", entry.subgroup) if entry.subgroup else "")


def _estimated_value(entry) -> str:
    return format_html("{}", money(entry.value) if entry.value is not None else (entry.value_printed or "Not stated"))


def _budget_export(cell) -> Decimal | int | str | None:
    """A budget cell's download: the figure, or a printed dash or blank as printed (nothing is stored)."""
    if cell is None:
        return None
    return plain(cell.value) if cell.value is not None else cell.printed.strip()


def _budget_column_export(key: str) -> Callable[[dict[str, Any]], Decimal | int | str | None]:
    """The download of one column of a budget table's rows (each row a dict holding its cells by column key)."""
    return lambda record: _budget_export(record[key])


def _budget_caption(table) -> str:
    note = f": {table.unit_note}" if table.unit_note else ""
    return format_html(
        '{} <span class="app-caption-note">Figures in pounds (printed in {}){}</span>', table.title, table.unit, note
    )


def plan_tables(*, plan, sections: dict) -> dict:
    """Every table of the plan page from selectors.plan_sections: a name -> table for the single tables
    and lists for the repeated ones (budget tables, deliverable sections, KPI groups, procurement tables)."""
    plain_large = {"row_headers": False, "small": False}
    result: dict[str, Any] = {
        "divisions": page_table(
            "divisions",
            sections["divisions"],
            [
                ("name", tables.Column(verbose_name="Division")),
                ("director", tables.Column(verbose_name="Director")),
            ],
            label="Divisions",
            caption="Divisions",
            **plain_large,
        ),
        "workforce": page_table(
            "workforce",
            sections["workforce"],
            [
                (
                    "division",
                    TextColumn('{{ record.division|default:"Whole department" }}', verbose_name="Service area"),
                ),
                ("headcount_printed", tables.Column(verbose_name="Headcount", attrs=NUMERIC)),
                ("fte_printed", tables.Column(verbose_name="FTE", attrs=NUMERIC)),
                ("note", tables.Column(verbose_name="Note")),
            ],
            label="Workforce",
            caption="Workforce",
            **plain_large,
        ),
        "pressures": page_table(
            "pressures",
            sections["pressures"],
            [
                ("title", tables.Column(verbose_name="Pressure")),
                ("kind", tables.Column(accessor="get_kind_display", verbose_name="Kind")),
                ("amount", AmountColumn(verbose_name="Amount")),
            ],
            label="Service pressures funded",
            caption="Service pressures funded",
            **plain_large,
        ),
        "savings": page_table(
            "savings",
            sections["savings"],
            [
                (
                    "title",
                    TextColumn(
                        '{{ record.title }}{% if record.description %}<br><span class="app-muted">'
                        "{{ record.description }}</span>{% endif %}",
                        verbose_name="Saving",
                    ),
                ),
                ("amount", AmountColumn(verbose_name="Amount")),
            ],
            label="Savings",
            caption="Savings",
            **plain_large,
        ),
        "risks": page_table(
            "risks",
            sections["risks"],
            [
                (
                    "description",
                    TextColumn(
                        '{% if record.section or record.council_priority %}<span class="app-muted">{{ record.section }}'
                        "{% if record.section and record.council_priority %} – {% endif %}"
                        "{{ record.council_priority }}</span>"
                        '<br>{% endif %}{{ record.description }}{% if record.refs %} <span class="app-muted">'
                        '({{ record.refs|join:", " }})</span>{% endif %}',
                        verbose_name="Risk",
                    ),
                ),
                ("type", tables.Column(verbose_name="Type")),
                (
                    "mitigations",
                    TextColumn(
                        "{% if record.mitigation_intro %}{{ record.mitigation_intro }}{% endif %}"
                        '{% include "partials/bullets.html" with items=record.mitigations %}',
                        verbose_name="Management actions",
                    ),
                ),
                ("owner", tables.Column(verbose_name="Owner")),
            ],
            label="Risks",
            region="Risks",
            row_headers=False,
        ),
        "discrepancies": page_table(
            "discrepancies",
            sections["discrepancies"],
            [
                ("record", tables.Column(verbose_name="Record")),
                ("field", tables.Column(verbose_name="Field")),
                ("printed", tables.Column(verbose_name="Printed")),
                ("stored", tables.Column(verbose_name="Stored")),
                ("note", tables.Column(verbose_name="Explanation")),
                ("src_label", tables.Column(verbose_name="Where")),
            ],
            label="Source discrepancies",
            region="Source discrepancies",
            row_headers=False,
        ),
    }

    budgets = []
    for i, table in enumerate(sections["budget_tables"], 1):
        columns = list(table.columns.all())
        rows = []
        for row in table.rows.all():
            cells = {cell.column_id: cell for cell in row.cells.all()}
            rows.append({"row": row, **{f"c{c.pk}": cells.get(c.pk) for c in columns}})
        budgets.append(
            (
                table,
                page_table(
                    f"budget-{i}",
                    rows,
                    [
                        (
                            "division",
                            TextColumn(
                                '{% if record.row.group and record.row.kind == "row" %}<span class="app-muted">'
                                "{{ record.row.group }}: </span>{% endif %}"
                                '{{ record.row.division|default:"(unlabelled row)" }}',
                                verbose_name="Division",
                            ),
                        ),
                        *[
                            (
                                f"c{c.pk}",
                                DrawnColumn(
                                    functools.partial(budget_figure, table=table),
                                    verbose_name=c.label,
                                    numeric=True,
                                    export=_budget_column_export(f"c{c.pk}"),
                                ),
                            )
                            for c in columns
                        ],
                    ],
                    label=table.title,
                    caption=_budget_caption(table),
                    region=table.title,
                ),
            )
        )
    result["budget_tables"] = budgets

    deliverables = []
    for i, (key, items) in enumerate(sections["deliverable_sections"].items(), 1):
        rows = []
        for d in items:
            rows.append({"item": d, "label": d.label, "sub": False})
            rows += [{"item": s, "label": "", "sub": True} for s in d.subs]
        deliverables.append(
            (
                key,
                page_table(
                    f"deliverables-{i}",
                    rows,
                    [
                        ("label", tables.Column(verbose_name="Ref")),
                        (
                            "title",
                            TextColumn(
                                '{% if record.sub %}– {% endif %}<a class="govuk-link" '
                                'href="{{ record.item.get_absolute_url }}">{{ record.item.title }}</a>',
                                verbose_name="Deliverable",
                            ),
                        ),
                        ("lead", tables.Column(accessor="item__lead", verbose_name="Lead")),
                        ("start", tables.Column(accessor="item__start_printed", verbose_name="Start")),
                        ("end", tables.Column(accessor="item__end_printed", verbose_name="End")),
                        (
                            "measures",
                            TextColumn(
                                '{% include "partials/bullets.html" with items=record.item.success_measures %}',
                                verbose_name="Success measures",
                            ),
                        ),
                    ],
                    label=f"Deliverables: {key[1] or key[0]}",
                    region=f"Deliverables: {key[1] or key[0]}",
                    row_headers=False,
                ),
            )
        )
    result["deliverable_sections"] = deliverables

    kpi_groups = []
    for i, (group, arranged) in enumerate(sections["kpi_tables"], 1):
        rows = [{"kpi": row.kpi, **{f"c{j}": cell for j, cell in enumerate(row.cells)}} for row in arranged.rows]
        name = f"Key performance measures{': ' + group if group else ''}"
        kpi_groups.append(
            (
                group,
                page_table(
                    f"kpis-{i}",
                    rows,
                    [
                        (
                            "measure",
                            DrawnColumn(kpi_link_with_footnotes, accessor="kpi", verbose_name="Measure"),
                        ),
                        # The status next to the measure: the printed columns after it can run past the screen's edge.
                        ("status", _status("kpi__stored_assessment", "Status")),
                        *[
                            (f"c{j}", DrawnColumn(kpi_values, verbose_name=header))
                            for j, header in enumerate(arranged.headers)
                        ],
                        ("responsible", tables.Column(accessor="kpi__responsible", verbose_name="Responsible")),
                    ],
                    label=name,
                    region=name,
                ),
            )
        )
    result["kpi_tables"] = kpi_groups

    procurement = []
    for i, table in enumerate(sections["procurement_tables"], 1):
        caption = format_html(
            "{}{}",
            table.title,
            format_html(' <span class="app-caption-note">{}</span>', table.band) if table.band else "",
        )
        procurement.append(
            (
                table,
                page_table(
                    f"procurement-{i}",
                    list(table.entries.all()),
                    [
                        ("title", DrawnColumn(_contract, row=True, verbose_name="Contract")),
                        ("group", DrawnColumn(_service_group, row=True, verbose_name="Service group")),
                        (
                            "value",
                            DrawnColumn(
                                _estimated_value,
                                row=True,
                                numeric=True,
                                verbose_name="Estimated value",
                                export=lambda e: (
                                    plain(e.value) if e.value is not None else (e.value_printed or "Not stated")
                                ),
                            ),
                        ),
                        ("procurement_start", _printed_date("procurement_start", "Procurement start")),
                        ("advert", _printed_date("advert", "Advert")),
                        ("contract_start", _printed_date("contract_start", "Contract start")),
                        ("length_printed", tables.Column(verbose_name="Length")),
                        ("statutory_printed", tables.Column(verbose_name="Statutory")),
                    ],
                    label=table.title,
                    caption=caption,
                    region=table.title,
                    row_headers=False,
                ),
            )
        )
    result["procurement_tables"] = procurement
    return result


def all_tables(grouped: dict) -> list[PageTable]:
    """Every table of plan_tables(), for page_export."""
    found = []
    for value in grouped.values():
        found += [pair[1] for pair in value] if isinstance(value, list) else [value]
    return found
