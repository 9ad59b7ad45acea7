"""The streamed Excel workbook (plans/xlsx.py): openpyxl reads back exactly what was written, and the first bytes
leave before the last row is read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl

from plans.xlsx import ROWS_PER_CHUNK, column_letters, xlsx_stream


def read_back(chunks) -> tuple[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(chunks)))
    sheet = book.active
    return sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_every_kind_of_cell_reads_back_as_written():
    rows = [
        ["Measure", "Figure", "Note", "Met", "Due", "Amount"],
        ["Children & families <North>", 12, "  leading spaces kept", True, dt.date(2026, 3, 31), Decimal("1250.50")],
        ["'=cmd|' /C calc'!A0", -3.5, "a\x07bell and a \ufffe removed", False, None, ""],
        ["£4.2m “quoted” – dashed", 0, "line one\nline two", None, "", Decimal("80000.00")],
    ]
    title, got = read_back(xlsx_stream(rows, title="Procurement: 2025/26 [draft]"))
    assert title == "Procurement- 2025-26 -draft-" and isinstance(got[3][5], int) and isinstance(got[1][5], float)
    assert got == [
        ("Measure", "Figure", "Note", "Met", "Due", "Amount"),
        ("Children & families <North>", 12, "  leading spaces kept", True, "2026-03-31", 1250.5),
        ("'=cmd|' /C calc'!A0", -3.5, "abell and a  removed", False, None, None),
        ("£4.2m “quoted” – dashed", 0, "line one\nline two", None, None, 80000),
    ]


def test_the_workbook_is_a_zip_excel_can_open():
    data = b"".join(xlsx_stream([["a"]], title=""))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        assert set(book.namelist()) == {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
        }
        assert b'<sheet name="Export"' in book.read("xl/workbook.xml")


def test_the_first_bytes_leave_before_the_last_row_is_read():
    read = []

    def rows():
        yield ["Number", "Text"]
        for n in range(ROWS_PER_CHUNK * 5):
            read.append(n)
            yield [n, f"row {n} " + "x" * 40]

    stream = xlsx_stream(rows(), title="Long")
    first = next(stream)
    assert first.startswith(b"PK") and len(read) < ROWS_PER_CHUNK * 5
    _, got = read_back([first, *stream])
    assert len(got) == ROWS_PER_CHUNK * 5 + 1 and got[-1] == (
        ROWS_PER_CHUNK * 5 - 1,
        f"row {ROWS_PER_CHUNK * 5 - 1} " + "x" * 40,
    )


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
