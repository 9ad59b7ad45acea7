"""An Excel workbook (.xlsx) sent while its rows are still being read, for the tables' downloads (plans/tables.py).

openpyxl, which reads the uploads and writes the upload templates, writes a workbook only once it is complete:
a council's 4,430 deliverables took 0.7 s before the first byte left, and two thirds of that was openpyxl's cell
objects. No maintained library streams an .xlsx, so this writes the few parts a workbook needs around one sheet,
the cells as inline strings and plain numbers, into Python's own zipfile, which streams to a sink it cannot seek
(each member's sizes follow its data). The parts and their namespaces are those of ECMA-376 (Office Open XML),
as Excel, LibreOffice and openpyxl read them; tests/test_page_exports.py reads every download back."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, cast
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{TYPE}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOCUMENT}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (  # the one cell style every workbook has ("Normal")
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
# Characters XML 1.0 cannot hold (control characters other than tab, line feed and carriage return).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ROWS_PER_CHUNK = 200
EXCEL_NAME = re.compile(r"[\\/*?:\[\]]")  # characters Excel refuses in a sheet's name


class _Sink:
    """Where zipfile writes: it keeps the bytes until the generator sends them. It can tell where it is but not
    seek, so zipfile writes each member's sizes after the member's data."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def column_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(reference: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal) and value.is_finite():  # 80000.00 is written 80000, as openpyxl did
        return f'<c r="{reference}"><v>{value.normalize():f}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, dt.date):
        value = value.isoformat()
    text = NOT_XML.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _sheet(rows: Iterable[list]) -> Iterator[str]:
    yield f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'
    letters: list[str] = []
    for number, row in enumerate(rows, 1):
        while len(letters) < len(row):
            letters.append(column_letters(len(letters)))
        cells = "".join(_cell(f"{letters[i]}{number}", value) for i, value in enumerate(row))
        yield f'<row r="{number}">{cells}</row>'
    yield "</sheetData></worksheet>"


def xlsx_stream(rows: Iterable[list], *, title: str) -> Iterator[bytes]:
    """The workbook's bytes, a chunk about every ROWS_PER_CHUNK rows: one sheet named `title` (shortened to
    Excel's 31 characters, without the characters Excel refuses) holding `rows`, the first of them the header."""
    sink = _Sink()
    name = EXCEL_NAME.sub("-", title)[:31] or "Export"
    writable = cast(IO[bytes], sink)  # zipfile needs only write(), tell() and flush() from it
    with zipfile.ZipFile(writable, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for part, xml in PARTS.items():
            book.writestr(part, HEAD + xml)
        book.writestr(
            "xl/workbook.xml",
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
            f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:  # a sheet under 2 GB: no zip64 fields
            for count, text in enumerate(_sheet(rows)):
                sheet.write(text.encode())
                if count % ROWS_PER_CHUNK == 0 and (data := sink.take()):
                    yield data
    yield sink.take()
