"""The cabinet summary printed from the browser: Chromium prints each plan's summary to an A4 PDF, which is read
back with pypdf to count its pages and find the briefing's key figures as the documents print them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible

# Per plan: the net controllable budget tile and the first measure off track, its latest figure and its
# target, as printed (source lines in /work/shared/SOURCES.md's documents).
KEY_FIGURES = {
    # 004 CCP KPI table: surplus land and buildings 7.5 (2019-20 latest) against 2.5
    "ccp-2020-21": [
        "Percentage of land and buildings identified as surplus 7.5 latest 2019-20 2.5 2020-21 Off track",
        "£6,235,000",
    ],
    # 004 ETE: savings £737,000 against £1.576m
    "ete-2020-21": ["Achieved Departmental budget savings in 2019-20 and 2020-21 £737,000 latest 2019-20 £1.576m"],
    # 004 ASCH: savings £4.973m (2018-19 latest) against £5.732m
    "asch-2020-21": ["£4.973m latest 2018-19 £5.732m 2019-20 Off track"],
    # 004 CS: 75.1% (Aug 19) against 100%; net budget 114,929,535
    "cs-2020-21": [
        "£114.93m",
        "Percentage of year-end budget savings targets achieved 75.1% (Aug 19) latest 2019-20 100%",
    ],
    # 000 line 317: foster carers 388, 397, 319, "Increasing trend"; net budget 141,779,398
    "cs-2022-23": [
        "£141.78m",
        "Number of children living with Council foster carers 319 latest 2021-22 Increasing trend",
        "Compared with the 2020-21 plan’s latest values",
    ],
    # 001: no measure the rules can assess; savings £500,000
    "cs-2023-24": ["£500,000", "Of the 47 measures in both plans, 15 changed status and 32 did not."],
    # 002: "33 (November 2024)" foster carers
    "cs-2025-29": [
        "Number of children in care living with council foster carers 33 (November 2024) latest 2024-25",
        "Compared with the 2023-24 plan’s latest values",
    ],
}


def _pdf_text(path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("slug", list(KEY_FIGURES))
def test_each_plans_summary_prints_on_two_a4_pages(live_server, seeded, watched_page, slug, tmp_path):
    page = watched_page
    page.goto(f"{live_server.url}/plans/{slug}/summary/")
    page.emulate_media(media="print")
    pdf = tmp_path / f"{slug}.pdf"
    page.pdf(path=pdf, format="A4")
    pages, text = _pdf_text(pdf)
    assert pages <= 2, f"{slug} prints on {pages} pages"
    for figure in KEY_FIGURES[slug]:
        assert figure in text, f"{slug}: {figure!r} not printed"
    assert "/plans/" not in text and "http" not in text  # no link addresses printed after the links
    assert "Not in that plan" not in text and "Download this table" not in text
    assert page.problems == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_summary_reads_on_screen_at_both_widths(live_server, seeded, watched_page, width):
    page = watched_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/plans/cs-2022-23/summary/")
    expect(page.get_by_role("heading", name="Measures off track or near target")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # wide tables scroll in their regions
    row = page.get_by_role("row").filter(has_text="Number of children living with Council foster carers")
    expect(row.get_by_role("cell").nth(2)).to_have_text("Off track")  # the measure is the row header
    # the arrow is hidden from screen readers, which read the words and the figures instead
    expect(row.locator(".app-travel")).to_have_text("↓ Worsening: Down from 397 in 2020-21")
    expect(row.locator(".app-travel__arrow")).to_have_attribute("aria-hidden", "true")
    expect(row.locator("svg.app-spark polyline")).to_be_attached()
    assert_accessible(page)
    assert page.problems == []


def test_a_leads_commentary_keeps_the_measures_table_inside_the_page_at_1280(live_server, seeded, watched_page):
    # "(entered 5 Dec 2026)" was one unbreakable run: with a commentary the table grew past the page's 960px and its
    # last column, the commentary and its date, was cut off at the region's edge.
    import datetime as dt

    from django.contrib.auth.models import User

    from kpis.models import Kpi, KpiValue

    kpi = Kpi.objects.get(plan__slug="cs-2022-23", key="foster-carer-children")
    lead = User.objects.create_user("commentary.lead", password="a-long-test-password")
    KpiValue.objects.create(
        kpi=kpi,
        year=2022,
        kind="latest",
        printed="305",
        value=305,
        order=99,
        source="entry",
        entered_by=lead,
        entered_at=dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC),
        commentary="Recruitment campaign starts in May",
        approval=KpiValue.Approval.APPROVED,
    )
    page = watched_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/plans/cs-2022-23/summary/")
    row = page.get_by_role("row").filter(has_text="Number of children living with Council foster carers")
    expect(row).to_contain_text("Recruitment campaign starts in May (entered 5 Dec 2026)")
    table, region = page.evaluate(
        """() => { const t = document.querySelector('table.app-briefing__measures');
                   return [t.scrollWidth, t.closest('.app-table-scroll').clientWidth]; }"""
    )
    assert table <= region + 1, f"the measures table is {table}px in a {region}px region"
    assert page.problems == []
