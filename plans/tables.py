"""Shared table behaviour: sorting from the query string and CSV / Excel downloads of exactly the rows and
columns shown, with spreadsheet formulas neutralised (CSV injection)."""

from __future__ import annotations

import re

import django_tables2 as tables
from django.http import HttpRequest, HttpResponse
from django_tables2.export import TableExport

EXPORT_FORMATS = ("csv", "xlsx")
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula ('=cmd|...', '+1+1', '@SUM') gets a leading
    apostrophe; numbers (including negative ones) are left alone."""
    if isinstance(value, str) and FORMULA.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


class SafeExport(TableExport):
    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        for i, row in enumerate(list(dataset)):
            dataset[i] = tuple(neutralise(cell) for cell in row)
        return dataset


def table_export(request: HttpRequest, table: tables.Table, *, name: str) -> HttpResponse | None:
    """Configure sorting; answer `?_export=csv|xlsx` with the download of every row matching the filters,
    else None (render the page)."""
    tables.RequestConfig(request, paginate=False).configure(table)
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return SafeExport(export_format, table).response(filename=f"{name}.{export_format}")
    return None


class MoneyColumn(tables.Column):
    """Pounds, right-aligned; exported as a plain number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "app-num"}, "th": {"class": "app-num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        from plans.templatetags.plan_extras import money

        return money(value)

    def value(self, value):
        return value
