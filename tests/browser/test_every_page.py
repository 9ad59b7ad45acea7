"""Every page type, with the seed data, in Chromium (long lists filtered to one department: the same
templates, a fraction of the time): no console error, no failed request, no CSP violation,
no WCAG 2.2 AA violation (axe), no sideways scrolling on a 375px screen (which is also 400% zoom of a 1,280px
one), and readable at 200% zoom. A screenshot of each failing page is written to test-results/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from kpis.services import EntryData
from tests.browser.conftest import AXE_OPTIONS

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"


def page_paths() -> list[str]:
    from kpis.models import Kpi
    from plans.models import Deliverable

    kpi = Kpi.objects.select_related("plan").get(
        plan__slug="cs-2022-23", description__startswith="Number of children living with Council"
    )
    action = Deliverable.objects.select_related("plan").filter(plan__slug="cs-2025-29").first()
    deliverable = Deliverable.objects.select_related("plan").filter(plan__slug="cs-2022-23").first()
    return [
        "/",
        "/?year=2022",
        "/departments/childrens-services/",
        "/plans/cs-2022-23/",
        "/plans/ete-2020-21/",
        "/plans/cs-2025-29/",
        "/plans/cs-2022-23/summary/",
        kpi.get_absolute_url(),
        kpi.measure.get_absolute_url(),
        "/kpis/?department=childrens-services",
        "/kpis/?department=childrens-services&status=off_track",
        "/budgets/",
        "/budgets/plans/ete-2020-21/",
        "/budgets/departments/childrens-services/",
        "/procurement/?department=childrens-services",
        "/procurement/?value_min=1000000&plan=cs-2025-29",
        "/procurement/plans/ccp-2020-21/",
        "/procurement/pipeline-notice/?from=2025-06-01",
        "/deliverables/?department=childrens-services",
        "/risks/",
        "/plans/cs-2025-29/objectives/",
        deliverable.get_absolute_url(),
        action.get_absolute_url(),
        "/search/?q=foster",
        "/corrections/",
        "/sources/000_1696c8c63c149500.txt/?from=384&to=392",
        "/accessibility/",
        "/accounts/login/",
        # signed in as a performance lead (and approver) of Children's Services
        "LOGIN",
        kpi.get_absolute_url() + "?signed-in",  # with the entries awaiting approval and the sign-off history
        "/departments/childrens-services/approvals/",
        "/departments/childrens-services/update/",
        "/departments/childrens-services/upload/",
        "/departments/childrens-services/targets/",
        "/departments/childrens-services/targets/copy/",
        "/departments/childrens-services/reporting/",
        "/my-updates/",
        "/reporting/",
        f"/plans/cs-2022-23/deliverables/{deliverable.pk}/update/",
    ]


def sign_in(page, base: str, username: str = "lead.browser", password: str = "a-long-browser-password") -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def check(page, path: str) -> list[str]:
    """Everything wrong with the page at `path`, as sentences."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    page.problems.clear()
    response = page.goto(page.base + path)
    if response is None or response.status >= 400:
        found.append(f"HTTP {response.status if response else 'no response'}")
    if page.locator("[data-figure]").count():
        page.locator("[data-figure] .main-svg").first.wait_for(state="attached", timeout=15000)
    axe = Axe().run(page, options=AXE_OPTIONS)
    if axe.violations_count:
        found.append(axe.generate_report())
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(150)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 375:
        found.append(f"scrolls sideways at 375px: {width}px wide")
    page.set_viewport_size({"width": 1280, "height": 900})
    found += list(page.problems)
    if found:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_") or "home"
        page.screenshot(path=str(SCREENSHOTS / f"{name[:80]}.png"), full_page=True)
    return found


def test_every_page_type_is_clean(live_server, seeded, watched_page, browser):
    from kpis.models import Kpi
    from kpis.services import kpi_entries_save
    from plans.models import Department, Role

    lead = User.objects.create_user("lead.browser", password="a-long-browser-password", first_name="Bea")
    department = Department.objects.get(slug="childrens-services")
    Role.objects.create(user=lead, kind="lead", department=department)
    Role.objects.create(user=lead, kind="approver", department=department)
    # An entry awaiting approval, by another lead, for the approvals page and the KPI page's drafts.
    other = User.objects.create_user("lead.other", first_name="Olu", last_name="Other")
    kpi = Kpi.objects.get(plan__slug="cs-2022-23", description__startswith="Number of children living with Council")
    kpi_entries_save(entries=[EntryData(kpi=kpi, year=2022, value="305", value_number=Decimal(305))], user=other)
    page = watched_page
    page.base = live_server.url
    failures = {}
    for path in page_paths():
        if path == "LOGIN":
            sign_in(page, live_server.url)
            continue
        problems = check(page, path)
        if problems:
            failures[path] = problems
    assert not failures, "\n\n".join(f"{path}:\n" + "\n".join(p) for path, p in failures.items())


def test_pages_are_readable_at_200_percent_zoom(live_server, seeded, browser):
    """200% zoom of a 1,280px-wide window lays the page out 640 CSS pixels wide: nothing may be cut off."""
    context = browser.new_context(viewport={"width": 640, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    for path in ("/", "/plans/cs-2022-23/", "/procurement/", "/kpis/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 640, path
        assert page.get_by_role("heading", level=1).is_visible()
    context.close()
