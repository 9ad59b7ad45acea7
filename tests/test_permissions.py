"""Every write URL x every role x own/other department, enforced on the server: anonymous visitors are sent
to sign in, users without the right get 403, tampered URLs and forms reach nothing of another department,
and every POST needs its CSRF token."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kpis.models import Kpi, KpiValue
from kpis.targets import copy_candidates
from kpis.uploads import COLUMNS, Preview
from plans.models import DeliverableUpdate, Department, Role
from plans.parsing import fy_of
from tests.test_entry import CS, ETE, PASSWORD, fast_passwords, loaded_plans, make_users, page_form, plans  # noqa: F401

ROLES = ["anonymous", "viewer", "lead", "other_lead", "approver", "cabinet", "admin"]
# Who may write to which department: leads their own, administrators every one.
ALLOWED = {("lead", CS), ("other_lead", ETE), ("admin", CS), ("admin", ETE)}
# Who may approve or return what leads entered: approvers their own department, administrators every one.
APPROVERS = {("approver", CS), ("admin", CS), ("admin", ETE)}


@pytest.fixture
def users(plans, fast_passwords):
    """The fixed users (tests/test_entry.py), and an approver of Children's Services."""
    people = make_users()
    people.approver = get_user_model().objects.create_user("abel", password=PASSWORD)
    Role.objects.create(user=people.approver, kind=Role.Kind.APPROVER, department=Department.objects.get(slug=CS))
    return people


def entry_data(plan) -> dict:
    """A valid update form for every KPI of the plan, with one value entered."""
    kpis = list(Kpi.objects.filter(plan=plan).order_by("order"))
    data = {f"kpi-{k.pk}-year": str(plan.financial_year) for k in kpis} | {f"kpi-{k.pk}-seen": "0" for k in kpis}
    chosen = next(k for k in kpis if k.unit == "percent")
    return data | {f"kpi-{chosen.pk}-value": "50", f"kpi-{chosen.pk}-commentary": "Checked by the matrix"}


def template_file(plan) -> SimpleUploadedFile:
    rows = [",".join(COLUMNS)] + [f"{k.key},,{plan.year_label},,,,,,,0" for k in Kpi.objects.filter(plan=plan)]
    return SimpleUploadedFile("values.csv", "\n".join(rows).encode(), content_type="text/csv")


def target_data(plan) -> dict:
    """The targets page's form for every KPI of the plan, with one target entered, for this financial year."""
    kpis = list(Kpi.objects.filter(plan=plan).order_by("order"))
    data = {"plan": plan.slug, "year": str(fy_of(timezone.localdate())), "confirm": "1"}
    return data | {f"kpi-{kpis[0].pk}-target": ">= 50"}


def reporting_data(plan) -> dict:
    """The reporting rules form with every KPI quarterly, due in 10 working days."""
    kpis = Kpi.objects.filter(plan=plan)
    return {"plan": plan.slug} | {
        f"kpi-{k.pk}-{name}": value
        for k in kpis
        for name, value in (("frequency", "quarterly"), ("due_working_days", "10"))
    }


def write_requests(plan) -> dict:
    """Each write URL of a department: (method, url, data, status when allowed)."""
    dept = plan.department.slug
    update = f"{reverse('department_update', args=[dept])}?plan={plan.slug}"
    upload = f"{reverse('kpi_upload', args=[dept])}?plan={plan.slug}"
    item = plan.deliverables.order_by("order").first()
    progress = reverse("deliverable_update", args=[plan.slug, item.pk])
    targets = f"{reverse('department_targets', args=[dept])}?plan={plan.slug}"
    copy = f"{reverse('targets_copy', args=[dept])}?plan={plan.slug}"
    reporting = f"{reverse('department_reporting', args=[dept])}?plan={plan.slug}"
    return {
        "update GET": ("get", update, None, 200),
        "update POST": ("post", update, entry_data(plan), 302),
        "upload GET": ("get", upload, None, 200),
        "upload template CSV": ("get", upload + "&template=csv", None, 200),
        "upload template Excel": ("get", upload + "&template=xlsx", None, 200),
        "upload POST file": ("post", upload, {"plan": plan.slug, "file": template_file(plan)}, 200),
        "upload POST confirm": (
            "post",
            upload,
            {"plan": plan.slug, "confirm": "1", "payload": Preview(rows=[]).payload(plan)},
            302,
        ),
        "targets GET": ("get", targets, None, 200),
        "targets POST": ("post", targets, target_data(plan), 302),
        "targets copy GET": ("get", copy, None, 200),
        "reporting GET": ("get", reporting, None, 200),
        "reporting POST": ("post", reporting, reporting_data(plan), 302),
        "targets copy POST": ("post", copy, {"plan": plan.slug, "year": str(fy_of(timezone.localdate()))}, 302),
        "deliverable GET": ("get", progress, None, 200),
        "deliverable POST": (
            "post",
            progress,
            {"status": "on_track", "percent_complete": "20", "as_of": "2025-11-27", "commentary": "Matrix"},
            302,
        ),
    }


