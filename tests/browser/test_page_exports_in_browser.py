"""A table's download links in a real browser: the overview's CSV (sent gzip-compressed) and the cabinet
summary's Excel arrive as files holding the table shown; the links are left out when the summary is printed."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

from openpyxl import load_workbook
from playwright.sync_api import expect

from perf.http_client import Client


def test_it_downloads_tables_from_the_overview_and_the_summary(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/?year=2022")
    with page.expect_response(lambda r: "_export=csv" in r.url) as sent, page.expect_download() as info:
        page.get_by_role("link", name="CSV of Departments and their plans for 2022-23").click()
    assert sent.value.headers.get("content-encoding") == "gzip"  # sent compressed; saved as the CSV itself
    download = info.value
    assert download.suggested_filename == "overview-2022-departments.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Department,Plan,Net controllable budget,KPIs by status,Deliverables by priority")
    assert "141779398" in text  # cs-2022-23 total net (000 line 392)

    page.goto(live_server.url + "/plans/cs-2022-23/summary/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel of Budget by division").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Division", "Net 2020-21", "Net 2022-23", "Change"]
    assert ["Strategic Services", 2429480, 2533892, 104412] in rows
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Excel of Budget by division")).to_be_hidden()
    assert page.problems == []


def test_the_benchmark_client_reads_a_compressed_download_as_a_browser_does(live_server, seeded):
    """perf/http_client.py asks for gzip as Chromium does, so `make bench` measures downloads as browsers get
    them, and reads what it was sent; asked for no compression, the same bytes come plain."""
    where = urlsplit(live_server.url)
    client = Client(where.hostname or "localhost", where.port or 80)
    packed = client.get("/deliverables/?_export=csv")
    plain = client.get("/deliverables/?_export=csv", headers={"Accept-Encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert packed.body == plain.body and packed.text.startswith("Ref,Deliverable,Department,Plan,")
