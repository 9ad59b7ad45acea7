"""A lead sets targets in a real browser: copies last year's forward (with confirmation), proposes one in
words, reads back how it was read, is told clearly about one the rules cannot read, saves; the department
page's "Needs a target" list and the KPI page's freshness line. Every page is axe-clean at 1280 and 375 px,
with and without errors, with no sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_entry_browser import kpi_pk, lead, sign_in  # noqa: F401

PCT = "rpr-children-in-care"


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def check(page: Page) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        no_sideways_scroll(page)


@pytest.fixture
def restored(seeded):
    """What these tests enter is removed afterwards (seeded) and the stored statuses it moved are assessed
    again, so later tests see the seed data's statuses."""
    yield
    from kpis.models import Kpi
    from kpis.services import kpis_assess
    from tests.browser.conftest import _clear_entries

    _clear_entries()
    kpis_assess(kpis=Kpi.objects.all())


@pytest.fixture
def frozen(time_machine):
    # The live server runs in this process: its clock moves too. tick: sessions and timeouts still advance.
    time_machine.move_to("2026-12-05 12:00:00+00:00", tick=True)


def test_a_lead_sets_targets_and_copies_last_years_forward(live_server, restored, lead, watched_page, frozen):  # noqa: F811
    from kpis.models import Kpi, KpiValue

    page, base = watched_page, live_server.url
    path = "/departments/childrens-services/targets/"
    sign_in(page, base, path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Targets for 2026-27")
    check(page)

    pk = kpi_pk(PCT)
    page.locator(f"#id_kpi-{pk}-target").fill(">= 85%")
    page.locator(f"#id_kpi-{pk}-tolerance").fill("3")
    other = kpi_pk("rpr-foster-carers")
    page.locator(f"#id_kpi-{other}-target").fill("as good as we can")
    page.get_by_role("button", name="Check targets").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("(2026-27): “as good as we can” is not a target the rules can read")
    check(page)  # the form with its errors
    page.locator(f"#id_kpi-{other}-target").fill("80-90")
    page.get_by_role("button", name="Check targets").click()
    expect(page.locator(f"#kpi-{pk} [data-testid=read-as]")).to_have_text("Read as Comparator: at least 85 (2026-27)")
    expect(page.locator(f"#kpi-{other} [data-testid=read-as]")).to_have_text(
        "Read as Range: between 80 and 90 (2026-27)"
    )
    assert not KpiValue.objects.filter(source="entry").exists()
    check(page)
    page.get_by_role("button", name="Save these targets").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 targets saved for 2026-27.")
    # Saved, the targets wait for an approver (issue 16's sign-off): listed as proposed, not as held.
    expect(page.locator(f"#kpi-{pk}")).to_contain_text("Awaiting approval 2026-27 “>= 85%” (entered by lena)")
    expect(page.locator(f"#kpi-{pk}")).to_contain_text("No target held for 2026-27.")

    page.get_by_role("link", name="Copy 2025-26 targets forward to 2026-27").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Copy 2025-26 targets to 2026-27")
    check(page)
    button = page.get_by_role("button", name="Copy")
    count = int(button.inner_text().split()[1])
    button.click()
    expect(page.locator("body")).to_contain_text(
        f"{count} target{'s' if count != 1 else ''} copied from 2025-26 to 2026-27."
    )
    assert KpiValue.objects.filter(source="entry", kind="target", year=2026).count() == count + 2

    # Once an approver has approved them, the KPI page lists the targets entered (and says how fresh its figures are).
    KpiValue.objects.filter(source="entry", kind="target").update(approval=KpiValue.Approval.APPROVED)
    page.goto(base + Kpi.objects.get(pk=pk).get_absolute_url())
    expect(page.get_by_test_id("freshness")).to_contain_text("Latest: 2024-25, 20 months ago")
    expect(page.get_by_test_id("freshness")).to_contain_text("Overdue since 23 April 2026")
    expect(page.locator("body")).to_contain_text("2026-27: “>= 85%” (at least 85; near within 3), entered by lena")
    check(page)
    assert page.problems == [] or all("400" in p for p in page.problems), page.problems


def test_the_department_page_lists_the_measures_needing_a_target(live_server, restored, lead, watched_page, frozen):  # noqa: F811
    from decimal import Decimal

    from kpis.models import Kpi, KpiValue
    from kpis.services import EntryData, kpi_entries_save, kpis_assess

    kpi = Kpi.objects.get(plan__slug="cs-2025-29", key=PCT)
    kpi_entries_save(
        entries=[EntryData(kpi=kpi, year=2026, value="71", value_number=Decimal("71"), commentary="New year")],
        user=lead,
    )
    # As an approver would (issue 16's sign-off): the department page shows approved figures only.
    KpiValue.objects.filter(kpi=kpi, source="entry").update(approval=KpiValue.Approval.APPROVED)
    kpis_assess(kpis=Kpi.objects.filter(pk=kpi.pk))
    page, base = watched_page, live_server.url
    sign_in(page, base, "/departments/childrens-services/")
    needs = page.get_by_test_id("needs-target")
    expect(needs).to_contain_text(f"{kpi.description}: No target set for 2026-27")
    page.get_by_role("link", name="Set targets for Children's Services").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Targets for 2026-27")
    page.goto(base + "/departments/childrens-services/")
    check(page)
    assert page.problems == [], page.problems
