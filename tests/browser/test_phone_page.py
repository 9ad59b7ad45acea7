"""A light page for phones (issue 15, item 4): the page does not jump when its scripts start, and the charts
drawn from the trimmed plotly.js bundle still draw (bars and lines) on a 375px phone, inside the strict CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

PHONE = {"width": 375, "height": 800}


def kpi_path(django_db_blocker) -> str:
    from kpis.models import Kpi

    with django_db_blocker.unblock():
        kpi = Kpi.objects.select_related("plan").get(
            plan__slug="cs-2022-23", description__startswith="Number of children living with Council"
        )
        return kpi.get_absolute_url()


def main_top(browser: Browser, url: str, *, scripts: bool, block_app_js: bool = False) -> float:
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts)
    page = context.new_page()
    if block_app_js:  # the moment before the deferred module app.js has run, held still
        page.route("**/js/app.*", lambda route: route.abort())
    page.goto(url)
    if scripts and not block_app_js:
        expect(page.get_by_role("button", name="Menu")).to_be_visible()
    top = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
    if not scripts:  # without scripts the menu stays open: every section is one tap away
        expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in")).to_be_visible()
    context.close()
    return top


@pytest.mark.parametrize("path", ["/", "KPI"])
def test_on_a_phone_the_page_does_not_jump_when_the_menu_script_runs(
    live_server, seeded, browser, django_db_blocker, path
):
    """The service menu used to stand open until app.js folded it behind its Menu button, and the page then
    jumped up by the menu's height (Lighthouse mobile layout shift 0.27 on every page)."""
    url = live_server.url + (kpi_path(django_db_blocker) if path == "KPI" else path)
    before_script = main_top(browser, url, scripts=True, block_app_js=True)
    after_script = main_top(browser, url, scripts=True)
    assert before_script == after_script
    assert main_top(browser, url, scripts=False) > after_script  # the open menu, for readers without scripts


def test_on_a_phone_plotly_runs_and_a_chart_draws_only_as_the_reader_nears_it(
    live_server, seeded, watched_page, django_db_blocker
):
    """Evaluating plotly.js and drawing a chart held a phone's main thread for over a third of a second each
    while the page loaded (Lighthouse mobile total blocking time 550-740 ms), for charts 1,200px and more
    below the first screen."""
    page = watched_page
    page.set_viewport_size(PHONE)
    for path, chart in (("/", "status-data"), (kpi_path(django_db_blocker), "history-data")):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        plot = page.locator(f"[data-figure='{chart}']")
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.Plotly") == "undefined"
        assert plot.locator(".main-svg").count() == 0
        plot.scroll_into_view_if_needed()
        if chart == "status-data":
            expect(plot.locator(".barlayer .point").first).to_be_attached()
        else:
            expect(plot.locator(".scatterlayer .trace").first).to_be_attached()  # the actual values' line
            expect(plot.locator(".legendtext", has_text="Actual")).to_be_attached()
    # Only the two trace types the pages draw are in the bundle.
    assert sorted(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")) == ["bar", "scatter"]
    assert page.problems == []  # no CSP violation (eval, inline style), no failed request, no console error


def test_on_a_wide_screen_every_chart_draws_at_once(live_server, seeded, watched_page):
    page = watched_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/budgets/")
    expect(page.locator("[data-figure='net-by-department-data'] .barlayer .point").first).to_be_attached()
    assert page.problems == []