ACTIONS = [
    "update GET",
    "update POST",
    "upload GET",
    "upload template CSV",
    "upload template Excel",
    "upload POST file",
    "upload POST confirm",
    "targets GET",
    "targets POST",
    "targets copy GET",
    "targets copy POST",
    "reporting GET",
    "reporting POST",
    "deliverable GET",
    "deliverable POST",
]


def writes() -> tuple[int, int]:
    """(entered values and targets, deliverable updates); a changed reporting rule counts as an entry."""
    rules = Kpi.objects.exclude(frequency="annual").count()
    return KpiValue.objects.filter(source="entry").count() + rules, DeliverableUpdate.objects.count()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("department", [CS, ETE])
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix(client, plans, users, role, department, action):
    plan = plans.cs if department == CS else plans.ete
    method, url, data, allowed_status = write_requests(plan)[action]
    copied = len(copy_candidates(plan=plan, year=fy_of(timezone.localdate()) - 1))  # what copying forward writes
    if role != "anonymous":
        client.force_login(getattr(users, role))
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={quote(url, safe='/')}"
        assert writes() == (0, 0)
    elif (role, department) in ALLOWED:
        assert response.status_code == allowed_status, response.content.decode()[:2000]
        expected = {
            "update POST": (1, 0),
            "deliverable POST": (0, 1),
            "targets POST": (1, 0),
            "targets copy POST": (copied, 0),
            "reporting POST": (plan.kpis.count(), 0),
        }.get(action, (0, 0))
        assert writes() == expected
    else:
        assert response.status_code == 403
        assert writes() == (0, 0)


