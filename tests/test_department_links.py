"""The department dashboard shows its performance leads (and administrators) the way in to update its figures,
as the README promises, and shows it to nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_entry import CS, ETE, fast_passwords, loaded_plans, plans, users  # noqa: F401

LINK = "Update key performance measures"


@pytest.mark.parametrize(
    "role, department, shown",
    [
        ("lead", CS, True),
        ("admin", CS, True),
        ("admin", ETE, True),
        ("other_lead", ETE, True),
        ("lead", ETE, False),
        ("other_lead", CS, False),
        ("viewer", CS, False),
        ("cabinet", CS, False),
        ("anonymous", CS, False),
    ],
)
def test_it_shows_the_update_link_only_to_those_who_may_update(client, plans, users, role, department, shown):
    if role != "anonymous":
        client.force_login(getattr(users, role))
    html = client.get(reverse("department", args=[department])).content.decode()
    update = f'href="{reverse("department_update", args=[department])}"'
    upload = f'href="{reverse("kpi_upload", args=[department])}"'
    assert (LINK in html) is shown
    assert (update in html) is shown
    assert (upload in html) is shown


def test_the_link_leads_to_the_update_page(client, plans, users):
    client.force_login(users.lead)
    response = client.get(reverse("department_update", args=[CS]))
    assert response.status_code == 200
    assert LINK in response.content.decode()


APPROVE = "Approve figures and targets awaiting sign-off"


@pytest.fixture
def approver(plans, users):
    from django.contrib.auth import get_user_model

    from plans.models import Department, Role

    person = get_user_model().objects.create_user("alex", password="x", first_name="Alex", last_name="Approver")
    Role.objects.create(user=person, kind=Role.Kind.APPROVER, department=Department.objects.get(slug=CS))
    return person


@pytest.mark.parametrize(
    "role, department, shown",
    [
        ("approver", CS, True),
        ("admin", CS, True),
        ("approver", ETE, False),
        ("lead", CS, False),  # leads enter figures; approving them is another role
        ("viewer", CS, False),
        ("anonymous", CS, False),
    ],
)
def test_it_shows_the_approvals_link_only_to_those_who_may_approve(
    client, plans, users, approver, role, department, shown
):
    who = {"approver": approver}.get(role) or getattr(users, role, None)
    if who is not None:
        client.force_login(who)
    html = client.get(reverse("department", args=[department])).content.decode()
    assert (APPROVE in html) is shown
    assert (f'href="{reverse("department_approvals", args=[department])}"' in html) is shown
    # An approver who does not lead the department is not offered the ways in to update it.
    if role == "approver" and shown:
        assert LINK not in html and "You approve this department's figures." in html


def test_the_approvals_link_leads_to_the_approvals_page(client, plans, approver):
    client.force_login(approver)
    html = client.get(reverse("department", args=[CS])).content.decode()
    assert APPROVE in html
    assert client.get(reverse("department_approvals", args=[CS])).status_code == 200
