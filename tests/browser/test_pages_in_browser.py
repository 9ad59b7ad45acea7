"""Pages in a real browser (Debian's Chromium through Playwright), checked with axe-core for WCAG 2.2 AA,
with no console errors and no failed requests."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_an_officer_finds_a_plan_and_a_kpi(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Service plans", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Service Plan 2021-25 (2022-23 Refresh)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service Plan 2021-25 (2022-23 Refresh)")
    assert_accessible(page)
    page.get_by_role("link", name="Number of children living with Council foster carers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Number of children living with Council foster carers")
    assert_accessible(page)
    assert page.problems == []
