"""Sign-off in a real browser (issue 16 item 5): an approver returns a lead's figure with a reason (first
forgetting the reason, and told so accessibly), the lead corrects it, the approver approves it, and only then does
the public KPI page show it. The approvals page is axe-clean with and without errors, at 1280px and 375px."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

PASSWORD = "a-long-browser-password"
KEY = "rpr-children-in-care"  # 2025-26 target "80%"; the plan's latest is 77.8% (2024-25), on track


@pytest.fixture
def people(seeded, settings):
    from django.contrib.auth.models import User

    from plans.models import Department, Role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    department = Department.objects.get(slug="childrens-services")
    lead = User.objects.create_user("lena", password=PASSWORD, first_name="Lena", last_name="Lead")
    Role.objects.create(user=lead, kind="lead", department=department)
    approver = User.objects.create_user("abel", password=PASSWORD, first_name="Abel", last_name="Approver")
    Role.objects.create(user=approver, kind="approver", department=department)
    return lead, approver


def enter(lead, printed: str, commentary: str) -> None:
    """The lead saves a 2025-26 value (the update page's own path is driven in test_entry_browser.py)."""
    from kpis.models import Kpi
    from kpis.services import EntryData, kpi_entries_save

    kpi = Kpi.objects.get(plan__slug="cs-2025-29", key=KEY)
    seen = kpi.values.filter(source="entry").order_by("-entered_at", "-pk").values_list("pk", flat=True).first() or 0
    data = EntryData(kpi=kpi, year=2025, seen=seen, value=printed, value_number=Decimal(printed), commentary=commentary)
    kpi_entries_save(entries=[data], user=lead)


def at_375_nothing_scrolls_sideways(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_approver_returns_then_approves_and_only_then_the_public_sees_it(live_server, people, watched_page, browser):
    lead, _ = people
    page, base = watched_page, live_server.url
    public = browser.new_page()
    kpi_url = f"{base}/plans/cs-2025-29/kpis/{KEY}/"
    enter(lead, "6.25", "Quarter 3 return")

    page.goto(f"{base}/accounts/login/?next=/departments/childrens-services/approvals/")
    page.get_by_label("Username").fill("abel")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Figures awaiting approval", level=1)).to_be_visible()
    assert_accessible(page)
    at_375_nothing_scrolls_sideways(page)

    # Returned without a reason: refused, said at the top and beside the field, focus on the summary.
    page.get_by_label("latest 2025-26: 6.25").check()
    page.get_by_role("button", name="Return selected").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Give the reason for returning the figures, so the lead can correct them")
    assert_accessible(page)
    at_375_nothing_scrolls_sideways(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Reason for returning")).to_be_focused()
    page.keyboard.type("Typo? Last quarter was 61%")
    page.get_by_role("button", name="Return selected").click()
    expect(page.get_by_role("alert")).to_contain_text("Returned: 1 figure sent back to the lead with your reason.")
    expect(page.get_by_text("Nothing is awaiting approval for Children's Services.")).to_be_visible()

    # The approver's KPI page shows the returned figure, marked; the public's shows nothing of it.
    page.goto(kpi_url)
    expect(page.get_by_role("region", name="Entries not yet approved")).to_contain_text(
        "Returned Typo? Last quarter was 61%"
    )
    assert_accessible(page)
    public.goto(kpi_url)
    expect(public.locator("main")).not_to_contain_text("6.25")

    enter(lead, "62.5", "Corrected")
    page.goto(f"{base}/departments/childrens-services/approvals/")
    page.get_by_label("latest 2025-26: 62.5").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("alert")).to_contain_text("Approved: 1 figure now shown to the public.")

    public.goto(kpi_url)
    expect(public.locator(".govuk-inset-text")).to_contain_text("Off track")
    expect(public.locator("main")).to_contain_text("62.5")
    page.goto(kpi_url)
    history = page.get_by_role("region", name="Sign-off history")
    expect(history).to_contain_text("Entered again after a return")
    assert_accessible(page)
    at_375_nothing_scrolls_sideways(page)
    problems = [p for p in page.problems if "400" not in p]  # the refused return answers 400, on purpose
    assert problems == []
    public.close()
