"""Every write path moves the data version by construction (the triggers of
plans/migrations/0009_data_version_triggers.py), so a page kept in the page cache shows the new figure on the
very next visit, whoever or whatever wrote: the entry form, an upload, deliverable progress, the admin site, a
management command, the fixture loader or raw SQL. Versions are per council: a write in one council leaves
the others' cached pages warm.

Each test first reads the page once so that it is cached, then writes, then reads it again."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import Kpi, KpiValue
from plans.models import Council, DataVersion, Deliverable, Department, Plan, Role
from tests.test_entry import (  # noqa: F401
    COUNT,
    CS,
    PASSWORD,
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
from tests.test_upload import csv_file, filled, post_file, template, upload_url

pytestmark = pytest.mark.django_db

# Children's Services 2025-29 (fixtures/cs-2025-29.yaml): stored as off track (its latest "33 (November 2024)"
# against 388 the year before).
FOSTER = "children-council-foster-carers"
UPDATE_RIGHTS = "You can update this department's figures."


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.get(reverse("login"))  # the CSRF cookie a browser has from the sign-in page
    client.force_login(user)
    return client


def admin_site(users) -> Client:
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    return signed_in(users.admin)


def cached(client: Client, url: str, django_assert_num_queries, queries: int = 1) -> str:
    """Read the page twice; the second read must come from the cache (only the version query, plus session
    and user when signed in), so what follows tests the cache, not a page built afresh."""
    first = client.get(url).content.decode()
    with django_assert_num_queries(queries):
        assert client.get(url).content.decode() == first
    return first


def test_the_entry_form(plans, users, approve, django_assert_num_queries):
    url = kpi_of(plans.cs, COUNT).get_absolute_url()
    assert "300 in 2025-26" not in cached(Client(), url, django_assert_num_queries)
    lead = signed_in(users.lead)
    data = fill(open_form(lead, plans.cs), plans.cs, COUNT, value="300", as_at="2025-09", commentary="Campaign")
    assert lead.post(update_url(plans.cs), data).status_code == 302
    assert "300 in 2025-26" not in Client().get(url).content.decode()  # awaiting approval: not public
    approve()
    assert (
        "<bdi>Increasing as targeted: 300 in 2025-26 against 262 in 2023-24</bdi>."
        in Client().get(url).content.decode()
    )


def test_the_upload_confirmation(plans, users, approve, django_assert_num_queries):
    older = plans.older  # cs-2022-23 prints "89.1% (Dec 21)" for 2021-22
    url = kpi_of(older, "icpc-within-15-days").get_absolute_url()
    assert "92.4" not in cached(Client(), url, django_assert_num_queries)
    lead = signed_in(users.lead)
    rows = filled(
        template(lead, older, "csv"),
        {
            "icpc-within-15-days": {
                "Latest value": "92.4",
                "Financial year": "2021-22",
                "Commentary": "Year-end figure from the upload",
            }
        },
    )
    confirm = page_form(post_file(lead, older, csv_file(rows)).content.decode(), "Save all")
    assert lead.post(upload_url(older), {**confirm, "confirm": "1"}).status_code == 302
    assert "92.4" not in Client().get(url).content.decode()  # awaiting approval: not public
    approve()
    assert "92.4" in Client().get(url).content.decode()


def test_deliverable_progress(plans, users, django_assert_num_queries):
    item = plans.cs.deliverables.order_by("order").first()
    assert "Recruitment delayed" not in cached(Client(), item.get_absolute_url(), django_assert_num_queries)
    lead = signed_in(users.lead)
    form_url = reverse("deliverable_update", args=[item.plan.slug, item.pk])
    data = page_form(lead.get(form_url).content.decode(), "Save update")
    data.update(status="at_risk", percent_complete="40", as_of="2025-11-27", commentary="Recruitment delayed")
    assert lead.post(form_url, data).status_code == 302
    assert "Recruitment delayed" in Client().get(item.get_absolute_url()).content.decode()


def test_a_role_granted_on_the_admin_site(plans, users, django_assert_num_queries):
    """Signed-in pages are never kept (config.middleware.PageCacheMiddleware): the role shows on the next read."""
    viewer = signed_in(users.viewer)
    url = reverse("department", args=[CS])
    assert UPDATE_RIGHTS not in viewer.get(url).content.decode()
    added = admin_site(users).post(
        reverse("admin:plans_role_add"), {"user": users.viewer.pk, "kind": "lead", "department": plans.cs.department.pk}
    )
    assert added.status_code == 302
    assert UPDATE_RIGHTS in viewer.get(url).content.decode()


def test_a_period_closed_on_the_admin_site(plans, users, django_assert_num_queries):
    """Closing a year changes no figure on the form page, and the lead's form is never a kept copy: the next
    read builds it afresh, so the next save from it is checked against the closed year (its refusal is tested
    in tests/test_accounts.py)."""
    lead = signed_in(users.lead)
    lead.get(update_url(plans.cs))
    closed = admin_site(users).post(
        reverse("admin:plans_closedperiod_add"), {"department": plans.cs.department.pk, "year": "2025"}
    )
    assert closed.status_code == 302
    with CaptureQueriesContext(connection) as queries:
        lead.get(update_url(plans.cs))
    assert len(queries) > 3  # built afresh: a kept copy would cost session, user and version only


def test_a_doubt_marked_on_the_admin_site(plans, users, django_assert_num_queries):
    kpi = kpi_of(plans.older, "icpc-within-15-days")
    printed = KpiValue.objects.filter(kpi=kpi, source="document", doubtful="").first()
    assert "Checked against the return" not in cached(Client(), kpi.get_absolute_url(), django_assert_num_queries)
    marked = admin_site(users).post(
        reverse("admin:kpis_printedvalue_change", args=[printed.pk]),
        {"reason": "Checked against the return: the month is wrong", "is_doubtful": "on"},
    )
    assert marked.status_code == 302
    page = Client().get(kpi.get_absolute_url()).content.decode()
    assert "Doubtful figure" in page and "Checked against the return: the month is wrong" in page


def test_the_assess_kpis_command(plans, django_assert_num_queries):
    """A stored status gone wrong (as after a release that changes the rules) is put right by the command, and
    the cached KPI list, whose status filter reads the stored status, shows the right one at once."""
    kpi = kpi_of(plans.cs, FOSTER)
    Kpi.objects.filter(pk=kpi.pk).update(status="on_track", status_doubtful=False)
    url = f"{reverse('kpi_list')}?plan=cs-2025-29&status=off_track"
    assert kpi.description not in cached(Client(), url, django_assert_num_queries)
    call_command("assess_kpis", stdout=io.StringIO())
    assert kpi.description in Client().get(url).content.decode()


def test_the_grant_role_command(plans, users, django_assert_num_queries):
    viewer = signed_in(users.viewer)
    url = reverse("department", args=[CS])
    assert UPDATE_RIGHTS not in viewer.get(url).content.decode()
    call_command("grant_role", "vera", "lead", department=CS, stdout=io.StringIO())
    assert UPDATE_RIGHTS in viewer.get(url).content.decode()


def test_the_fixture_loader(plans, django_assert_num_queries):
    """A title edited in the database is put back as printed by `load_plans --force`."""
    item = plans.cs.deliverables.order_by("order").first()
    printed = item.title
    Deliverable.objects.filter(pk=item.pk).update(title="A title the documents never printed")
    assert "A title the documents never printed" in cached(Client(), item.get_absolute_url(), django_assert_num_queries)
    call_command("load_plans", "--force", stdout=io.StringIO())
    page = Client().get(Deliverable.objects.get(plan=plans.cs, key=item.key).get_absolute_url()).content.decode()
    assert "A title the documents never printed" not in page and printed in page


def test_raw_sql(plans, django_assert_num_queries):
    item = plans.cs.deliverables.order_by("order").first()
    assert "Written in raw SQL" not in cached(Client(), item.get_absolute_url(), django_assert_num_queries)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE plans_deliverable SET title = %s WHERE id = %s", ["Written in raw SQL", item.pk])
    assert "Written in raw SQL" in Client().get(item.get_absolute_url()).content.decode()


def test_a_user_renamed_on_the_admin_site(plans, users, approve, django_assert_num_queries):
    """A KPI page names who entered each value: renaming them shows at once."""
    lead = signed_in(users.lead)
    data = fill(open_form(lead, plans.cs), plans.cs, COUNT, value="300", as_at="2025-09", commentary="Campaign")
    assert lead.post(update_url(plans.cs), data).status_code == 302
    approve()
    url = kpi_of(plans.cs, COUNT).get_absolute_url()
    assert "Lena Lead" in cached(Client(), url, django_assert_num_queries)
    changed = admin_site(users).post(
        reverse("admin:auth_user_change", args=[users.lead.pk]),
        {
            "username": "lena",
            "first_name": "Lena",
            "last_name": "Leadbetter",
            "email": "",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2025-01-01",
            "initial-date_joined_1": "09:00:00",
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert "Lena Leadbetter" in Client().get(url).content.decode()


def test_signing_in_leaves_every_page_cached(plans, users, django_assert_num_queries):
    """Signing in writes the user's last_login, which no page shows: it must not make cached pages stale."""
    url = reverse("department", args=[CS])
    cached(Client(), url, django_assert_num_queries)
    assert Client().post(reverse("login"), {"username": "vera", "password": PASSWORD}).status_code == 302
    with django_assert_num_queries(1):  # still served from the cache
        Client().get(url)


