"""The procurement pages in a real browser: an officer answers "which contracts over £1m start in 2026" with the
filters, opens a plan's tables as printed with its timeline chart, and checks the pipeline-notice view; axe-core
finds no WCAG 2.2 AA violation on any of them, including the form showing errors."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_an_officer_finds_contracts_over_1m_starting_in_2026(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Procurement", exact=True).click()
    expect(page.get_by_role("heading", name="Procurement pipeline", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Estimated value at least (£)").fill("1000000")
    page.get_by_label("Contract start from").fill("2026-01-01")
    page.get_by_label("Contract start to").fill("2026-12-31")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("10 contracts selected")).to_be_visible()
    expect(page.get_by_text("£714,300,000")).to_be_visible()
    assert "value_min=1000000" in page.url and "contract_start_to=2026-12-31" in page.url
    table = page.get_by_role("table", name="Procurement pipeline: every contract matching the filters")
    expect(table.get_by_role("rowheader")).to_have_count(10)
    expect(table.get_by_role("rowheader", name="D2N2 Children in Care Provision")).to_be_visible()
    # The timeline chart is drawn by plotly from the page's figure data.
    expect(page.locator(".app-chart__plot .main-svg").first).to_be_visible()
    assert_accessible(page)

    # Sorting by value, largest first, keeps the filters.
    page.get_by_role("link", name="Estimated value").click()
    page.get_by_role("link", name="Estimated value").click()
    expect(table.get_by_role("rowheader").first).to_have_text("D2N2 Children in Care Provision")
    assert "value_min=1000000" in page.url
    assert page.problems == []


def test_a_plans_tables_as_printed_with_the_timeline(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/plans/cs-2022-23/")
    page.get_by_role("link", name="Open the filterable pipeline for this plan").click()
    expect(page.get_by_role("heading", name="Procurement pipeline", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Table Two: Forward Plan of Procurements", exact=False)).to_be_visible()
    expect(page.locator(".app-chart__plot .main-svg").first).to_be_visible()
    page.get_by_text("Contract start is printed before procurement start: 1 contract").click()
    expect(page.get_by_text("SEN Specialist Seating/Equipment Framework (Children")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/procurement/plans/asch-2020-21/")
    expect(page.get_by_text("differs from the printed total by £998,640")).to_be_visible()
    assert_accessible(page)
    assert page.problems == []


def test_the_pipeline_notice_and_a_form_with_errors(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/procurement/pipeline-notice/")
    page.get_by_role("link", name="1 April 2025 (2025-26)").click()
    expect(page.get_by_role("heading", name="From 1 April 2025 to 30 September 2026")).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_count(10)
    assert_accessible(page)

    page.goto(
        live_server.url + "/procurement/?value_min=abc&contract_start_from=2026-12-31&contract_start_to=2026-01-01"
    )
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_role("link", name="Estimated value at least (£): Enter a number.").click()
    expect(page.get_by_label("Estimated value at least (£)")).to_be_focused()
    assert_accessible(page)
    assert page.problems == []
