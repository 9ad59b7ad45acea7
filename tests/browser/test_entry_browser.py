"""A performance lead keeps the numbers current, in a real browser: signs in, updates three KPIs and a
deliverable and sees the dashboard change; uploads a file with errors, sees them and nothing is saved; every
form is axe-clean, with and without errors; the entry form can be completed with the keyboard alone."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

PASSWORD = "a-long-browser-password"
CS_NAME = "Children's Services"


@pytest.fixture
def lead(seeded, settings):
    """A performance lead of Children's Services, Lena Lead, on the seeded database."""
    from django.contrib.auth.models import User

    from plans.models import Department, Role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user("lena", password=PASSWORD, first_name="Lena", last_name="Lead")
    Role.objects.create(user=user, kind="lead", department=Department.objects.get(slug="childrens-services"))
    return user


def kpi_pk(key: str) -> int:
    from kpis.models import Kpi

    return Kpi.objects.get(plan__slug="cs-2025-29", key=key).pk


def entered() -> list[tuple[str, str]]:
    from kpis.models import KpiValue

    return list(KpiValue.objects.filter(source="entry").order_by("pk").values_list("kpi__key", "printed"))


def sign_in(page: Page, base: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    assert_accessible(page)
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + next_path)


def home_counts(page: Page, base: str) -> list[str]:
    """Children's Services' (off track, near, on track, no assessment) from the overview's chart table."""
    page.goto(base + "/")
    row = (
        page.locator("table", has=page.get_by_text("The chart's figures"))
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=CS_NAME, exact=True))
    )
    return row.get_by_role("cell").all_inner_texts()


def expected_problems(page: Page, allowed: list[str]) -> list[str]:
    """What the page recorded, less what the test provoked on purpose: the 400 answers of forms shown with
    errors (and Chromium's console line for each), and downloads (which Chromium reports as aborted requests)."""

    def provoked(problem: str) -> bool:
        return (
            any(problem.startswith(f"HTTP 400: {url}") for url in allowed)
            or problem
            == "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"
            or (problem.startswith("failed request: ") and "template=" in problem)
        )

    return [p for p in page.problems if not provoked(p)]


def test_a_lead_updates_three_kpis_and_a_deliverable_and_sees_the_dashboard_change(live_server, lead, watched_page):
    page, base = watched_page, live_server.url
    assert home_counts(page, base) == ["5", "0", "3", "9"]
    sign_in(page, base, "/departments/childrens-services/update/")
    expect(page.get_by_role("heading", name="Update key performance measures", level=1)).to_be_visible()
    assert_accessible(page)

    pct, count, lower = (
        page.locator(f"#kpi-{kpi_pk(k)}")
        for k in ("rpr-children-in-care", "dcc-fostering-households", "send-complaints")
    )
    pct.get_by_label("Latest value (%)").fill("85")
    pct.get_by_label("As at (month)").fill("2025-09")
    count.get_by_label("Latest value (Number)").fill("300")
    count.get_by_label("Commentary").fill("Recruitment campaign")
    lower.get_by_label("Latest value (Number)").fill("700")  # off track: needs a commentary
    page.get_by_role("button", name="Save all values").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary).to_contain_text("Commentary: Explain the value: it is off track against its target")
    expect(lower.locator(".govuk-error-message")).to_have_text(
        "Error: Explain the value: it is off track against its target"
    )
    assert_accessible(page)  # the form showing errors
    assert entered() == []
    summary.get_by_role("link").click()  # the summary's link takes the reader to the field
    expect(lower.get_by_label("Commentary")).to_be_focused()
    page.keyboard.type("More families know how to complain")
    page.get_by_role("button", name="Save all values").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Saved: 3 figures awaiting approval by Children's Services's approver."
    )
    assert sorted(entered()) == sorted(
        [("rpr-children-in-care", "85"), ("dcc-fostering-households", "300"), ("send-complaints", "700")]
    )
    expect(count).to_contain_text("Awaiting approval 300 (2025-26), entered by lena.")
    assert_accessible(page)

    from plans.models import DeliverableUpdate

    item = lead_deliverable()
    page.goto(f"{base}/plans/cs-2025-29/deliverables/{item.pk}/update/")
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="At risk")
    page.get_by_label("Percentage complete").fill("140")
    page.get_by_label("Commentary").fill("Recruitment delayed; interviews in December")
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The percentage complete must be between 0 and 100")
    assert_accessible(page)
    page.get_by_label("Percentage complete").fill("40")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("alert")).to_contain_text("Progress update saved.")
    assert list(DeliverableUpdate.objects.values_list("status", "percent_complete")) == [("at_risk", 40)]
    page.goto(f"{base}/plans/cs-2025-29/deliverables/{item.pk}/update/")
    expect(page.get_by_role("region", name="Progress updates")).to_contain_text("At risk")

    # The dashboards reflect the figures once an approver approves them (issue 16): one measure on track and one
    # off track that had no assessment.
    assert home_counts(page, base) == ["5", "0", "3", "9"]
    approve_all()
    assert home_counts(page, base) == ["6", "0", "4", "7"]
    page.goto(f"{base}/departments/childrens-services/")
    expect(page.get_by_text("6 of 17")).to_be_visible()
    assert (
        expected_problems(
            page,
            [
                f"{base}/departments/childrens-services/update/",
                f"{base}/plans/cs-2025-29/deliverables/{item.pk}/update/",
            ],
        )
        == []
    )


