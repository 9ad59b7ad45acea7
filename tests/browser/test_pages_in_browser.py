"""Pages in a real browser (Debian's Chromium through Playwright), checked with axe-core for WCAG 2.2 AA,
with no console errors and no failed requests."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

WCAG22AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def seeded(transactional_db):
    from plans.services import plans_load

    plans_load()


@pytest.fixture
def watched_page(page: Page):
    """A page that records console errors and failed requests."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url}"))
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None)
    page.problems = problems
    return page


def assert_accessible(page: Page) -> None:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG22AA}})
    assert result.violations_count == 0, result.generate_report()


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
