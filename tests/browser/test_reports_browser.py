"""Report pack pages in Chromium: axe clean (WCAG 2.2 AA) at 1,280px and 375px, no sideways scrolling on a phone, no
console error or failed request; the publish form's errors are accessible too."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.contrib.auth.models import User

from tests.browser.conftest import assert_accessible
from tests.browser.test_every_page import check, sign_in

# Screenshots for a person to look at: PACK_SHOTS=/some/folder
SHOTS = os.environ.get("PACK_SHOTS", "")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_pack_pages_are_accessible_at_both_widths(live_server, seeded, watched_page):
    from plans.models import Council, Role
    from reports.models import ReportPack
    from reports.services import pack_publish

    admin = User.objects.create_user("admin.browser", password="a-long-browser-password", first_name="Ada")
    Role.objects.create(user=admin, kind="admin")
    council = Council.objects.get(slug="derbyshire")
    first = pack_publish(council=council, period="Q1 2025-26", meeting_date=dt.date(2025, 9, 11), by=admin)
    second = pack_publish(council=council, period="Q2 2025-26", meeting_date=dt.date(2025, 12, 11), by=admin)
    page = watched_page
    page.base = live_server.url
    try:
        paths = {
            "list": "/reports/",
            "pack": f"/reports/{second.slug}/",
            "department": f"/reports/{second.slug}/departments/childrens-services/",
            "exceptions": "/reports/exceptions/",
            "compare": f"/reports/compare/?from={first.slug}&to={second.slug}",
        }
        failures = {}
        for name, path in paths.items():
            problems = check(page, path)  # axe at 1,280px, then the width at 375px
            page.set_viewport_size({"width": 375, "height": 800})
            try:
                assert_accessible(page)
            except AssertionError as e:
                problems.append(f"at 375px: {e}")
            page.set_viewport_size({"width": 1280, "height": 900})
            if problems:
                failures[path] = problems
            shoot(page, name)
        assert not failures, "\n\n".join(f"{p}:\n" + "\n".join(v) for p, v in failures.items())

        sign_in(page, live_server.url, "admin.browser")
        page.goto(live_server.url + "/reports/publish/")
        page.get_by_role("button", name="Publish the pack").click()
        assert page.get_by_text("There is a problem").is_visible()
        assert_accessible(page)
        shoot(page, "publish-errors")
        assert page.get_by_role(
            "link", name="Reporting period: Enter the reporting period, for example Q2 2025-26"
        ).is_visible()
        assert page.problems == []
    finally:
        ReportPack.objects.all().delete()  # before the seed fixture removes the users who published them
