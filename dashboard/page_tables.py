"""The tables of the dashboard pages (council overview, department dashboard, plan, KPI and measure pages;
the cabinet summary's are in dashboard/briefing.py) as django-tables2 tables, drawn as the pages drew them
(templates/partials/page_table.html)
and downloadable with the same rows and columns: `<page>?_export=csv|xlsx&_table=<name>`, the page's own
query string kept (?year=, ?plan=). Built from data the page has already loaded: no queries."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from html import unescape
from typing import Any

import django_tables2 as tables
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template import Context, Template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from dashboard.cells import budget_figure, kpi_values
from plans.tables import YEAR_CELL, MoneyColumn, table_export
from plans.templatetags.plan_extras import fy

NUMERIC = {"td": {"class": "app-num"}, "th": {"class": "app-num"}}


def page_export(request: HttpRequest, page_tables: Iterable[tables.Table], *, stem: str) -> HttpResponseBase | None:
    """The page's answer to `?_export=csv|xlsx&_table=<name>`: that table's download (file `<stem>-<name>`),
    or None to draw the page (no export asked, or no table of that name)."""
    wanted = request.GET.get("_table")
    table = next((t for t in page_tables if t.name == wanted), None)
    return table_export(request, table, name=f"{stem}-{table.name}") if table is not None else None


def by_name(page_tables: Iterable[tables.Table]) -> dict[str, tables.Table]:
    """The tables for a template: `tables.off_track` is the table named "off-track"."""
    return {t.name.replace("-", "_"): t for t in page_tables}


# -- what a cell downloads as ------------------------------------------------------------------------------

BREAKS = re.compile(r"<br\s*/?>|</?(?:li|ul|ol|p)\b[^>]*>", re.I)  # where the page starts a new line


def shown_text(html: str) -> str:
    """The text a cell shows: tags dropped, entities decoded, line breaks and list items as new lines."""
    text = unescape(strip_tags(BREAKS.sub("\n", html)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def plain(value: Decimal | None) -> Decimal | int | None:
    """A figure for a spreadsheet: whole numbers without decimal places."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else value.normalize()


@functools.lru_cache(maxsize=512)
def _compiled(template_code: str) -> Template:
    """The columns are made afresh for every request, their template code is not: compiling it was a tenth
    of a large plan page's time. A compiled template holds no request state, so one serves every request."""
    return Template(template_code)


class TextColumn(tables.TemplateColumn):
    """A cell drawn by template code exactly as the page drew it (`record` is the row); its download is the
    text it shows, or `export(record)` where the download should be a plain figure instead."""

    def __init__(self, template_code: str, *, export: Callable[[Any], Any] | None = None, numeric: bool = False,
                 **kwargs):
        if numeric:
            kwargs.setdefault("attrs", NUMERIC)
        super().__init__(template_code="{% load plan_extras %}" + template_code, **kwargs)
        self.export = export
        self.template = _compiled(self.template_code)  # compiled once per process, not per request or cell

    def render(self, record: Any, value: Any) -> str:
        # Only the row: the cell is the same on the page and in the download, whatever the page's context.
        return self.template.render(Context({"record": record, "value": value}))

    def value(self, record: Any, **kwargs) -> Any:
        if self.export is not None:
            return self.export(record)
        return shown_text(str(tables.Column.value(self, record=record, **kwargs)))


class DrawnColumn(TextColumn):
    """A TextColumn drawn by `draw(value)` in Python (dashboard.cells), for cells repeated hundreds of times."""

    def __init__(self, draw: Callable[[Any], str], **kwargs):
        super().__init__("", **kwargs)
        self.draw = draw

    def render(self, record: Any, value: Any) -> str:
        return self.draw(value)


class AmountColumn(MoneyColumn):
    """Pounds (a plain number in the download); a cell that holds words instead ('Not stated', 'Not in
    that plan') shows and downloads them."""

    def render(self, value: Decimal | str) -> str:
        return value if isinstance(value, str) else super().render(value)

    def value(self, value: Decimal | str) -> Any:
        return value if isinstance(value, str) else plain(value)


