"""Shared table behaviour: sorting from the query string and CSV / Excel downloads of exactly the rows and
columns shown, with spreadsheet formulas neutralised (CSV injection). A CSV is sent gzip-compressed to a client
that accepts it (every browser does): a council's 4,800 KPIs are 750 KB as text and 29 KB compressed. An Excel
workbook is a zip already and is always sent as it is."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import django_tables2 as tables
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
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
    """The download kept in `slot` (its gzip copy, when it has one, sits beside it as "<name>.gz")."""
    if slot is None or not slot.is_dir():
        return None
    return next((path for path in slot.iterdir() if path.suffix != ".gz"), None)


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the request's Accept-Encoding header allows a gzip-coded body (RFC 9110, section 12.5.3): gzip
    named with a weight above 0, or not named and "*" allowed. No header: no."""
    weights: dict[str, float] = {}
    for item in request.headers.get("Accept-Encoding", "").lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding] = weight
    named = weights.get("gzip", weights.get("x-gzip"))
    return (named if named is not None else weights.get("*", 0.0)) > 0


def _served(path: Path, export_format: str, *, gzip: bool) -> HttpResponseBase | None:
    """The kept file as a download (its gzip copy, when the client accepts gzip and there is one); None when a
    newer write's clean-up removed the file meanwhile (the view then makes the download afresh)."""
    packed = path.with_name(path.name + ".gz")
    coded = gzip and export_format == "csv"
    if coded and not packed.is_file():  # kept before downloads were compressed
        try:
            _pack(path, packed)
        except OSError:
            coded = False
    try:
        handle = (packed if coded else path).open("rb")
    except FileNotFoundError:
        return None
    response = FileResponse(handle, as_attachment=True, filename=path.name, content_type=CONTENT_TYPES[export_format])
    _coded(response, export_format, gzip=coded)
    return response


def _coded(response: HttpResponseBase, export_format: str, *, gzip: bool) -> None:
    """Mark a download's coding; a CSV's depends on the request's Accept-Encoding, so caches keep the two apart."""
    if gzip:
        response["Content-Encoding"] = "gzip"
    if export_format == "csv":
        patch_vary_headers(response, ("Accept-Encoding",))


def kept_download(request: HttpRequest) -> HttpResponseBase | None:
    """The download asked for (`?_export=csv|xlsx`), when one made for this data version is kept: served
    before the view builds its filters and table (config.middleware.PageCacheMiddleware). 1 query."""
    export_format = request.GET.get("_export")
    if export_format not in EXPORT_FORMATS:
        return None
    path = _kept(_slot(request.get_full_path(), export_format))
    if path is None:
        return None
    return _served(path, export_format, gzip=accepts_gzip(request))


def _keep(source: str, slot: Path, filename: str) -> None:
    """Move a finished download into its slot and remove the slots of older versions of the same database's
    data (and those of other databases' data left untouched for a day: one folder may serve several)."""
    key = _slot_key(slot)
    if key is None:
        raise ValueError(f"{slot.name} is not a download slot's name (made by _slot)")
    epoch, version = key
    slot.mkdir(exist_ok=True)
    if filename.endswith(".csv"):  # its gzip copy first: a kept CSV always has one
        try:
            _pack(Path(source), slot / f"{filename}.gz")
        except OSError:  # a full disk: nothing is kept, the next download is made afresh
            Path(source).unlink(missing_ok=True)
            raise
    os.replace(source, slot / filename)
    for old in slot.parent.iterdir():
        other = _slot_key(old)
        if not old.is_dir() or other is None:
            continue
        if (other[0] == epoch and other[1] < version) or (
            other[0] != epoch and time.time() - old.stat().st_mtime > 86_400
        ):
            shutil.rmtree(old, ignore_errors=True)


def _pack(source: Path, target: Path) -> None:
    """Write `source` gzip-compressed to `target`, whole or not at all (through a temporary file)."""
    packed = tempfile.NamedTemporaryFile("wb", dir=target.parent.parent, delete=False)
    try:
        with packed, source.open("rb") as plain:
            packed.writelines(_gzipped(iter(lambda: plain.read(1 << 16), b"")))
        os.replace(packed.name, target)
    except OSError:
        Path(packed.name).unlink(missing_ok=True)
        raise


def _slot_key(slot: Path) -> tuple[str, int] | None:
    """(epoch, version) from a slot's name "<epoch>.<version>-<digest>-<format>" (DataVersion.key())."""
    epoch, _, version = slot.name.split("-", 1)[0].partition(".")
    return (epoch, int(version)) if version.isdigit() else None


def _teed(chunks: Iterator[str] | Iterator[bytes], slot: Path, filename: str) -> Iterator[bytes]:
    """Yield the download's bytes (CSV lines, or a workbook's parts) and write them to a temporary file, kept
    in `slot` only when complete (a client that stops reading leaves nothing behind)."""
    handle = tempfile.NamedTemporaryFile("wb", dir=slot.parent, delete=False)
    complete = False
    try:
        for chunk in _encoded(chunks):
            handle.write(chunk)
            yield chunk
        complete = True
    finally:
        handle.close()
        if complete:
            _keep(handle.name, slot, filename)
        else:
            os.unlink(handle.name)


def _gzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks as one gzip member (RFC 1952), yielded as the compressor fills its blocks. Level 6: a 750 KB
    CSV becomes 29 KB in 5 ms; level 9 saves 0.3 % more in half as long again."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16 +: a gzip header and trailer
    for chunk in chunks:
        if packed := compressor.compress(chunk):
            yield packed
    yield compressor.flush()


def export_response(
    table: tables.Table, *, export_format: str, name: str, url: str = "", gzip: bool = False
) -> HttpResponseBase:
    """A streamed CSV or Excel workbook of exactly the rows and columns the table shows, sent while its rows are
    read; with `gzip` (the client accepts it), a CSV is sent compressed. With `url`, a download already made for
    this data version is served from the export cache."""
    filename = f"{name}.{export_format}"
    slot = _slot(url, export_format) if url else None
    if (kept := _kept(slot)) is not None and (served := _served(kept, export_format, gzip=gzip)) is not None:
        return served
    rows = export_rows(table)
    chunks = csv_lines(rows) if export_format == "csv" else xlsx_stream(rows, title=name)
    sent = _teed(chunks, slot, filename) if slot is not None else chunks
    return streamed_download(sent, export_format=export_format, filename=filename, gzip=gzip)


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """Each row as one CSV line, made as it is read."""
    writer = csv.writer(_Echo())
    return (writer.writerow(row) for row in rows)


def streamed_download(
    chunks: Iterator[str] | Iterator[bytes], *, export_format: str, filename: str, gzip: bool
) -> StreamingHttpResponse:
    """A download sent while it is made; a CSV gzip-compressed when `gzip` (the client accepts it, see
    accepts_gzip)."""
    coded = gzip and export_format == "csv"
    sent = _gzipped(_encoded(chunks)) if coded else _encoded(chunks)
    response = StreamingHttpResponse(sent, content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _coded(response, export_format, gzip=coded)
    return response


def _encoded(chunks: Iterator[str] | Iterator[bytes]) -> Iterator[bytes]:
    return (chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks)


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
        return export_response(
            table,
            export_format=export_format,
            name=name,
            url=request.get_full_path(),
            gzip=accepts_gzip(request),
        )
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