def test_every_table_of_the_apps_moves_the_version():
    """A model added later is covered too, or this fails: its table needs a line in the triggers' migration
    (or a new migration like it). Only the version table itself and the loader's fingerprint feed no page."""
    from django.apps import apps

    exempt = {"plans_dataversion", "plans_loadfingerprint", "kpis_reminder"}  # kpis_reminder: shown on no page
    tables = {
        model._meta.db_table
        for app in ("plans", "kpis", "budgets", "procurement")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy
    } - exempt
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, array_agg(t.tgtype) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'data_version_%%' AND t.tgenabled = 'A' GROUP BY c.relname"
        )
        covered = {name: types for name, types in cursor.fetchall()}
    # tgtype bits: 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE; every one of them on every table.
    assert {
        name
        for name in tables
        if set(covered.get(name, [])) and all(any(t & bit for t in covered[name]) for bit in (4, 8, 16, 32))
    } == tables


# -- versions per council -----------------------------------------------------------------------------------------


@pytest.fixture
def other_council(plans) -> Plan:
    council = Council.objects.create(name="Another County Council", slug="another-county")
    department = Department.objects.create(council=council, name="Adult Care", slug="adult-care")
    return Plan.objects.create(
        department=department,
        slug="ac-2025-26",
        title="Adult Care Plan 2025-26",
        kind=plans.cs.kind,
        period="2025-26",
        financial_year=2025,
        document="another.pdf",
        fixture="another.yaml",
    )