class PageTable(tables.Table):
    """A table on a dashboard page. `label` names it to screen readers in its download links (its caption,
    or what the page's heading says it is); `region` wraps it in a focusable scrolling region of that name;
    `row_headers` makes its first cells row headers."""

    class Meta:
        template_name = "partials/page_table.html"
        orderable = False  # each keeps the page's order: off track first, the printed order, newest first
        default = ""
        attrs = {"class": "govuk-table govuk-body-s"}

    def __init__(self, data: Iterable, *, name: str, label: str, caption: str = "",
                 caption_class: str = "govuk-table__caption--m", region: str = "", row_headers: bool = True,
                 small: bool = True, **kwargs):
        if not small:
            kwargs["attrs"] = {"class": "govuk-table"}
        super().__init__(data, **kwargs)
        self.name, self.label, self.caption, self.caption_class = name, label, caption, caption_class
        self.region, self.row_headers = region, row_headers


def page_table(name: str, data: Iterable, columns: list[tuple[str, tables.Column]], **kwargs) -> PageTable:
    """A PageTable with these columns, in this order."""
    return PageTable(data, name=name, extra_columns=columns, **kwargs)


KPI_LINK = '<a class="govuk-link" href="{{ record.kpi.get_absolute_url }}">{{ record.kpi.description }}</a>'
STATUS = '{% include "partials/status.html" with assessment=VALUE %}'


def _status(accessor: str, verbose_name: str) -> TextColumn:
    return TextColumn(STATUS.replace("VALUE", f"record.{accessor}"), verbose_name=verbose_name)


def _money_or(value: Decimal | None, words: str) -> Decimal | str:
    return words if value is None else value


# -- council overview --------------------------------------------------------------------------------------

def overview_tables(rows: list, *, year: int | None) -> list[PageTable]:
    """`rows` are selectors.PlanFigures, one per department."""
    departments = page_table("departments", rows, [
        ("department", TextColumn('<a class="govuk-link" href="{{ record.plan.department.get_absolute_url }}">'
                                  '{{ record.plan.department.name }}</a>', verbose_name="Department")),
        ("plan", TextColumn(
            '<a class="govuk-link" href="{{ record.plan.get_absolute_url }}">{{ record.plan.title }}</a><br>'
            '<span class="app-muted">for {{ record.plan.year_label }}{% if record.plan.status == "draft" %}, draft'
            '{% endif %}</span><br>'
            '<a class="govuk-link govuk-body-s" href="{% url \'plan_summary\' record.plan.slug %}">'
            'Cabinet summary</a>', verbose_name="Plan",
            # the link to the cabinet summary is a way on, not part of the record
            export=lambda f: f"{f.plan.title}\nfor {f.plan.year_label}"
                             f"{', draft' if f.plan.status == 'draft' else ''}")),
        ("net", TextColumn('{% include "partials/net_budget.html" with cell=record.net_cell %}', numeric=True,
                           verbose_name="Net controllable budget",
                           export=lambda f: plain(f.net_budget) if f.net_cell is not None else "Not printed")),
        ("kpis", TextColumn('{% include "partials/status_counts.html" with counts=record.status_counts %}',
                            verbose_name="KPIs by status")),
        ("deliverables", TextColumn(
            '<ul class="govuk-list app-list-tight govuk-body-s">'
            '{% for priority, n in record.deliverables_by_priority %}'
            '<li>{{ priority }}: {{ n }}</li>{% empty %}<li>None printed</li>{% endfor %}</ul>',
            verbose_name="Deliverables by priority")),
    ], label=f"Departments and their plans for {fy(year)}", caption=f"Departments and their plans for {fy(year)}",
        region="Departments", small=False)
    counts = [{"department": f.plan.department.name, **{s: f.status_counts.get(s, 0) for s in
                                                         ("off_track", "near", "on_track", "none")}} for f in rows]
    chart = page_table("kpi-status", counts, [
        ("department", tables.Column(verbose_name="Department")),
        ("off_track", tables.Column(verbose_name="Off track", attrs=NUMERIC)),
        ("near", tables.Column(verbose_name="Near target", attrs=NUMERIC)),
        ("on_track", tables.Column(verbose_name="On track", attrs=NUMERIC)),
        ("none", tables.Column(verbose_name="No assessment", attrs=NUMERIC)),
    ], label="The chart's figures: key performance measures by status and department", caption="The chart's figures",
        caption_class="govuk-table__caption--s")
    return [departments, chart]


