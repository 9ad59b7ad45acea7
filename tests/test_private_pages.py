"""Private pages stay private (issue 19): entry pages are never stored (Cache-Control: no-store), and text people
type (KPI commentary, deliverable updates, doubt reasons) is shown inside bidirectional isolation (<bdi>), so a
right-to-left override (U+202E) in it cannot reorder the page around it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kpis.models import KpiValue
from kpis.services import kpi_value_doubt_set
from tests.test_entry import (  # noqa: F401
    CS,
    PCT,
    entries,
    fast_passwords,
    fill,
    kpi_of,
    loaded_plans,
    open_form,
    page_form,
    plans,
    update_url,
    users,
)
from tests.test_upload import csv_file, filled, post_file, template

RLO = "\u202e"
HOSTILE = f"Late {RLO}txt.exe"  # would show as "Late exe.txt" and drag what follows it backwards too


def isolated(html: str, text: str) -> bool:
    """`text` appears on the page, each time inside a <bdi> element (which may hold a sentence around it)."""
    where = [m.start() for m in re.finditer(re.escape(text), html)]  # Django escapes neither letters nor U+202E
    return bool(where) and all(html.rfind("<bdi>", 0, i) > html.rfind("</bdi>", 0, i) for i in where)


def test_entry_pages_are_never_stored(client, plans, users):
    client.force_login(users.lead)
    item = plans.cs.deliverables.order_by("order").first()
    for url in (
        update_url(plans.cs),
        reverse("kpi_upload", args=[CS]),
        reverse("deliverable_update", args=[plans.cs.slug, item.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
    # A reading page, signed in, is private but may be kept by the browser.
    response = client.get(reverse("department", args=[CS]))
    assert "private" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_kpi_commentary_is_isolated(client, plans, users, approve):
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="60", commentary=HOSTILE)
    assert client.post(update_url(plans.cs), data).status_code == 302
    assert entries()[0].commentary == HOSTILE  # kept as typed
    # Awaiting approval: the approver reads it on the approvals page, isolated too.
    client.force_login(users.admin)
    approvals = client.get(reverse("department_approvals", args=[plans.cs.department.slug])).content.decode()
    assert f"<bdi>{HOSTILE}</bdi>" in approvals and isolated(approvals, HOSTILE)
    approve()
    kpi_page = client.get(kpi_of(plans.cs, PCT).get_absolute_url()).content.decode()
    assert f"<bdi>{HOSTILE}</bdi>" in kpi_page and isolated(kpi_page, HOSTILE)
    summary = client.get(reverse("plan_summary", args=[plans.cs.slug])).content.decode()
    assert isolated(summary, HOSTILE)


def test_commentary_in_an_upload_preview_is_isolated(client, plans, users):
    client.force_login(users.lead)
    rows = filled(template(client, plans.cs, "csv"), {PCT: {"Latest value": "85%", "Commentary": HOSTILE}})
    html = post_file(client, plans.cs, csv_file(rows)).content.decode()
    assert f"<bdi>{HOSTILE}</bdi>" in html and isolated(html, HOSTILE)


def test_deliverable_progress_is_isolated(client, plans, users):
    client.force_login(users.lead)
    item = plans.cs.deliverables.order_by("order").first()
    url = reverse("deliverable_update", args=[plans.cs.slug, item.pk])
    data = page_form(client.get(url).content.decode(), "Save update")
    data.update(status="at_risk", percent_complete="40", as_of="2025-11-27", commentary=HOSTILE)
    assert client.post(url, data).status_code == 302
    for page in (url, item.get_absolute_url(), reverse("plan_summary", args=[plans.cs.slug])):
        html = client.get(page).content.decode()
        assert isolated(html, HOSTILE), page


def test_a_doubt_reason_is_isolated(client, plans, users):
    kpi = kpi_of(plans.cs, PCT)
    # The newest figure ("latest", 2024-25: 77.8%), the one the KPI list shows beside the KPI.
    value = KpiValue.objects.filter(kpi=kpi, source="document").exclude(kind="target").order_by("-year").first()
    assert value is not None
    kpi_value_doubt_set(value=value, doubtful=True, reason=HOSTILE, by=users.admin)
    for url in (kpi.get_absolute_url(), reverse("kpi_list") + f"?plan={plans.cs.slug}"):
        html = client.get(url).content.decode()
        assert f"<bdi>{HOSTILE}</bdi>" in html and isolated(html, HOSTILE), url


@pytest.mark.parametrize("text", [HOSTILE])
def test_the_check_itself_sees_text_outside_isolation(text):
    assert not isolated(f"<td>{text}</td>", text) and isolated(f"<td><bdi>{text}</bdi></td>", text)
    assert not isolated(f"<bdi>a</bdi> {text}", text) and isolated(f"<bdi>Marked doubtful: {text}.</bdi>", text)
