"""A printed value the fixture marks as a probable printing or extraction error is flagged wherever it counts,
an assessment resting on it says so, and an administrator marks or clears the flag, audited and kept through
a reload (issue 14, item 2)."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from kpis.models import DoubtDecision, Kpi, KpiValue
from loader.services import plans_load
from plans.models import DataVersion
from tests.conftest import fixture_path
from tests.test_entry import fast_passwords, loaded_plans, plans, users  # noqa: F401

pytestmark = pytest.mark.django_db

# Children's Services 2025-29 (002_a63e06525b642396.txt, line 131): children in care living with council foster
# carers, 354 / 356 / 388, then a latest "33 (November 2024)" against "Increasing trend" (fixtures/cs-2025-29.yaml).
KEY = "children-council-foster-carers"
PRINTED = "33 (November 2024)"
REASON = "Probably a printing or extraction error: 33 is out of line with 354, 356 and 388"
CAVEAT = 'Off track</strong> <span class="app-doubt-caveat">— rests on a figure marked doubtful</span>'


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def kpi(plans) -> Kpi:
    return Kpi.objects.select_related("plan", "measure__department").get(plan=plans.cs, key=KEY)


@pytest.fixture
def doubted(kpi) -> KpiValue:
    return kpi.values.get(source="document", kind="latest", year=2024)


def test_the_fixture_marks_the_value_doubtful_and_the_status_says_it_rests_on_it(kpi, doubted):
    assert doubted.printed == PRINTED and doubted.doubtful.startswith(REASON)
    assert kpi.status == "off_track" and kpi.status_doubtful
    assessment = kpi.assessment()
    assert assessment.full_label == "Off track — rests on a figure marked doubtful"
    assert "The 2024-25 latest '33 (November 2024)' is marked doubtful: " + REASON in assessment.reason


def test_the_plan_page_shows_the_caveat_in_the_cell_and_the_status(client, plans):
    page = client.get(plans.cs.get_absolute_url()).content.decode()
    cell = re.search(r"33 \(November 2024\)</span>(.*?)</td>", page, re.S).group(1)
    assert "Doubtful figure" in cell and REASON in cell
    assert CAVEAT in page


def test_the_kpi_page_shows_the_caveat_in_status_history_printed_row_and_chart(client, kpi):
    response = client.get(kpi.get_absolute_url())
    page, text = response.content.decode(), text_of(response)
    assert CAVEAT in page
    assert "is marked doubtful: " + REASON in text  # the reason under the status
    # the history table and the printed row each carry the tag and the reason beside the value
    assert text.count("Doubtful figure " + REASON) >= 2
    figure = json.loads(
        re.search(r'<script id="history-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    latest = next(t for t in figure["data"] if t["name"] == "Latest (part-year)")
    assert "33 (November 2024) – doubtful figure" in latest["customdata"]  # the hover says so
    assert "%{customdata}" in latest["hovertemplate"] and "33 (November 2024)" in latest["text"]


def test_the_kpi_list_department_dashboard_and_cabinet_summary_show_the_caveat(client, plans):
    page = client.get(reverse("kpi_list"), {"plan": "cs-2025-29"}).content.decode()
    assert CAVEAT in page and "Doubtful figure" in page and REASON in page
    for url in (reverse("department", args=[plans.cs.department.slug]), reverse("plan_summary", args=["cs-2025-29"])):
        response = client.get(url)
        assert CAVEAT in response.content.decode(), url
        assert "One status rests on a figure marked doubtful" in text_of(response), url
        assert (
            "council foster carers : Off track. The 2024-25 latest '33 (November 2024)' is marked doubtful"
            in text_of(response)
        )  # the warning names the measure, its status and the figure doubted


def test_the_entry_form_shows_the_caveat_beside_the_current_figure(client, users, plans):
    client.force_login(users.lead)
    text = text_of(client.get(f"{reverse('department_update', args=[plans.cs.department.slug])}?plan=cs-2025-29"))
    assert (
        "Now: Off track — rests on a figure marked doubtful, 33 (November 2024) (2024-25) Doubtful figure " + REASON
    ) in text


def admin_url(value: KpiValue) -> str:
    return reverse("admin:kpis_printedvalue_change", args=[value.pk])


def test_only_administrators_may_mark_or_clear_a_doubt(client, users, doubted):
    data = {"reason": "Checked against the published return: 33 is wrong", "is_doubtful": ""}
    users.lead.is_staff = True  # even a lead let into the admin site is refused
    users.lead.save()
    for person in (None, users.viewer, users.lead, users.cabinet):
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.post(admin_url(doubted), data)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert reverse("admin:login") in response["Location"]
    doubted.refresh_from_db()
    assert doubted.doubtful.startswith(REASON) and not DoubtDecision.objects.exists()


def admin_client(client, users):
    users.admin.is_staff = True  # administrators use the admin site (seed_local_users makes them staff)
    users.admin.save()
    client.force_login(users.admin)
    return client


def test_an_administrator_clears_a_doubt_with_a_reason_audited_and_the_status_restored(client, users, kpi, doubted):
    admin = admin_client(client, users)
    assert admin.get(admin_url(doubted)).status_code == 200
    refused = admin.post(admin_url(doubted), {"reason": "  ", "is_doubtful": ""})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    before = DataVersion.current()
    response = admin.post(admin_url(doubted), {"reason": "Confirmed with the service: 33 is right", "is_doubtful": ""})
    assert response.status_code == 302
    doubted.refresh_from_db()
    kpi.refresh_from_db()
    assert doubted.doubtful == "" and not kpi.status_doubtful and kpi.status == "off_track"
    assert DataVersion.current() > before  # cached pages are stale
    decision = DoubtDecision.objects.get()
    assert (decision.doubtful, decision.reason, decision.decided_by, decision.printed) == (
        False,
        "Confirmed with the service: 33 is right",
        users.admin,
        PRINTED,
    )
    assert decision.was.startswith(REASON)
    listing = admin.get(reverse("admin:kpis_doubtdecision_changelist")).content.decode()
    assert "Confirmed with the service: 33 is right" in listing
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert "rests on a figure marked doubtful" not in page and "Doubtful figure" not in page


def test_an_administrators_mark_and_clear_survive_a_reload(client, users, plans, kpi, doubted):
    admin = admin_client(client, users)
    admin.post(admin_url(doubted), {"reason": "Confirmed with the service: 33 is right", "is_doubtful": ""})
    other = kpi.values.get(source="document", kind="actual", year=2023)  # "388"
    admin.post(admin_url(other), {"reason": "Does not match the published return", "is_doubtful": "on"})
    plans_load(paths=[fixture_path("cs-2025-29")])
    kpi.refresh_from_db()
    values = {(v.kind, v.year): v for v in kpi.values.filter(source="document")}
    assert values[("latest", 2024)].doubtful == ""
    assert values[("actual", 2023)].doubtful == "Does not match the published return"
    assert kpi.status_doubtful  # the trend compares 33 with the doubted 388
    assert DoubtDecision.objects.count() == 2