# -- department dashboard ----------------------------------------------------------------------------------

def department_tables(*, department, plans: list, plan, figures=None, divisions=(), contracts=(),
                      upcoming: bool = False) -> list[PageTable]:
    """The dashboard of `plan` (None: the department has no plan) and the department's plans over time."""
    result = [page_table("plans", [{"plan": p, "shown": p == plan} for p in plans], [
        ("plan", TextColumn('<a class="govuk-link" href="{{ record.plan.get_absolute_url }}">'
                            '{{ record.plan.title }}</a>', verbose_name="Plan")),
        ("year", tables.Column(accessor="plan__year_label", verbose_name="For year")),
        ("period", tables.Column(accessor="plan__period", verbose_name="Period")),
        ("director", tables.Column(accessor="plan__executive_director", verbose_name="Executive director")),
        ("status", tables.Column(accessor="plan__get_status_display", verbose_name="Status")),
        ("dashboard", TextColumn(
            '{% if record.shown %}Shown above{% else %}<a class="govuk-link" href="?plan={{ record.plan.slug }}">'
            'Show dashboard<span class="govuk-visually-hidden"> for {{ record.plan.year_label }}</span></a>{% endif %}',
            verbose_name=mark_safe('<span class="govuk-visually-hidden">Dashboard</span>'),
            exclude_from_export=True)),  # a way to another dashboard, not part of the record
    ], label=f"{department.name} plans", caption=f"{department.name} plans", caption_class="govuk-visually-hidden",
        row_headers=False, small=False)]
    if plan is None:
        return result
    kpis = [{"kpi": kpi, "assessment": assessment} for kpi, assessment in figures.kpis[:15]]
    result.append(page_table("kpis", kpis, [
        ("measure", TextColumn(KPI_LINK, verbose_name="Measure")),
        ("status", _status("assessment", "Status")),
        ("travel", tables.Column(accessor="assessment__travel_label", verbose_name="Direction of travel")),
        ("reason", tables.Column(accessor="assessment__reason", verbose_name="Why")),
    ], label="Key performance measures, off track first", region="Key performance measures"))
    result.append(page_table("divisions", [{"division": n, "gross": g, "net": net} for n, g, net in divisions], [
        ("division", tables.Column(verbose_name="Division")),
        ("gross", AmountColumn(verbose_name="Gross")),
        ("net", AmountColumn(verbose_name="Net")),
    ], label=f"Net controllable budget by division ({plan.year_label})",
        caption=f"Net controllable budget by division ({plan.year_label})", caption_class="govuk-table__caption--s"))
    result.append(page_table("contracts", [
        {"title": e.title, "start": e.contract_start_printed,
         "value": _money_or(e.value, e.value_printed or "Not stated")} for e in contracts], [
        ("title", tables.Column(verbose_name="Contract")),
        ("start", tables.Column(verbose_name="Contract start")),
        ("value", AmountColumn(verbose_name="Estimated value")),
    ], label="Contracts starting soonest" if upcoming else "Latest contract starts in this plan"))
    return result


# -- the plan page -----------------------------------------------------------------------------------------

NOT_A_DATE = '{% if PROBLEM %} <strong class="govuk-tag govuk-tag--yellow">Not a real date</strong>{% endif %}'


def _printed_date(field: str, verbose_name: str) -> TextColumn:
    return TextColumn("{{ record." + field + "_printed }}" + NOT_A_DATE.replace("PROBLEM", f"record.{field}_problem"),
                      verbose_name=verbose_name)


def _budget_export(cell) -> Decimal | int | str | None:
    """A budget cell's download: the figure, or a printed dash or blank as printed (nothing is stored)."""
    if cell is None:
        return None
    return plain(cell.value) if cell.value is not None else cell.printed.strip()


def _budget_caption(table) -> str:
    note = f": {table.unit_note}" if table.unit_note else ""
    return format_html('{} <span class="app-caption-note">Figures in pounds (printed in {}){}</span>',
                       table.title, table.unit, note)


