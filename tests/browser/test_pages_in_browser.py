"""An officer's and a cabinet member's journeys in a real browser (Debian's Chromium through Playwright):
every page axe-clean for WCAG 2.2 AA, no console error, no failed request, no CSP violation, charts drawn."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_an_officer_finds_how_a_kpi_moved(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Council overview", level=1)).to_be_visible()
    expect(page.locator("#status-data + *").or_(page.locator(".app-chart__plot .main-svg")).first).to_be_attached()
    assert_accessible(page)
    page.get_by_role("link", name="Children's Services", exact=True).first.click()
    expect(page.get_by_role("heading", name="Children's Services", level=1)).to_be_visible()
    expect(page.locator(".app-chart__plot .main-svg").first).to_be_attached()  # budget by division drawn
    assert_accessible(page)
    page.get_by_role("link", name="Show dashboard for 2022-23").click()
    page.get_by_role("link", name="Number of children living with Council foster carers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Number of children living with Council foster carers")
    expect(page.locator(".app-chart__plot .main-svg").first).to_be_attached()  # history chart drawn
    expect(page.get_by_text("Off track", exact=True).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Service Plan 2021-25 (2022-23 Refresh) (2022-23)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service Plan 2021-25 (2022-23 Refresh)")
    assert_accessible(page)
    assert page.problems == []


def test_a_cabinet_member_reads_a_plan_summary(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/?year=2022")
    page.get_by_role("link", name="Cabinet summary").nth(1).click()  # departments sort by name: CS is second
    expect(page.get_by_role("heading", level=1)).to_have_text("Service Plan 2021-25 (2022-23 Refresh)")
    expect(page.get_by_role("heading", name="Measures off track or near target")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    assert page.problems == []


def test_pages_reflow_on_a_narrow_screen(live_server, seeded, watched_page):
    page = watched_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/plans/cs-2022-23/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways: {width}px"  # wide tables scroll inside their own region
    assert_accessible(page)
    assert page.problems == []