def test_a_write_in_one_council_leaves_the_others_pages_warm(plans, other_council, django_assert_num_queries):
    url = kpi_of(plans.cs, COUNT).get_absolute_url()
    cached(Client(), url, django_assert_num_queries)
    ours, theirs = DataVersion.key(plan_slug="cs-2025-29"), DataVersion.key(plan_slug=other_council.slug)
    Plan.objects.filter(pk=other_council.pk).update(title="Adult Care Plan 2025-26, revised")
    assert DataVersion.key(plan_slug=other_council.slug) != theirs
    assert DataVersion.key(plan_slug="cs-2025-29") == ours
    with django_assert_num_queries(1):  # still served from the cache
        Client().get(url)
    # A write that belongs to no one council (a role) moves every council's pages.
    Role.objects.create(user=_someone(), kind=Role.Kind.VIEWER)
    assert DataVersion.key(plan_slug="cs-2025-29") != ours


def _someone():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("someone", password=PASSWORD)


def test_signed_in_pages_are_private(plans, users):
    url = reverse("department", args=[CS])
    viewer = signed_in(users.viewer)
    for response in (viewer.get(url), viewer.get(url)):  # built, then from the cache
        assert "private" in response["Cache-Control"]
    assert "private" not in Client().get(url).get("Cache-Control", "")


def test_it_writes_on_a_database_upgraded_from_the_single_version_row(db):
    """Before 0009 the one version row was made with an explicit id, so the id sequence lagged behind it; the
    first council row the triggers inserted then collided with it and every write failed (load_plans on an
    existing database). 0010 moves the sequence past the highest id."""
    from importlib import import_module

    fix = import_module("plans.migrations.0010_dataversion_id_sequence").SEQUENCE_SQL
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM plans_dataversion")
        # What get_or_create(pk=1) did before: a row whose id the sequence will hand out next.
        cursor.execute("SELECT nextval(pg_get_serial_sequence('plans_dataversion', 'id')) + 1")
        cursor.execute(
            "INSERT INTO plans_dataversion (id, scope, version, epoch) VALUES (%s, 0, 5, 'old')", [cursor.fetchone()[0]]
        )
        cursor.execute(fix)
    council = Council.objects.create(slug="upgraded", name="Upgraded County Council")  # a council's first write
    assert DataVersion.current(council.pk) == 1
    assert DataVersion.current() == 5