def plan_tables(*, plan, sections: dict) -> dict:
    """Every table of the plan page from selectors.plan_sections: a name -> table for the single tables
    and lists for the repeated ones (budget tables, deliverable sections, KPI groups, procurement tables)."""
    plain_large = {"row_headers": False, "small": False}
    result: dict[str, Any] = {
        "divisions": page_table("divisions", sections["divisions"], [
            ("name", tables.Column(verbose_name="Division")),
            ("director", tables.Column(verbose_name="Director")),
        ], label="Divisions", caption="Divisions", **plain_large),
        "workforce": page_table("workforce", sections["workforce"], [
            ("division", TextColumn('{{ record.division|default:"Whole department" }}', verbose_name="Service area")),
            ("headcount_printed", tables.Column(verbose_name="Headcount", attrs=NUMERIC)),
            ("fte_printed", tables.Column(verbose_name="FTE", attrs=NUMERIC)),
            ("note", tables.Column(verbose_name="Note")),
        ], label="Workforce", caption="Workforce", **plain_large),
        "pressures": page_table("pressures", sections["pressures"], [
            ("title", tables.Column(verbose_name="Pressure")),
            ("kind", tables.Column(accessor="get_kind_display", verbose_name="Kind")),
            ("amount", AmountColumn(verbose_name="Amount")),
        ], label="Service pressures funded", caption="Service pressures funded", **plain_large),
        "savings": page_table("savings", sections["savings"], [
            ("title", TextColumn('{{ record.title }}{% if record.description %}<br><span class="app-muted">'
                                 '{{ record.description }}</span>{% endif %}', verbose_name="Saving")),
            ("amount", AmountColumn(verbose_name="Amount")),
        ], label="Savings", caption="Savings", **plain_large),
        "risks": page_table("risks", sections["risks"], [
            ("description", TextColumn(
                '{% if record.section or record.council_priority %}<span class="app-muted">{{ record.section }}'
                '{% if record.section and record.council_priority %} – {% endif %}'
                '{{ record.council_priority }}</span>'
                '<br>{% endif %}{{ record.description }}{% if record.refs %} <span class="app-muted">'
                '({{ record.refs|join:", " }})</span>{% endif %}', verbose_name="Risk")),
            ("type", tables.Column(verbose_name="Type")),
            ("mitigations", TextColumn(
                '{% if record.mitigation_intro %}{{ record.mitigation_intro }}{% endif %}'
                '{% include "partials/bullets.html" with items=record.mitigations %}',
                verbose_name="Management actions")),
            ("owner", tables.Column(verbose_name="Owner")),
        ], label="Risks", region="Risks", row_headers=False),
        "discrepancies": page_table("discrepancies", sections["discrepancies"], [
            ("record", tables.Column(verbose_name="Record")),
            ("field", tables.Column(verbose_name="Field")),
            ("printed", tables.Column(verbose_name="Printed")),
            ("stored", tables.Column(verbose_name="Stored")),
            ("note", tables.Column(verbose_name="Explanation")),
            ("src_label", tables.Column(verbose_name="Where")),
        ], label="Source discrepancies", region="Source discrepancies", row_headers=False),
    }

    budgets = []
    for i, table in enumerate(sections["budget_tables"], 1):
        columns = list(table.columns.all())
        rows = []
        for row in table.rows.all():
            cells = {cell.column_id: cell for cell in row.cells.all()}
            rows.append({"row": row, **{f"c{c.pk}": cells.get(c.pk) for c in columns}})
        budgets.append((table, page_table(f"budget-{i}", rows, [
            ("division", TextColumn('{% if record.row.group and record.row.kind == "row" %}<span class="app-muted">'
                                    '{{ record.row.group }}: </span>{% endif %}'
                                    '{{ record.row.division|default:"(unlabelled row)" }}', verbose_name="Division")),
            *[(f"c{c.pk}", DrawnColumn(
                functools.partial(budget_figure, table=table), verbose_name=c.label, numeric=True,
                export=lambda record, key=f"c{c.pk}": _budget_export(record[key])))
              for c in columns],
        ], label=table.title, caption=_budget_caption(table), region=table.title)))
    result["budget_tables"] = budgets

    deliverables = []
    for i, (key, items) in enumerate(sections["deliverable_sections"].items(), 1):
        rows = []
        for d in items:
            rows.append({"item": d, "label": d.label, "sub": False})
            rows += [{"item": s, "label": "", "sub": True} for s in d.subs]
        deliverables.append((key, page_table(f"deliverables-{i}", rows, [
            ("label", tables.Column(verbose_name="Ref")),
            ("title", TextColumn('{% if record.sub %}– {% endif %}<a class="govuk-link" '
                                 'href="{{ record.item.get_absolute_url }}">{{ record.item.title }}</a>',
                                 verbose_name="Deliverable")),
            ("lead", tables.Column(accessor="item__lead", verbose_name="Lead")),
            ("start", tables.Column(accessor="item__start_printed", verbose_name="Start")),
            ("end", tables.Column(accessor="item__end_printed", verbose_name="End")),
            ("measures", TextColumn('{% include "partials/bullets.html" with items=record.item.success_measures %}',
                                    verbose_name="Success measures")),
        ], label=f"Deliverables: {key[1] or key[0]}", region=f"Deliverables: {key[1] or key[0]}", row_headers=False)))
    result["deliverable_sections"] = deliverables

    kpi_groups = []
    for i, (group, arranged) in enumerate(sections["kpi_tables"], 1):
        rows = [{"kpi": row.kpi, **{f"c{j}": cell for j, cell in enumerate(row.cells)}} for row in arranged.rows]
        name = f"Key performance measures{': ' + group if group else ''}"
        kpi_groups.append((group, page_table(f"kpis-{i}", rows, [
            ("measure", TextColumn(KPI_LINK + '{% for f in record.kpi.footnotes %}<br><span class="app-muted">{{ f }}'
                                   '</span>{% endfor %}', verbose_name="Measure")),
            # The status next to the measure: the printed columns after it can run past the screen's edge.
            ("status", _status("kpi.stored_assessment", "Status")),
            *[(f"c{j}", DrawnColumn(kpi_values, verbose_name=header))
              for j, header in enumerate(arranged.headers)],
            ("responsible", tables.Column(accessor="kpi__responsible", verbose_name="Responsible")),
        ], label=name, region=name)))
    result["kpi_tables"] = kpi_groups

    procurement = []
    for i, table in enumerate(sections["procurement_tables"], 1):
        caption = format_html("{}{}", table.title, format_html(' <span class="app-caption-note">{}</span>', table.band)
                              if table.band else "")
        procurement.append((table, page_table(f"procurement-{i}", list(table.entries.all()), [
            ("title", TextColumn('{{ record.title }}{% if record.notes %}<br><span class="app-muted">{{ record.notes }}'
                                 '</span>{% endif %}', verbose_name="Contract")),
            ("group", TextColumn('{{ record.group }}{% if record.subgroup %} – {{ record.subgroup }}{% endif %}',
                                 verbose_name="Service group")),
            ("value", TextColumn('{% if record.value is not None %}{{ record.value|money }}{% else %}'
                                 '{{ record.value_printed|default:"Not stated" }}{% endif %}', numeric=True,
                                 verbose_name="Estimated value",
                                 export=lambda e: plain(e.value) if e.value is not None
                                 else (e.value_printed or "Not stated"))),
            ("procurement_start", _printed_date("procurement_start", "Procurement start")),
            ("advert", _printed_date("advert", "Advert")),
            ("contract_start", _printed_date("contract_start", "Contract start")),
            ("length_printed", tables.Column(verbose_name="Length")),
            ("statutory_printed", tables.Column(verbose_name="Statutory")),
        ], label=table.title, caption=caption, region=table.title, row_headers=False)))
    result["procurement_tables"] = procurement
    return result


