"""The pieces every page's tables are built from: a PageTable drawn as the pages draw their tables
(templates/partials/page_table.html) and downloadable with the same rows and columns
(`<page>?_export=csv|xlsx&_table=<name>`, the page's own query string kept), its column kinds, and what a cell
downloads as. The dashboard, KPI, budget and procurement pages build their tables from these."""

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
from django.utils.html import strip_tags

from plans.tables import MoneyColumn, table_export

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

    def __init__(
        self, template_code: str, *, export: Callable[[Any], Any] | None = None, numeric: bool = False, **kwargs
    ):
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
    """A TextColumn drawn by `draw(value)` in Python (dashboard.cells), for cells repeated hundreds of times; with
    `row`, by `draw(record)`, for a cell drawn from several of the row's fields."""

    def __init__(self, draw: Callable[[Any], str], *, row: bool = False, **kwargs):
        super().__init__("", **kwargs)
        self.draw, self.row = draw, row

    def render(self, record: Any, value: Any) -> str:
        return self.draw(record if self.row else value)


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

    def __init__(
        self,
        data: Iterable,
        *,
        name: str,
        label: str,
        caption: str = "",
        caption_class: str = "govuk-table__caption--m",
        region: str = "",
        row_headers: bool = True,
        small: bool = True,
        **kwargs,
    ):
        if not small:
            kwargs["attrs"] = {"class": "govuk-table"}
        super().__init__(data, **kwargs)
        self.name, self.label, self.caption, self.caption_class = name, label, caption, caption_class
        self.region, self.row_headers = region, row_headers


def page_table(name: str, data: Iterable, columns: list[tuple[str, tables.Column]], **kwargs) -> PageTable:
    """A PageTable with these columns, in this order."""
    return PageTable(data, name=name, extra_columns=columns, **kwargs)
