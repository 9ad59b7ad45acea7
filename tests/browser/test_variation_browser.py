"""The KPI page's variation section in a real browser (issue 16, item 7): a KPI with 14 yearly figures shows its
XmR chart drawn, its table, and the "Explain this status" panel opened from beside the RAG status; axe-clean, laid
out right at 1,280px and 375px (no sideways scrolling, no chart text overlapping or cut off). Screenshots of the
section go to test-results/variation/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_layout import problems_at

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "variation"
FIGURES = [380, 398, 380, 398, 380, 398, 380, 397, 400, 397, 400, 397, 400, 397]  # as tests/test_variation_page.py


@pytest.fixture
def fourteen_years(seeded):
    """The foster carers KPI given 14 entered yearly figures, 2011-12 to 2024-25 (entries beat the printed
    figures of the same year); `seeded` removes them afterwards."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from kpis.models import Kpi, KpiValue

    kpi = Kpi.objects.get(plan__slug="cs-2022-23", key="foster-carer-children")
    user = User.objects.create_user("variation.lead")
    for order, (year, figure) in enumerate(zip(range(2011, 2025), FIGURES, strict=True)):
        KpiValue.objects.create(
            kpi=kpi,
            year=year,
            kind="latest",
            printed=str(figure),
            value=figure,
            order=100 + order,
            source="entry",
            entered_by=user,
            entered_at=timezone.now(),
            approval=KpiValue.Approval.APPROVED,  # signed off: the public page shows approved entries only
        )
    return kpi.get_absolute_url()


@pytest.mark.parametrize("width", (1280, 375))
def test_the_variation_section_reads_and_draws_at_both_widths(live_server, fourteen_years, watched_page, width):
    page = watched_page
    page.set_viewport_size({"width": width, "height": 900})
    page.base = live_server.url
    found = problems_at(page, fourteen_years, width)  # every chart drawn first, then checked
    # The history chart above this section (kpis/charts.py, not this one) lets its first year's label touch
    # its value axis's "0" on a phone when it spans 14 years: left to its own fix, reported; this section's
    # chart and the page itself must have no problem.
    history = (
        'chart "Actuals, latest figures and targets by financial year": tick label "2011-12" overlaps tick label "0"'
    )
    assert [p for p in found if p != history] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    section = page.locator("#variation")
    expect(section).to_have_text("Variation")
    expect(page.get_by_text("An XmR chart of the 14 yearly figures held: mean 393")).to_be_visible()
    chart = page.locator('[data-figure="variation-data"] .main-svg').first
    expect(chart).to_be_attached()
    expect(page.get_by_role("cell", name="Shift (improvement)").first).to_be_attached()
    page.get_by_text("Explain this status").click()
    expect(page.get_by_text("7 points in a row above the mean, 2018-19 to 2024-25")).to_be_visible()
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".govuk-inset-text").first.screenshot(path=str(SCREENSHOTS / f"status-{width}.png"))
    section.scroll_into_view_if_needed()
    page.locator("figure", has=page.locator('[data-figure="variation-data"]')).screenshot(
        path=str(SCREENSHOTS / f"chart-{width}.png")
    )
    assert page.problems == []
