"""Shared table behaviour: sorting from the query string and CSV / Excel downloads of exactly the rows and
columns shown, with spreadsheet formulas neutralised (CSV injection)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import django_tables2 as tables
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.encoding import force_str

from plans.models import DataVersion
from plans.table_cells import table_cells
from plans.templatetags.plan_extras import money
from plans.xlsx import xlsx_stream

EXPORT_FORMATS = ("csv", "xlsx")
PER_PAGE = 100  # rows per page of a council-wide list
MAX_PER_PAGE = 500
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula ('=cmd|...', '+1+1', '@SUM') gets a leading
    apostrophe; numbers (including negative ones) are left alone."""
    if isinstance(value, str) and FORMULA.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A financial year ("2019-20") is one token: in a narrow column it broke after its hyphen.
YEAR_CELL = {"td": {"class": "app-nowrap"}}
CHUNK = 2000  # rows fetched (and prefetched) per round trip while a download streams


class _Echo:
    """csv.writer writes into this and gets the line back, so a CSV can be yielded line by line."""

    def write(self, line: str) -> str:
        return line


def export_rows(table: tables.Table) -> Iterator[list]:
    """The header and then every row as the table shows them (each column's `value`), with formulas
    neutralised. Querysets are read in chunks, so a download never holds the whole table in memory."""
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    yield [neutralise(force_str(column.header, strings_only=True)) for column in columns]
    data = table.data.data  # already ordered by RequestConfig
    records = data.iterator(chunk_size=CHUNK) if isinstance(data, QuerySet) else iter(data)
    for cells in table_cells(table, records, columns=columns, download=True):
        yield [neutralise(force_str(cell, strings_only=True)) for cell in cells]


def _slot(url: str, export_format: str) -> Path | None:
    """The folder where the download of `url` is kept for the current data version (under
    settings.EXPORT_CACHE_DIR), or None when downloads are not cached. A download depends only on the published
    data and its URL, so a file made for this data version can be served again; a write bumps the version and
    older files are removed."""
    folder = settings.EXPORT_CACHE_DIR
    if not settings.PAGE_CACHE or folder is None:
        return None
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    where = f"{settings.DATABASES['default']['NAME']}\n{url}"  # one folder may serve several databases
    return Path(folder) / f"{DataVersion.key()}-{hashlib.sha256(where.encode()).hexdigest()}-{export_format}"


def _kept(slot: Path | None) -> Path | None:
    return next(slot.iterdir(), None) if slot is not None and slot.is_dir() else None


def _served(path: Path, export_format: str) -> FileResponse:
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=CONTENT_TYPES[export_format]
    )


def kept_download(request: HttpRequest) -> HttpResponseBase | None:
    """The download asked for (`?_export=csv|xlsx`), when one made for this data version is kept: served
    before the view builds its filters and table (config.middleware.PageCacheMiddleware). 1 query."""
    export_format = request.GET.get("_export")
    if export_format not in EXPORT_FORMATS:
        return None
    path = _kept(_slot(request.get_full_path(), export_format))
    return _served(path, export_format) if path is not None else None


def _keep(source: str, slot: Path, filename: str) -> None:
    """Move a finished download into its slot and remove the slots of older versions of the same database's
    data (and those of other databases' data left untouched for a day: one folder may serve several)."""
    key = _slot_key(slot)
    if key is None:
        raise ValueError(f"{slot.name} is not a download slot's name (made by _slot)")
    epoch, version = key
    slot.mkdir(exist_ok=True)
    os.replace(source, slot / filename)
    for old in slot.parent.iterdir():
        other = _slot_key(old)
        if not old.is_dir() or other is None:
            continue
        if (other[0] == epoch and other[1] < version) or (
            other[0] != epoch and time.time() - old.stat().st_mtime > 86_400
        ):
            shutil.rmtree(old, ignore_errors=True)


def _slot_key(slot: Path) -> tuple[str, int] | None:
    """(epoch, version) from a slot's name "<epoch>.<version>-<digest>-<format>" (DataVersion.key())."""
    epoch, _, version = slot.name.split("-", 1)[0].partition(".")
    return (epoch, int(version)) if version.isdigit() else None


def _teed(chunks: Iterator[str] | Iterator[bytes], slot: Path, filename: str) -> Iterator[str | bytes]:
    """Yield the download's chunks (CSV lines, or a workbook's bytes) and write them to a temporary file, kept
    in `slot` only when complete (a client that stops reading leaves nothing behind)."""
    handle = tempfile.NamedTemporaryFile("wb", dir=slot.parent, delete=False)
    complete = False
    try:
        for chunk in chunks:
            handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
            yield chunk
        complete = True
    finally:
        handle.close()
        if complete:
            _keep(handle.name, slot, filename)
        else:
            os.unlink(handle.name)


def export_response(table: tables.Table, *, export_format: str, name: str, url: str = "") -> HttpResponseBase:
    """A streamed CSV or Excel workbook of exactly the rows and columns the table shows, sent while its rows are
    read. With `url`, a download already made for this data version is served from the export cache."""
    filename = f"{name}.{export_format}"
    slot = _slot(url, export_format) if url else None
    if (kept := _kept(slot)) is not None:
        return _served(kept, export_format)
    chunks: Iterator[str] | Iterator[bytes]
    if export_format == "csv":
        writer = csv.writer(_Echo())
        chunks = (writer.writerow(row) for row in export_rows(table))
    else:
        chunks = xlsx_stream(export_rows(table), title=name)
    response = StreamingHttpResponse(
        _teed(chunks, slot, filename) if slot is not None else chunks, content_type=CONTENT_TYPES[export_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def in_one_order(queryset: QuerySet) -> QuerySet:
    """The queryset's ordering, then the primary key: PostgreSQL returns rows that tie on the sorted columns
    in any order, so without it a page, the next page and the download could each list ties differently
    (a row shown twice, another never)."""
    query = queryset.query
    ordering = query.order_by or ((query.get_meta().ordering or ()) if query.default_ordering else ())
    return queryset.order_by(*ordering, "pk")


def table_export(
    request: HttpRequest, table: tables.Table, *, name: str, per_page: int | None = None
) -> HttpResponseBase | None:
    """Configure sorting (and, with `per_page`, paging from ?page=); answer `?_export=csv|xlsx` with the
    download of every row matching the filters, else None (render the page)."""
    tables.RequestConfig(request, paginate=False).configure(table)
    if isinstance(table.data.data, QuerySet):
        table.data.data = in_one_order(table.data.data)
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return export_response(table, export_format=export_format, name=name, url=request.get_full_path())
    if per_page:
        asked = request.GET.get(table.prefixed_per_page_field, "")
        if asked.isdigit() and 0 < int(asked) <= MAX_PER_PAGE:  # ?per_page=, up to 500 rows a page
            per_page = int(asked)
        # get_page answers a missing, non-numeric or out-of-range ?page= with the nearest real page.
        table.paginator = Paginator(table.rows, per_page)
        table.page = table.paginator.get_page(request.GET.get(table.prefixed_page_field))
    return None


class MoneyColumn(tables.Column):
    """Pounds, right-aligned; exported as a plain number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "app-num"}, "th": {"class": "app-num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return money(value)

    def value(self, value):
        return value
