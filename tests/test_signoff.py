"""Sign-off (issue 16 item 5): a figure a lead enters waits for an approver of the department before the public sees
it; the lead and the approver see it meanwhile, marked; an approver approves it, or returns it with a reason for
the lead to correct; nobody approves their own entry; every step is audited (kpis.approvals, kpis/signoff.py)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kpis.models import ApprovalEvent, Kpi, KpiValue
from plans.models import Role
from tests.test_entry import (  # noqa: F401
    CS,
    ETE,
    PASSWORD,
    PCT,
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

APPROVALS = reverse("department_approvals", args=[CS])


@pytest.fixture
def approver(users, django_user_model):
    """Children's Services' approver."""
    person = django_user_model.objects.create_user("abel", password=PASSWORD, first_name="Abel", last_name="Approver")
    Role.objects.create(user=person, kind=Role.Kind.APPROVER, department=users.lead.roles.get().department)
    return person


def enter(client, plan, key: str, value: str, commentary: str = "Quarter 3 return") -> KpiValue:
    """Enter a 2025-26 value on the update page as the signed-in user; the new entry."""
    data = fill(open_form(client, plan), plan, key, value=value, commentary=commentary)
    response = client.post(update_url(plan), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return KpiValue.objects.filter(source="entry").latest("pk")


def as_user(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def kpi_page(browser: Client, plan, key: str = PCT) -> str:
    response = browser.get(kpi_of(plan, key).get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def download(browser: Client) -> str:
    """The council's KPI list as CSV (kpis_for_table: the API and every table read the same values)."""
    response = browser.get(reverse("kpi_list"), {"_export": "csv"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


# -- who sees a draft ---------------------------------------------------------------------------------------------


def test_it_keeps_an_entered_figure_from_the_public_until_approved(client, plans, users, approver):
    lead = as_user(users.lead)
    entry = enter(lead, plans.cs, PCT, "62.5")
    assert entry.approval == "awaiting"
    kpi = kpi_of(plans.cs, PCT)
    assert kpi.status == "on_track"  # the stored status still rests on the printed 77.8%
    # Anonymous visitors, viewers, cabinet members and another department's lead see no trace of it.
    for browser in (client, as_user(users.viewer), as_user(users.cabinet), as_user(users.other_lead)):
        html = kpi_page(browser, plans.cs)
        assert "62.5" not in html and "Awaiting approval" not in html
        assert "Quarter 3 return" not in html
    # The department's lead and approver see it, marked, apart from the published figures.
    for browser in (lead, as_user(approver)):
        html = kpi_page(browser, plans.cs)
        drafts = html[html.index("Not yet public: awaiting approval or returned") :]
        assert re.search(r"Awaiting approval</strong></td>\s*<td[^>]*>Latest 2025-26</td>\s*<td[^>]*>62.5</td>", drafts)
        assert "62.5" not in html[: html.index("Not yet public")]  # not among the published figures
        assert "On track" in html  # the status shown is the published one
    # Neither lists nor downloads show it.
    assert "62.5" not in download(client)


def test_approving_publishes_the_figure_and_reassesses_the_status(client, plans, users, approver):
    lead = as_user(users.lead)
    entry = enter(lead, plans.cs, PCT, "62.5")
    approving = as_user(approver)
    response = approving.post(APPROVALS, {"entries": [entry.pk], "action": "approve"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.approval, entry.decided_by, entry.return_reason) == ("approved", approver, "")
    assert kpi_of(plans.cs, PCT).status == "off_track"  # 62.5% against the 2025-26 target of 80%
    html = kpi_page(client, plans.cs)
    assert "Off track" in html and ">62.5<" in html and "Awaiting approval" not in html
    assert "62.5" in download(client)
    assert "Approved: 1 figure now shown to the public." in approving.get(APPROVALS).content.decode()


def test_the_lead_is_told_the_figures_await_approval(plans, users):
    lead = as_user(users.lead)
    data = open_form(lead, plans.cs)
    fill(data, plans.cs, PCT, value="85")
    fill(data, plans.cs, "residential-homes-good", value="100")
    response = lead.post(update_url(plans.cs), data, follow=True)
    assert (
        "Saved: 2 figures awaiting approval by Children&#x27;s Services&#x27;s approver." in response.content.decode()
    )
    # The update page marks the figure it shows for each measure as awaiting approval.
    pk = kpi_of(plans.cs, PCT).pk
    found = re.search(rf'<p class="govuk-body-s" id="kpi-{pk}-now">(.*?)</p>', response.content.decode(), re.S)
    assert found is not None
    now = found.group(1)
    assert now.startswith("Now: On track, 77.8% (2024-25)")
    assert (
        '<strong class="govuk-tag govuk-tag--yellow">Awaiting approval</strong> 85 (2025-26), entered by lena.' in now
    )


# -- the approvals page -------------------------------------------------------------------------------------------


def test_the_approvals_page_lists_what_awaits(plans, users, approver):
    entry = enter(as_user(users.lead), plans.cs, PCT, "62.5", commentary="Two reviews were late")
    html = as_user(approver).get(APPROVALS).content.decode()
    item = html[html.index(f'value="{entry.pk}"') :]
    item = item[: item.index("</ul>")]
    assert (
        "% good or better outcomes in Reflective Practice Reviews for children in care</strong> – latest 2025-26: 62.5"
        in item
    )
    assert "Was: (nothing)" in item  # the plan prints no 2025-26 figure
    assert "Now: 62.5" in item
    assert f"Entered by Lena Lead on {entry.entered_at:%-d %b %Y} at" in item
    assert "Commentary: <bdi>Two reviews were late</bdi>" in item
    assert "1 figure to decide" in html


def test_several_figures_are_approved_at_once(plans, users, approver):
    lead = as_user(users.lead)
    first = enter(lead, plans.cs, PCT, "85")
    second = enter(lead, plans.cs, "residential-homes-good", "100")
    response = as_user(approver).post(APPROVALS, {"entries": [first.pk, second.pk], "action": "approve"}, follow=True)
    assert "Approved: 2 figures now shown to the public." in response.content.decode()
    assert set(KpiValue.objects.filter(source="entry").values_list("approval", flat=True)) == {"approved"}
    assert "Nothing is awaiting approval for Children" in response.content.decode()


def test_an_approver_cannot_approve_their_own_entry(plans, users, approver):
    Role.objects.create(user=approver, kind=Role.Kind.LEAD, department=plans.cs.department)
    own = as_user(approver)
    entry = enter(own, plans.cs, PCT, "85")
    response = own.post(APPROVALS, {"entries": [entry.pk], "action": "approve"})
    assert response.status_code == 400
    message = (
        "You entered % good or better outcomes in Reflective Practice Reviews for children in care (latest 2025-26: "
        "85) yourself: another approver must approve it. Nothing was approved"
    )
    assert message in response.content.decode()
    entry.refresh_from_db()
    assert entry.approval == "awaiting" and not ApprovalEvent.objects.filter(step="approved").exists()
    # An administrator who entered a figure cannot approve it either.
    admin = as_user(users.admin)
    mine = enter(admin, plans.cs, "residential-homes-good", "100")
    assert admin.post(APPROVALS, {"entries": [mine.pk], "action": "approve"}).status_code == 400
    # Another approver can.
    assert as_user(users.admin).post(APPROVALS, {"entries": [entry.pk], "action": "approve"}).status_code == 302


def test_returning_needs_a_reason(plans, users, approver):
    entry = enter(as_user(users.lead), plans.cs, PCT, "62.5")
    response = as_user(approver).post(APPROVALS, {"entries": [entry.pk], "action": "return", "reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    message = "Give the reason for returning the figures, so the lead can correct them"
    assert f'<a href="#reason">{message}</a>' in html
    assert (
        f'<p id="reason-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {message}</p>'
        in html
    )
    assert f'value="{entry.pk}" aria-describedby="entry-{entry.pk}-hint" checked' in html  # the selection is kept
    entry.refresh_from_db()
    assert entry.approval == "awaiting"


def test_nothing_selected_is_refused(plans, users, approver):
    enter(as_user(users.lead), plans.cs, PCT, "62.5")
    response = as_user(approver).post(APPROVALS, {"action": "approve"})
    assert response.status_code == 400
    assert '<a href="#entries">Select the figures to approve or return</a>' in response.content.decode()


def test_a_decided_or_foreign_entry_is_refused_and_nothing_is_decided(plans, users, approver):
    lead = as_user(users.lead)
    first = enter(lead, plans.cs, PCT, "85")
    second = enter(lead, plans.cs, "residential-homes-good", "100")
    ete = enter(as_user(users.other_lead), plans.ete, first_key(plans.ete), "7")
    approving = as_user(approver)
    assert approving.post(APPROVALS, {"entries": [first.pk], "action": "approve"}).status_code == 302
    response = approving.post(APPROVALS, {"entries": [second.pk, first.pk], "action": "approve"})
    assert response.status_code == 400
    assert "(latest 2025-26: 85) was already approved by abel. Nothing was decided" in response.content.decode()
    response = approving.post(APPROVALS, {"entries": [second.pk, ete.pk], "action": "approve"})
    assert response.status_code == 400
    assert "A selected figure is not an entry of Children" in response.content.decode()
    assert approving.post(APPROVALS, {"entries": ["x"], "action": "approve"}).status_code == 400
    assert list(KpiValue.objects.filter(source="entry").order_by("pk").values_list("approval", flat=True)) == [
        "approved",
        "awaiting",
        "awaiting",
    ]


def first_key(plan) -> str:
    """A percent KPI of the plan (entering a number is valid for it)."""
    return Kpi.objects.filter(plan=plan, unit="percent").order_by("order")[0].key


# -- returned, corrected, approved: the audit ---------------------------------------------------------------------


def test_a_returned_figure_is_corrected_and_every_step_is_audited(client, plans, users, approver):
    lead, approving = as_user(users.lead), as_user(approver)
    first = enter(lead, plans.cs, PCT, "6.25", commentary="Q3")
    response = approving.post(
        APPROVALS, {"entries": [first.pk], "action": "return", "reason": "Typo? Last quarter was 61%"}, follow=True
    )
    assert "Returned: 1 figure sent back to the lead with your reason." in response.content.decode()
    first.refresh_from_db()
    assert (first.approval, first.return_reason) == ("returned", "Typo? Last quarter was 61%")
    # The lead sees the reason on the update page and on the KPI page; the public sees nothing of it.
    update = lead.get(update_url(plans.cs)).content.decode()
    assert (
        '<strong class="govuk-tag govuk-tag--red">Returned: <bdi>Typo? Last quarter was 61%</bdi></strong> 6.25 (2025-26), '
        "entered by lena. Correct it and save again." in update
    )
    assert "Returned</strong> <bdi>Typo? Last quarter was 61%</bdi>" in kpi_page(lead, plans.cs)
    assert "Typo" not in kpi_page(client, plans.cs) and "6.25" not in kpi_page(client, plans.cs)
    assert first.pk not in [v.pk for v in approving.get(APPROVALS).context["awaiting"]]
    # Corrected: a new entry; the returned one stays.
    second = enter(lead, plans.cs, PCT, "62.5", commentary="Corrected")
    assert approving.post(APPROVALS, {"entries": [second.pk], "action": "approve"}).status_code == 302
    steps = list(
        ApprovalEvent.objects.order_by("at", "pk").values_list(
            "value_id", "step", "by__username", "old", "new", "reason"
        )
    )
    assert steps == [
        (first.pk, "entered", "lena", "", "6.25", "Q3"),
        (first.pk, "returned", "abel", "", "6.25", "Typo? Last quarter was 61%"),
        (second.pk, "reentered", "lena", "6.25", "62.5", "Corrected"),
        (second.pk, "approved", "abel", "6.25", "62.5", ""),
    ]
    # The KPI page lists the steps, newest first, for the lead and the approver only.
    history = kpi_page(lead, plans.cs)
    history = history[history.index("Sign-off history") :]
    assert [
        m for m in re.findall(r"<td[^>]*>(Entered|Returned|Entered again after a return|Approved)</td>", history)
    ] == [
        "Approved",
        "Entered again after a return",
        "Returned",
        "Entered",
    ]
    assert "Sign-off history" not in kpi_page(client, plans.cs)
    assert "Sign-off history" not in kpi_page(as_user(users.other_lead), plans.cs)


def test_the_admin_site_lists_the_audit_read_only(plans, users, approver):
    entry = enter(as_user(users.lead), plans.cs, PCT, "85")
    admin = Client()
    admin.force_login(users.admin)
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    listing = admin.get(reverse("admin:kpis_approvalevent_changelist"))
    assert listing.status_code == 200 and "Entered" in listing.content.decode()
    event = ApprovalEvent.objects.get(value=entry)
    assert admin.post(reverse("admin:kpis_approvalevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert admin.get(reverse("admin:kpis_approvalevent_add")).status_code == 403


# -- who may approve ----------------------------------------------------------------------------------------------


def test_only_the_departments_approvers_and_administrators_open_the_approvals_page(client, plans, users, approver):
    entry = enter(as_user(users.lead), plans.cs, PCT, "85")
    for person in (users.viewer, users.lead, users.other_lead, users.cabinet):
        browser = as_user(person)
        assert browser.get(APPROVALS).status_code == 403
        assert browser.post(APPROVALS, {"entries": [entry.pk], "action": "approve"}).status_code == 403
    other = as_user(approver)
    assert other.get(reverse("department_approvals", args=[ETE])).status_code == 403
    assert client.get(APPROVALS).status_code == 302  # to sign in
    assert as_user(users.admin).get(APPROVALS).status_code == 200
    entry.refresh_from_db()
    assert entry.approval == "awaiting"


def test_grant_role_makes_an_approver(users, plans):
    from django.core.management import call_command

    call_command("grant_role", "vera", "approver", "--department", CS)
    assert users.viewer.roles.filter(kind="approver", department__slug=CS).exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="An approver needs --department"):
        call_command("grant_role", "vera", "approver")


# -- what the public reads: published values only -----------------------------------------------------------------


def test_the_cached_public_page_shows_the_approved_figure_at_once(settings, plans, users, approver):
    settings.PAGE_CACHE = True
    cache.clear()
    try:
        public = Client()
        entry = enter(as_user(users.lead), plans.cs, PCT, "62.5")
        assert ">62.5<" not in kpi_page(public, plans.cs)  # now cached, without the figure
        assert as_user(approver).post(APPROVALS, {"entries": [entry.pk], "action": "approve"}).status_code == 302
        assert ">62.5<" in kpi_page(public, plans.cs)
    finally:
        cache.clear()


def test_the_measure_history_and_the_plan_page_show_published_figures_only(client, plans, users, approver):
    entry = enter(as_user(users.lead), plans.cs, PCT, "62.5")
    measure = kpi_of(plans.cs, PCT).measure
    plan_page = reverse("plan", args=[plans.cs.slug])
    assert ">62.5<" not in client.get(measure.get_absolute_url()).content.decode()
    assert ">62.5<" not in client.get(plan_page).content.decode()
    as_user(approver).post(APPROVALS, {"entries": [entry.pk], "action": "approve"})
    assert ">62.5<" in client.get(measure.get_absolute_url()).content.decode()
    assert ">62.5<" in client.get(plan_page).content.decode()


def test_the_loader_publishes_the_documents_figures(plans):
    assert set(KpiValue.objects.filter(source="document").values_list("approval", flat=True)) == {"approved"}
    assert KpiValue.objects.published().count() == KpiValue.objects.count()


# -- the migration ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_publishes_what_was_public_before():
    """Entries made before sign-off existed were already public: the migration marks every existing row approved
    (and only new rows wait for an approver)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from plans.models import Council, Department, Plan

    before = [("kpis", "0009_shown_value_and_target")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        council = Council.objects.create(slug="c", name="C")
        department = Department.objects.create(council=council, slug="d", name="D")
        plan = Plan.objects.create(department=department, slug="p", title="P", financial_year=2025, kind="plan")
        lead = User.objects.create_user("old-lead")
        measure = old.get_model("kpis", "Measure").objects.create(department_id=department.pk, key="m", title="M")
        kpi = old.get_model("kpis", "Kpi").objects.create(
            plan_id=plan.pk, measure_id=measure.pk, key="k", description="K", unit="count", order=1
        )
        value = old.get_model("kpis", "KpiValue")
        for source in ("document", "entry"):
            value.objects.create(
                kpi_id=kpi.pk,
                year=2025,
                kind="latest",
                printed="5",
                order=1,
                source=source,
                entered_by_id=lead.pk if source == "entry" else None,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert sorted(KpiValue.objects.filter(kpi_id=kpi.pk).values_list("source", "approval")) == [
        ("document", "approved"),
        ("entry", "approved"),
    ]
    assert KpiValue.objects.create(kpi_id=kpi.pk, year=2025, kind="latest", order=2, source="entry").approval == (
        "awaiting"
    )