def all_tables(grouped: dict) -> list[PageTable]:
    """Every table of plan_tables(), for page_export."""
    found = []
    for value in grouped.values():
        found += [pair[1] for pair in value] if isinstance(value, list) else [value]
    return found


# -- KPI and measure pages ---------------------------------------------------------------------------------

DOUBT = '{% if v.doubtful %}{% include "partials/doubtful.html" with reason=v.doubtful %} {% endif %}'
AS_AT = ('{% if v.as_at %}As at {% if v.as_at_precision == "day" %}{{ v.as_at|date:"j M Y" }}{% else %}'
         '{{ v.as_at|date:"M Y" }}{% endif %}. {% endif %}{% if v.provisional %}Provisional. {% endif %}')


def history_table(history: list, *, charted: bool) -> PageTable:
    """Every value of a measure by year (kpis.selectors.measure_history): the history chart's table."""
    rows = [{"point": point, "v": v} for point in history for v in point.values]
    with_v = "{% with v=record.v %}CODE{% endwith %}"
    caption = f"Every value held, by year{'' if charted else ' (nothing numeric to chart)'}"
    return page_table("history", rows, [
        ("year", tables.Column(accessor="point__year_label", verbose_name="Year", attrs=YEAR_CELL)),
        ("kind", TextColumn(with_v.replace("CODE", '{{ v.get_kind_display }}{% if v.kind == "latest" %} (part-year)'
                                                   '{% endif %}'), verbose_name="Kind")),
        ("printed", TextColumn('{{ record.v.printed|default:"(blank)" }}', verbose_name="As printed")),
        ("plan", TextColumn(with_v.replace("CODE", (
            '{% if v.is_entry %}Entered by {{ v.entered_by.get_full_name|default:v.entered_by.get_username }}, '
            '{{ v.entered_at|date:"j M Y" }}{% else %}<a class="govuk-link" href="{{ v.kpi.get_absolute_url }}">'
            '{{ v.kpi.plan.year_label }} {{ v.kpi.plan.get_kind_display|lower }}</a>{% endif %}')),
            verbose_name="In plan")),
        ("notes", TextColumn(with_v.replace("CODE", AS_AT + (
            '{% if record.point.is_restated and v.kind != "target" %}<strong class="govuk-tag govuk-tag--yellow">'
            'Restated</strong> plans print different figures for this year. {% endif %}' + DOUBT + '{{ v.note }}')),
            verbose_name="Notes")),
    ], label="Every value held, by year", caption=caption, region="Every value held, by year", row_headers=False)