def test_a_superuser_without_a_role_may_write_everywhere(client, plans, users, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    for plan in (plans.cs, plans.ete):
        for action in ACTIONS:
            method, url, data, status = write_requests(plan)[action]
            response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
            assert response.status_code == status, (plan.slug, action)


def test_a_user_with_no_role_at_all_is_refused(client, plans, users, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password=PASSWORD)
    client.force_login(nobody)
    for action in ACTIONS:
        method, url, data, _ = write_requests(plans.cs)[action]
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 403, action
    assert writes() == (0, 0)


def test_a_revoked_lead_is_refused_at_once(client, plans, users):
    client.force_login(users.lead)
    _, url, _, _ = write_requests(plans.cs)["update GET"]
    assert client.get(url).status_code == 200
    users.lead.roles.all().delete()
    assert client.get(url).status_code == 403


# -- approving ------------------------------------------------------------------------------------------------------


def awaiting_entry(plan) -> KpiValue:
    """An entry awaiting approval in the plan's department, made by one of its leads."""
    lead = Role.objects.filter(kind=Role.Kind.LEAD, department=plan.department).first()
    assert lead is not None
    kpi = Kpi.objects.filter(plan=plan).order_by("order")[0]
    return KpiValue.objects.create(
        kpi=kpi,
        year=plan.financial_year,
        kind="latest",
        printed="50",
        value=50,
        order=10_000,
        source="entry",
        entered_by=lead.user,
        entered_at="2025-11-27T10:00Z",
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("department", [CS, ETE])
@pytest.mark.parametrize("role", ROLES)
def test_the_approvals_permission_matrix(client, plans, users, role, department, method):
    plan = plans.cs if department == CS else plans.ete
    entry = awaiting_entry(plan)
    url = reverse("department_approvals", args=[department])
    if role != "anonymous":
        client.force_login(getattr(users, role))
    response = client.post(url, {"entries": [entry.pk], "action": "approve"}) if method == "post" else client.get(url)
    entry.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={quote(url, safe='/')}"
    elif (role, department) in APPROVERS:
        assert response.status_code == (302 if method == "post" else 200)
        assert entry.approval == ("approved" if method == "post" else "awaiting")
        return
    else:
        assert response.status_code == 403
    assert entry.approval == "awaiting"


def test_a_superuser_without_a_role_may_approve_everywhere(client, plans, users, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))
    for plan in (plans.cs, plans.ete):
        entry = awaiting_entry(plan)
        url = reverse("department_approvals", args=[plan.department.slug])
        assert client.post(url, {"entries": [entry.pk], "action": "approve"}).status_code == 302


def test_approving_needs_its_csrf_token(plans, users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users.approver)
    entry = awaiting_entry(plans.cs)
    url = reverse("department_approvals", args=[CS])
    assert browser.post(url, {"entries": [entry.pk], "action": "approve"}).status_code == 403
    token = next(
        value for name, value in page_form_all(browser.get(url).content.decode()) if name == "csrfmiddlewaretoken"
    )
    data = {"entries": [entry.pk], "action": "approve", "csrfmiddlewaretoken": token}
    assert browser.post(url, data).status_code == 302


# -- tampering ----------------------------------------------------------------------------------------------------


def test_another_departments_plan_in_the_query_string_shows_the_leads_own(client, plans, users):
    """?plan= naming another department's plan cannot reach it: the page is the lead's own department's."""
    client.force_login(users.lead)
    url = f"{reverse('department_update', args=[CS])}?plan={plans.ete.slug}"
    html = client.get(url).content.decode()
    assert f"?plan={plans.cs.slug}" in html and plans.ete.slug not in html
    # Posting ETE's KPIs' fields through the lead's own URL writes nothing to them.
    response = client.post(url, entry_data(plans.ete) | entry_data(plans.cs))
    assert response.status_code == 302
    assert list(KpiValue.objects.filter(source="entry").values_list("kpi__plan__slug", flat=True)) == [plans.cs.slug]


def test_another_departments_template_cannot_be_downloaded_through_the_leads_url(client, plans, users):
    client.force_login(users.lead)
    response = client.get(f"{reverse('kpi_upload', args=[CS])}?plan={plans.ete.slug}&template=csv")
    assert response.status_code == 200
    assert f'filename="{plans.cs.slug}-kpi-values.csv"' in response["Content-Disposition"]
    ete_keys = set(Kpi.objects.filter(plan=plans.ete).values_list("key", flat=True))
    cs_keys = set(Kpi.objects.filter(plan=plans.cs).values_list("key", flat=True))
    rows = {line.split(",")[0] for line in response.content.decode("utf-8-sig").splitlines()[1:]}
    assert rows == cs_keys and not (rows & (ete_keys - cs_keys))


def test_an_upload_naming_another_departments_kpis_is_refused(client, plans, users):
    client.force_login(users.lead)
    ete_kpi = (
        Kpi.objects.filter(plan=plans.ete).exclude(key__in=Kpi.objects.filter(plan=plans.cs).values("key")).first()
    )
    body = ",".join(COLUMNS) + f"\n{ete_kpi.key},,2025-26,50,,,why,,,0\n"
    response = client.post(
        reverse("kpi_upload", args=[CS]),
        {"plan": plans.ete.slug, "file": SimpleUploadedFile("values.csv", body.encode())},
    )
    assert response.status_code == 400
    assert f"“{ete_kpi.key}” is not a measure of" in response.content.decode()
    assert writes() == (0, 0)


def test_a_confirmation_signed_for_another_department_is_refused(client, plans, users):
    client.force_login(users.lead)
    response = client.post(
        reverse("kpi_upload", args=[CS]),
        {"plan": plans.cs.slug, "confirm": "1", "payload": Preview(rows=[]).payload(plans.ete)},
    )
    assert response.status_code == 400
    assert "The upload was for another plan" in response.content.decode()


def test_a_deliverable_of_another_department_under_the_leads_plan_is_404(client, plans, users):
    client.force_login(users.lead)
    ete_item = plans.ete.deliverables.first()
    url = reverse("deliverable_update", args=[plans.cs.slug, ete_item.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "on_track", "as_of": "2025-11-27", "commentary": "x"}).status_code == 404
    assert writes() == (0, 0)


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("department_update", args=["parks"]),
        lambda p: reverse("kpi_upload", args=["parks"]),
        lambda p: reverse("department_approvals", args=["parks"]),
        lambda p: reverse("department_targets", args=["parks"]),
        lambda p: reverse("targets_copy", args=["parks"]),
        lambda p: reverse("department_reporting", args=["parks"]),
        lambda p: reverse("deliverable_update", args=[p.cs.slug, 999_999]),
        lambda p: reverse("deliverable_update", args=["no-such-plan", p.cs.deliverables.first().pk]),
    ],
)
def test_unknown_things_are_404_for_a_signed_in_user(client, plans, users, url):
    client.force_login(users.admin)
    assert client.get(url(plans)).status_code == 404


# -- CSRF ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "update POST",
        "upload POST file",
        "upload POST confirm",
        "targets POST",
        "targets copy POST",
        "reporting POST",
        "deliverable POST",
    ],
)
def test_every_write_needs_its_csrf_token(plans, users, action):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users.lead)
    _, url, data, status = write_requests(plans.cs)[action]
    response = browser.post(url, data)
    assert response.status_code == 403
    assert writes() == (0, 0)
    # With the token from a page, as a browser sends it, the same request goes through.
    page = browser.get(url.split("&")[0] if "upload" in action else url).content.decode()
    token = next(value for name, value in page_form_all(page) if name == "csrfmiddlewaretoken")
    _, url, data, status = write_requests(plans.cs)[action]  # a fresh upload file
    assert browser.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == status


def page_form_all(html: str) -> list[tuple[str, str]]:
    from tests.test_entry import FormParser

    parser = FormParser()
    parser.feed(html)
    return [tuple(field) for form in parser.forms for field in form["fields"]]


def test_signing_in_needs_its_csrf_token(plans, users):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "lena", "password": PASSWORD})
    assert response.status_code == 403
    page = browser.get(reverse("login")).content.decode()
    data = page_form(page, "Sign in") | {"username": "lena", "password": PASSWORD}
    assert browser.post(reverse("login"), data).status_code == 302
