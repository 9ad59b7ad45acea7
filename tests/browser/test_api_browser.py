"""The API's interactive documentation and the open-data links in a real browser: Swagger UI draws every
operation from our own static files under the strict Content Security Policy (no CDN, no violation), a reader
tries an operation and sees a Children's Services figure, and the pipeline notice's OCDS download and the KPI
list's tidy download are links a reader can follow; axe-core finds no WCAG 2.2 AA violation on the pages we own."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_the_docs_render_every_operation_with_no_csp_violation(live_server, seeded, watched_page):
    page = watched_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.get_by_role("heading", name="Service plan dashboard API")).to_be_visible()
    expect(page.locator(".opblock")).to_have_count(11)
    assert all(url.startswith(live_server.url) for url in requested), [u for u in requested if "localhost" not in u]
    csp = page.evaluate("fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    # Try the KPI operation with a plan's filter, as a newcomer would.
    page.locator("#operations-Figures-api_figure_endpoints_kpis").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("tr[data-param-name='plan'] input").fill("cs-2022-23")
    page.get_by_role("button", name="Execute").click()
    body = page.locator(".live-responses-table .response-col_description pre").first
    expect(body).to_contain_text('"Achievement of annual budget savings (%)"')
    assert page.problems == []


def test_the_open_data_links_from_the_pages(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/procurement/pipeline-notice/?from=2025-04-01")
    expect(page.get_by_role("heading", name="Needs a value before publication")).to_be_visible()
    assert_accessible(page)
    link = page.get_by_role("link", name="download the OCDS release package for 1 April 2025 (JSON)")
    with page.expect_download() as download:
        link.click()
    package = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert len(package["releases"]) == 10 and package["releases"][0]["tag"] == ["planning"]
    page.goto(live_server.url + "/kpis/?department=childrens-services")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="all figures (CSV)").click()
    assert download.value.suggested_filename == "kpi-figures-derbyshire.csv"
    assert page.problems == []