def kpi_tables(*, kpi, entries: list, history: list, charted: bool) -> list[PageTable]:
    """The KPI page's tables: the values entered, its history across plans, and this plan's row as printed."""
    with_v = "{% with v=record %}CODE{% endwith %}"
    entered = page_table("entries", entries, [
        ("when", TextColumn('{{ record.entered_at|date:"j M Y H:i" }}', verbose_name="When")),
        ("who", TextColumn('{{ record.entered_by.get_full_name|default:record.entered_by.get_username }}',
                           verbose_name="Who")),
        ("year", tables.Column(accessor="year_label", verbose_name="Year", attrs=YEAR_CELL)),
        ("was", TextColumn('{{ record.previous_printed|default:"(nothing)" }}{% if record.previous_printed %} '
                           '<span class="app-muted">({% if record.previous_by %}entered by {{ record.previous_by }}'
                           '{% else %}as printed in the plan{% endif %})</span>{% endif %}', verbose_name="Was")),
        ("now", TextColumn('{{ record.printed }}{% if record.provisional %} (provisional){% endif %}'
                           '{% if record.as_at %} as at {{ record.as_at|date:"M Y" }}{% endif %}', verbose_name="Now")),
        ("commentary", tables.Column(verbose_name="Why")),
    ], label="Values entered by performance leads, newest first",
        caption="Values entered by performance leads, newest first", caption_class="govuk-visually-hidden",
        row_headers=False)
    printed = page_table("printed", list(kpi.values.all()), [
        ("year", TextColumn('{{ record.year_label }}{% if record.column %} <span class="app-muted">(printed under '
                            '{{ record.column }})</span>{% endif %}', verbose_name="Year")),
        ("kind", tables.Column(accessor="get_kind_display", verbose_name="Kind")),
        ("printed", TextColumn('{{ record.printed|default:"(blank)" }}', verbose_name="Printed")),
        ("read_as", TextColumn('{% if record.kind == "target" %}{{ record.target_summary|capfirst }}'
                               '{% elif record.value is not None %}{{ record.value|number }}{% elif record.status %}'
                               '{{ record.get_status_display }}{% endif %}', numeric=True, verbose_name="Read as")),
        ("notes", TextColumn(with_v.replace("CODE", AS_AT + DOUBT + "{{ v.note }}"), verbose_name="Notes")),
    ], label=f"Values as printed in {kpi.plan.title}", caption=f"Values as printed in {kpi.plan.title}",
        caption_class="govuk-visually-hidden", row_headers=False)
    return [entered, history_table(history, charted=charted), printed]
