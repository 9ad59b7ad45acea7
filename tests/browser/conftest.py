"""Browser-test helpers: seeded data, a page that records console errors and failed requests, axe."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG22AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def seeded(transactional_db):
    """Every plan loaded (the live server reads it; transactional_db empties the tables afterwards)."""
    from plans.services import plans_load

    plans_load()


@pytest.fixture
def watched_page(page: Page):
    """`page`, recording console errors, failed requests and HTTP errors in `page.problems`."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url}"))
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None)
    page.problems = problems
    return page


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 AA violation on the page as it is now."""
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG22AA}})
    assert result.violations_count == 0, result.generate_report()
