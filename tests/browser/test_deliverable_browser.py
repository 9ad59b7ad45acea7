"""Deliverables, risks and the 2025-29 objective tree in a real browser: an officer filters and sorts the
deliverables and follows one to its linked measure (a chart page); a cabinet member opens objective 14 from
a shared link; a mistyped month shows its error. No console errors, no failed requests, and axe-core finds
no WCAG 2.2 AA violation on any of these pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_an_officer_filters_deliverables_and_follows_one_to_its_measure(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/deliverables/")
    expect(page.get_by_role("heading", name="Deliverables and actions", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("222 deliverables shown.")
    assert_accessible(page)

    page.get_by_label("Department").select_option(label="Children's Services")
    page.get_by_label("Ends from").fill("2023-03")
    page.get_by_label("Ends by").fill("2023-03")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"department=childrens-services.*end_from=2023-03"))
    # 13 Children's Services deliverables print an end in March 2023
    expect(page.get_by_role("status")).to_have_text("13 deliverables shown.")
    table = page.get_by_role("region", name="Deliverables and actions")
    expect(table.get_by_role("row", name=re.compile(r"^CP-03 Implemented key actions"))).to_contain_text("Mar 2023")
    # ... and 35 print no end date at all: included only when asked
    page.get_by_label("Dates printed as words or blank").select_option(label="Include (such as Ongoing)")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text("48 deliverables shown.")
    expect(table).to_contain_text("Not printed")
    page.get_by_label("Lead officer contains").fill("schools and learning")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"lead=schools\+and\+learning"))
    expect(table.get_by_role("row", name=re.compile(r"^CP-03 Implemented key actions"))).to_be_visible()
    table.get_by_role("link", name="Start").click()
    expect(table.get_by_role("columnheader", name="Start")).to_have_attribute("aria-sort", "ascending")
    assert_accessible(page)

    page.goto(live_server.url + "/deliverables/?plan=asch-2020-21")
    page.get_by_role("link", name="Achieved budget savings of £46.8m (£20m departmental)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Achieved budget savings of £46.8m (£20m departmental)")
    measures = page.get_by_role("region", name="Linked key performance measures")
    expect(measures).to_contain_text("Off track")
    assert_accessible(page)
    measures.get_by_role("link", name="1) Achieved departmental budget savings in 2019-20 and 2020-21").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "1) Achieved departmental budget savings in 2019-20 and 2020-21"
    )
    expect(page.locator(".app-chart .main-svg").first).to_be_attached()
    assert_accessible(page)
    assert page.problems == []


def test_a_mistyped_month_shows_its_error(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/deliverables/?start_from=sometime&plan=cs-2022-23")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(page.get_by_role("status")).to_have_text("Nothing is listed until the filters are corrected.")
    assert_accessible(page)
    summary.get_by_role("link", name=re.compile("Starts from")).click()
    expect(page.get_by_label("Starts from")).to_be_focused()
    assert page.problems == []


def test_a_cabinet_member_reads_objective_14_and_the_risks(live_server, seeded, watched_page):
    page = watched_page
    page.goto(live_server.url + "/plans/cs-2025-29/objectives/#objective-14")
    heading = page.get_by_role("heading", level=3, name=re.compile("^Strategic objective 14: Develop new operating"))
    expect(heading).to_be_in_viewport()
    objective = page.locator("section", has=heading)
    expect(objective.get_by_role("heading", level=4)).to_have_count(5)
    expect(objective).to_contain_text("Transform home to school transport provision")
    assert_accessible(page)
    objective.get_by_role("link", name="Transform home to school transport provision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transform home to school transport provision")
    assert_accessible(page)
    page.get_by_role("link", name="Strategic objective 14 and all its actions").click()
    expect(page).to_have_url(re.compile(r"/plans/cs-2025-29/objectives/#objective-14$"))

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risks")
    page.get_by_label("Type").select_option("Strategic")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text("1 risk shown.")
    expect(page.get_by_role("region", name="Risks")).to_contain_text("Robust and independent quality assurance")
    assert_accessible(page)
    assert page.problems == []
