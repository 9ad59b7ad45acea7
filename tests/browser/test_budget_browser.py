"""The budget pages in a real browser: an officer finds where ETE's net budget goes, a cabinet member opens
a repaired figure and compares Children's Services across years. No console errors, no failed requests,
and axe-core finds no WCAG 2.2 AA violation on any budget page, charts drawn and disclosures open."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_an_officer_finds_where_etes_net_budget_goes(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/budgets/")
    expect(page.get_by_role("heading", name="Budgets", level=1)).to_be_visible()
    expect(page.locator("[data-figure='net-by-department-data'] .main-svg").first).to_be_attached()
    assert_accessible(page)
    ete = page.get_by_role("row", name=re.compile("^Economy, Transport and Environment 2020-21"))
    expect(ete).to_contain_text("£76,285,000")
    ete.get_by_role("link", name="Service Plan 2017-2021 2020/21 Update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget 2020-21")
    expect(page.locator("[data-figure='areas-1-data'] .main-svg").first).to_be_attached()
    areas = page.get_by_role("region", name="Net budget by group heading, 2020-21 (pounds; subtotals computed here)")
    expect(areas.get_by_role("row", name="Environment")).to_contain_text("£46,788,000")
    assert_accessible(page)
    assert page.problems == []


def test_a_cabinet_member_opens_a_repaired_figure_and_compares_years(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/budgets/plans/cs-2025-29/")
    figure = page.locator("details.app-figure").first
    figure.locator("summary").click()
    expect(figure).to_contain_text("Printed: 7,028,75 8")
    expect(figure).to_contain_text("digits split by a line break")
    assert_accessible(page)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Children's Services").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budgets across years")
    expect(page.locator("[data-figure='net-by-division-data'] .main-svg").first).to_be_attached()
    assert_accessible(page)
    assert page.problems == []