def approve_all() -> None:
    """Approve every entry awaiting approval, as an approver of Children's Services (the approvals page itself is
    driven in tests/browser/test_signoff_browser.py)."""
    from django.contrib.auth.models import User

    from kpis.approvals import entries_decide
    from kpis.models import KpiValue
    from plans.models import Department, Role

    department = Department.objects.get(slug="childrens-services")
    approver = User.objects.create_user("approver.entry")
    Role.objects.create(user=approver, kind="approver", department=department)
    ids = list(KpiValue.objects.filter(approval="awaiting").values_list("pk", flat=True))
    entries_decide(department=department, ids=ids, approve=True, reason="", by=approver)


def lead_deliverable():
    from plans.models import Deliverable

    return Deliverable.objects.filter(plan__slug="cs-2025-29").order_by("order").first()


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_an_upload_with_errors_is_previewed_and_refused(live_server, lead, watched_page):
    from kpis.uploads import COLUMNS

    page, base = watched_page, live_server.url
    sign_in(page, base, "/departments/childrens-services/upload/")
    expect(page.get_by_role("heading", name="Upload measure values", level=1)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == COLUMNS and len(rows) == 18
    by_key = {r[0]: r for r in rows[1:]}
    by_key["rpr-children-in-care"][3] = "eighty"
    by_key["residential-homes-good"][3] = "101"
    by_key["dcc-fostering-households"][3] = "300"  # a good row beside the bad ones: not saved either

    page.get_by_label("Filled-in template (.csv or .xlsx, up to 2 MB)").set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("2 rows need correcting")
    errors = page.get_by_role("table", name="Errors by row and column")
    expect(errors).to_contain_text("Enter a number, like 12.5, not “eighty”")
    expect(errors).to_contain_text("A percentage must be between 0 and 100")
    expect(page.get_by_role("button", name=re.compile("^Save all"))).to_have_count(0)  # nothing to confirm
    assert_accessible(page)
    assert entered() == []

    # Corrected, the file is previewed, then saved when confirmed.
    by_key["rpr-children-in-care"][3] = "80"
    by_key["residential-homes-good"][3] = "100"
    page.get_by_label("Filled-in template (.csv or .xlsx, up to 2 MB)").set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("table", name="3 changes will be saved")).to_be_visible()
    assert_accessible(page)
    assert entered() == []
    page.get_by_role("button", name="Save all 3 changes").click()
    expect(page.get_by_role("alert")).to_contain_text("3 values saved from the upload.")
    assert len(entered()) == 3
    assert expected_problems(page, [f"{base}/departments/childrens-services/upload/"]) == []


def test_a_wrong_file_is_refused_accessibly(live_server, lead, watched_page):
    page, base = watched_page, live_server.url
    sign_in(page, base, "/departments/childrens-services/upload/")
    page.get_by_label("Filled-in template (.csv or .xlsx, up to 2 MB)").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#file-error")).to_have_text("Error: Upload the template as a .csv or .xlsx file")
    expect(page.get_by_label("Filled-in template (.csv or .xlsx, up to 2 MB)")).to_have_attribute(
        "aria-describedby", "file-error"
    )
    assert_accessible(page)


def test_the_sign_in_page_is_accessible_with_errors_and_when_throttled(live_server, lead, watched_page):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    page, base = watched_page, live_server.url
    page.goto(base + "/accounts/login/")
    for _ in range(4):
        page.get_by_label("Username").fill("lena")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Please enter a correct username and password")
    assert_accessible(page)
    for password in ("wrong", PASSWORD):  # the fifth failure refuses, and so does the right password after it
        page.get_by_label("Username").fill("lena")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Too many failed attempts to sign in. Wait 15 minutes"
        )
        expect(page.locator(".govuk-error-summary")).not_to_contain_text("Please enter a correct username")
    assert_accessible(page)
    AccessAttempt.objects.all().delete()


def test_the_entry_form_can_be_completed_with_the_keyboard_alone(live_server, lead, watched_page):
    page, base = watched_page, live_server.url
    sign_in(page, base, "/departments/childrens-services/update/")
    target = f"id_kpi-{kpi_pk('rpr-children-in-care')}-value"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")  # skip the header and menu
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == target:
            break
    else:
        pytest.fail(f"Tab never reached #{target}")
    page.keyboard.type("101")  # out of range first
    page.keyboard.press("Tab")  # to the year
    expect(page.locator(f"#id_kpi-{kpi_pk('rpr-children-in-care')}-year")).to_be_focused()
    page.keyboard.press("Tab")  # to the as-at month
    page.keyboard.type("2025-10")
    page.keyboard.press("Enter")  # submits the form

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")  # the link moves focus to the field in error
    expect(page.locator(f"#{target}")).to_be_focused()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("86.5")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Saved: 1 figure awaiting approval")
    assert entered() == [("rpr-children-in-care", "86.5")]
    from kpis.models import KpiValue

    assert KpiValue.objects.get(source="entry").as_at.isoformat() == "2025-10-01"
    assert expected_problems(page, [f"{base}/departments/childrens-services/update/"]) == []
