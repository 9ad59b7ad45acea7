"""The first pages: home, department, plan (every section, exact figures from the 2022-23 document),
deliverable, KPI and measure. Query counts are pinned and do not grow with the rows shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kpis.models import Kpi
from plans.models import Deliverable


@pytest.fixture
def plan(load_plan):
    return load_plan("cs-2022-23")


def test_an_unknown_department_or_plan_is_404(client, db):
    assert client.get(reverse("department", args=["parks"])).status_code == 404
    assert client.get(reverse("plan", args=["nope-2099-00"])).status_code == 404


# Figures exactly as the 2022-23 refresh prints them (000_1696c8c63c149500.txt), as the page shows them.
EXACT = [
    "£141.78 million",  # budget headline, line 184
    "£141,779,398",  # total net controllable budget, line 392
    "-£3,028,016",  # Strategic Services controllable recharges, line 386
    "£99,097,252",  # Early Help and Safeguarding net, line 387
    "£6,096,000",  # Children in Care Placements pressure, ongoing
    "£1,222,000",  # ... ongoing contingency
    "£46,000",  # the one saving
    "89.1% (Dec 21)",  # initial child protection conferences within 15 days, latest
    "17.7% (Dec 21)",  # social worker vacancies, front-facing teams
    "&lt;17%",  # ... its target
    "15-20",  # average caseload target range
    "Number of children living with Council foster carers",
    "Supply Delivery and Installation of Catering Heavy Equipment",
    "£1,280,000",
    "£28,000,000",  # Household Support Voucher Provider
    "TS12032 - Placement Management System",
    "Risk of death or serious injury to a looked after child or a child receiving help and protection",
    "Director for Schools and Learning",
    "CP-25 CP-29 CP-32",
    "Resilient, healthy and safe communities",
    '<td class="govuk-table__cell app-num">1294</td>',  # Early Help and Safeguarding headcount
]


def test_the_plan_page_shows_every_section_with_exact_figures(client, plan, django_assert_num_queries):
    # 1 plan+department; 2 deliverables with their sub-actions; 3 statements; 4 KPIs, 5 their values;
    # 6 divisions; 7 workforce; 8 budget headlines; 9 pressures; 10 savings; 11 budget tables, 12 columns,
    # 13 rows, 14 cells (+columns); 15 outcomes; 16 procurement tables, 17 entries; 18 risks; 19 discrepancies
    with django_assert_num_queries(19):
        response = client.get(plan.get_absolute_url())
    page = response.content.decode()
    missing = [figure for figure in EXACT if figure not in page]
    assert not missing
    for heading in (
        "Ambition, priorities and overview",
        "Structure and workforce",
        "Budget",
        "Deliverables",
        "Key performance measures",
        "Procurement pipeline",
        "Risks",
    ):
        assert f">{heading}</h2>" in page


def test_the_plan_page_query_count_does_not_grow_with_rows(client, plan, django_assert_max_num_queries):
    Deliverable.objects.filter(plan=plan).exclude(refs__contains=["CP-03"]).delete()
    Kpi.objects.filter(plan=plan)[:1].get().delete()
    with django_assert_max_num_queries(20):
        client.get(plan.get_absolute_url())


def test_the_deliverable_page(client, plan, django_assert_num_queries):
    item = plan.deliverables.get(refs__contains=["CP-03"])
    # 1 deliverable with plan, department, parent, objective; 2 sub-actions; 3 progress updates; 4 linked KPIs
    # (none, so no values query); 5 related risks
    with django_assert_num_queries(5):
        response = client.get(item.get_absolute_url())
    page = response.content.decode()
    assert "Implemented key actions to reduce discrimination and tackle inequalities" in page
    assert "Mar 2022" in page and "Mar 2023" in page
    assert "Source: 000_1696c8c63c149500.txt, line" in page  # provenance disclosure


def test_a_deliverable_of_another_plan_is_404(client, plan, load_plan):
    other = load_plan("cs-2025-29")
    item = plan.deliverables.first()
    assert client.get(reverse("deliverable", args=[other.slug, item.pk])).status_code == 404


def test_the_deliverable_page_shows_its_progress_timeline(client, plan, django_assert_num_queries):
    from django.contrib.auth.models import User

    from plans.models import DeliverableUpdate

    item = plan.deliverables.get(refs__contains=["CP-03"])
    lead = User.objects.create_user("lead", password="a-long-test-password", first_name="Lee", last_name="Lead")
    DeliverableUpdate.objects.create(
        deliverable=item,
        status="at_risk",
        percent_complete=30,
        as_of="2022-09-30",
        commentary="Recruitment is behind",
        entered_by=lead,
    )
    DeliverableUpdate.objects.create(
        deliverable=item,
        status="on_track",
        percent_complete=55,
        as_of="2022-12-31",
        commentary="Back on plan",
        entered_by=lead,
    )
    # the same 5 queries: the updates come with who entered them (anonymous: no permission query)
    with django_assert_num_queries(5):
        page = client.get(item.get_absolute_url()).content.decode()
    assert page.index("Back on plan") < page.index("Recruitment is behind")  # newest first
    assert "55% complete" in page and "At risk" in page and "by Lee Lead" in page
