"""A performance lead enters KPI values on their department's update page (kpis.views.department_update):
validation next to each field and in the error summary, all-or-nothing saving, conflicts between two leads,
the audit trail on the KPI page, document values kept through a reload, and deliverable progress updates.

The fixed users (STYLE.md) are made by `users` below; the other entry test modules import it from here."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import Benchmark, Kpi, KpiValue
from plans.models import ClosedPeriod, Deliverable, DeliverableUpdate, Department, Role

CS, ETE = "childrens-services", "economy-transport-environment"
# KPIs of the 2025-29 Children's Services plan (fixtures/cs-2025-29.yaml), with what the plan prints for them.
PCT = "rpr-children-in-care"  # percent, higher is better; 2025-26 target "80%"
COUNT = "dcc-fostering-households"  # count, higher is better; 2023-24 actual 262; 2025-26 target "Increasing trend"
LOWER = "send-complaints"  # count, lower is better; 2023-24 actual 600; 2025-26 target "Decreasing trend"
HOMES = "residential-homes-good"  # percent; 2025-26 target "100%"
PASSWORD = "a-long-test-password-1"


# -- fixed users and helpers, shared by the entry test modules ------------------------------------------------


def make_users() -> SimpleNamespace:
    """A viewer, a lead of Children's Services, a lead of ETE, a cabinet member and an administrator.
    The departments must exist (load a plan of each first)."""
    User = get_user_model()

    def user(username: str, name: str, kind: str, department: str | None = None):
        first, _, last = name.partition(" ")
        person = User.objects.create_user(username, password=PASSWORD, first_name=first, last_name=last)
        Role.objects.create(
            user=person, kind=kind, department=Department.objects.get(slug=department) if department else None
        )
        return person

    return SimpleNamespace(
        viewer=user("vera", "Vera Viewer", Role.Kind.VIEWER),
        lead=user("lena", "Lena Lead", Role.Kind.LEAD, CS),
        other_lead=user("eric", "Eric Lead", Role.Kind.LEAD, ETE),
        cabinet=user("cara", "Cara Cabinet", Role.Kind.CABINET),
        admin=user("ada", "Ada Admin", Role.Kind.ADMIN),
    )


PLAN_SLUGS = ("cs-2025-29", "ete-2020-21", "cs-2022-23")


@pytest.fixture(scope="module")
def loaded_plans(django_db_setup, django_db_blocker):
    """Three plans loaded once per module (each test's writes roll back with its transaction), and removed
    afterwards so that tests elsewhere start from an empty database."""
    from kpis.models import Measure
    from loader.services import plans_load
    from plans.models import Council, Plan
    from tests.conftest import fixture_path

    with django_db_blocker.unblock():
        plans_load(paths=[fixture_path(slug) for slug in PLAN_SLUGS])
    yield
    with django_db_blocker.unblock():
        Plan.objects.all().delete()
        Measure.objects.all().delete()
        Department.objects.all().delete()
        Council.objects.all().delete()


@pytest.fixture
def plans(loaded_plans, db):
    """The 2025-29 Children's Services plan (what its update page shows first), ETE's 2020-21 plan, and the
    2022-23 Children's Services refresh (covers 2021-22 to 2024-25, years for which the plan prints figures)."""
    from plans.models import Plan

    return SimpleNamespace(
        cs=Plan.objects.get(slug="cs-2025-29"),
        ete=Plan.objects.get(slug="ete-2020-21"),
        older=Plan.objects.get(slug="cs-2022-23"),
    )


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(plans, fast_passwords):
    return make_users()


class FormParser(HTMLParser):
    """The forms of a page as a browser would submit them: [(attrs, [(name, value)], button texts)]."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = self._button = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": [], "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "file", "button"}:
                self._form["fields"].append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select":
            self._select = [a.get("name"), None, None]  # name, first option, selected option
        elif tag == "option" and self._select is not None:
            if self._select[1] is None:
                self._select[1] = a.get("value", "")
            if "selected" in a:
                self._select[2] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "button":
            self._button = ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._button is not None:
            self._button += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            self._form["fields"].append([name, chosen if chosen is not None else (first or "")])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append([self._textarea[0], self._textarea[1].lstrip("\n")])
            self._textarea = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                self._form["buttons"].append(self._button.strip())
            self._button = None


def page_form(html: str, button: str) -> dict[str, str]:
    """The fields of the page's form whose submit button says `button`, as the browser would post them."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if any(button in b for b in form["buttons"]):
            return dict(form["fields"])
    raise AssertionError(f"no form with a {button!r} button")


def kpi_of(plan, key: str) -> Kpi:
    return Kpi.objects.get(plan=plan, key=key)


def update_url(plan) -> str:
    return f"{reverse('department_update', args=[plan.department.slug])}?plan={plan.slug}"


def open_form(client, plan) -> dict[str, str]:
    response = client.get(update_url(plan))
    assert response.status_code == 200
    return page_form(response.content.decode(), "Save all values")


def fill(data: dict, plan, key: str, **fields) -> dict:
    """Set fields of one KPI's entry form (value, year, as_at, commentary, benchmark, provisional, seen)."""
    pk = kpi_of(plan, key).pk
    for name, value in fields.items():
        if name == "provisional" and not value:
            data.pop(f"kpi-{pk}-provisional", None)
        else:
            data[f"kpi-{pk}-{name}"] = "on" if value is True else str(value)
    return data


def entries() -> list[KpiValue]:
    return list(KpiValue.objects.filter(source="entry").order_by("pk"))


def assert_field_error(html: str, plan, key: str, field: str, label: str, message: str) -> None:
    """The message is beside the field (its error paragraph, named by the input's aria-describedby) and
    in the error summary, linking to the field."""
    field_id = f"id_kpi-{kpi_of(plan, key).pk}-{field}"
    beside = (
        f'<p class="govuk-error-message" id="{field_id}-error"><span class="govuk-visually-hidden">Error:'
        f"</span> {message}</p>"
    )
    assert beside in html
    assert re.search(rf'id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}-error', html) or re.search(
        rf'aria-describedby="[^"]*{field_id}-error[^"]*"[^>]*id="{field_id}"', html
    )
    summary = html[
        html.index('class="govuk-error-summary"') : html.index("</ul>", html.index('class="govuk-error-summary"'))
    ]
    assert re.search(rf'<a href="#{field_id}">[^<]*– {re.escape(label)}: {re.escape(message)}</a>', summary), summary


# -- the page --------------------------------------------------------------------------------------------------


def test_it_shows_one_form_per_kpi_of_the_newest_plan(client, plans, users, django_assert_num_queries):
    client.force_login(users.lead)
    # 1 session, 2 user, 3 department, 4 can the user edit, 5 plans with KPIs (also the plans menu), 6 KPIs,
    # 7 their values, 8 their benchmarks, 9 newest entries, 10 closed years
    # (and, once values are entered, one more: who entered them)
    with django_assert_num_queries(10) as captured:
        response = client.get(reverse("department_update", args=[CS]))
    # The page holds the plan already: the KPIs are read without it, its council, or their measures.
    (kpis,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "kpis_kpi"."id"')]
    assert '"plans_council"' not in kpis and '"kpis_measure"' not in kpis and '"plans_plan"."title"' not in kpis
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="govuk-fieldset app-entry"') == plans.cs.kpis.count() == 17
    pct = kpi_of(plans.cs, PCT)
    assert f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{pct.description}</legend>' in html
    # What the KPI shows now, before anything is entered: the plan's own figures.
    assert (
        f'<p class="govuk-body-s" id="kpi-{pct.pk}-now">Now: On track, 77.8% (2024-25); target 75% (2024-25).</p>'
        in html
    )
    year = re.search(rf'<select name="kpi-{pct.pk}-year".*?</select>', html, re.S).group(0)
    assert re.findall(r">(\d{4}-\d\d)<", year) == ["2025-26", "2026-27", "2027-28", "2028-29"]
    assert '<option value="2025" selected>2025-26</option>' in year


def test_each_form_keeps_its_own_labels_and_years(plans):
    """The entry forms share the fields no form changes; those a form sets for its KPI stay its own."""
    from kpis.forms import KpiEntryForm, entry_forms
    from kpis.selectors import plan_kpis

    kpis = plan_kpis(plans=[plans.cs])
    forms = {form.kpi.key: form for form in entry_forms(plan=plans.cs, kpis=kpis)}
    assert forms[PCT].fields["value"].label == "Latest value (%)"
    assert forms[COUNT].fields["value"].label == "Latest value (Number)"
    assert forms[PCT].fields["year"] is not forms[COUNT].fields["year"]
    assert forms[PCT].fields["commentary"] is forms[COUNT].fields["commentary"]  # shared: no form changes it
    declared = KpiEntryForm.base_fields
    assert (declared["value"].label, declared["benchmark"].label) == ("Latest value", "National average (optional)")
    assert list(declared["year"].choices) == [] and "outside" not in declared["year"].error_messages["invalid_choice"]


def test_the_query_count_does_not_grow_with_entries(client, plans, users, approve, django_assert_num_queries):
    client.force_login(users.lead)
    data = open_form(client, plans.cs)
    for key, value in ((PCT, "85"), (COUNT, "300"), (LOWER, "500"), (HOMES, "100")):
        fill(data, plans.cs, key, value=value)
    assert client.post(update_url(plans.cs), data).status_code == 302
    approve()  # published: the measures' values now include entries, whose people are read
    with django_assert_num_queries(11):  # the 10 queries above + who entered the values, in one query
        response = client.get(update_url(plans.cs))
    assert "entered by lena" in response.content.decode()


# -- validation: each rule beside the field and in the summary; nothing saved -------------------------------------


@pytest.mark.parametrize(
    "key, fields, field, label, message",
    [
        (PCT, {"value": "lots"}, "value", "Latest value (%)", "Enter a number, like 12.5, not “lots”"),
        (PCT, {"value": "12.5 people"}, "value", "Latest value (%)", "Enter a number, like 12.5, not “12.5 people”"),
        (PCT, {"value": "101"}, "value", "Latest value (%)", "A percentage must be between 0 and 100"),
        (PCT, {"value": "-0.5"}, "value", "Latest value (%)", "A percentage must be between 0 and 100"),
        (COUNT, {"value": "-3"}, "value", "Latest value (Number)", "A count cannot be below zero"),
        (
            PCT,
            {"value": "85", "benchmark": "140"},
            "benchmark",
            "National average (optional)",
            "A percentage must be between 0 and 100",
        ),
        (
            PCT,
            {"value": "85", "as_at": "2027-01"},
            "as_at",
            "As at (month)",
            "The as-at month must be within 2025-26 (April 2025 to March 2026), not January 2027",
        ),
        (
            PCT,
            {"value": "85", "as_at": "2025-03"},
            "as_at",
            "As at (month)",
            "The as-at month must be within 2025-26 (April 2025 to March 2026), not March 2025",
        ),
        (
            PCT,
            {"value": "85", "as_at": "Dec 25"},
            "as_at",
            "As at (month)",
            "Enter the as-at month as year and month, like 2025-12",
        ),
        # A tampered POST: the select offers only the plan's years.
        (
            PCT,
            {"value": "85", "year": "2024"},
            "year",
            "Financial year",
            "That year is outside the years this plan covers (2025-26 to 2028-29)",
        ),
        (
            PCT,
            {"value": "85", "year": "twenty"},
            "year",
            "Financial year",
            "That year is outside the years this plan covers (2025-26 to 2028-29)",
        ),
        (PCT, {"value": "60"}, "commentary", "Commentary", "Explain the value: it is off track against its target"),
        (COUNT, {"value": "200"}, "commentary", "Commentary", "Explain the value: it is off track against its target"),
        (
            PCT,
            {"commentary": "No new figure"},
            "value",
            "Latest value (%)",
            "Enter the latest value, or clear the other fields for this measure",
        ),
        (
            PCT,
            {"value": "8" * 51},
            "value",
            "Latest value (%)",
            "Enter a number, like 12.5 (that is too long to be one)",
        ),
        (
            PCT,
            {"value": "85", "as_at": "2025-09-30"},
            "as_at",
            "As at (month)",
            "Enter the as-at month as year and month, like 2025-12",
        ),
        (PCT, {"value": "85", "year": ""}, "year", "Financial year", "Choose the financial year the value is for"),
    ],
)
def test_it_refuses_invalid_values_plainly(client, plans, users, key, fields, field, label, message):
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, HOMES, value="100")  # a good value beside the bad one
    response = client.post(update_url(plans.cs), fill(data, plans.cs, key, **fields))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in html
    assert "There is a problem: nothing was saved" in html
    assert_field_error(html, plans.cs, key, field, label, message)
    assert entries() == [] and not Benchmark.objects.exists()
    # What was typed is kept in the form so it can be corrected.
    assert f'name="kpi-{kpi_of(plans.cs, HOMES).pk}-value" value="100"' in html


def test_a_wrong_value_gets_one_message_not_two(client, plans, users):
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="101", as_at="2025-10", commentary="Why")
    html = client.post(update_url(plans.cs), data).content.decode()
    pk = kpi_of(plans.cs, PCT).pk
    assert re.findall(rf'<p class="govuk-error-message" id="id_kpi-{pk}-\w+-error">.*?</p>', html) == [
        f'<p class="govuk-error-message" id="id_kpi-{pk}-value-error"><span class="govuk-visually-hidden">Error:'
        "</span> A percentage must be between 0 and 100</p>"
    ]
    assert html.count('href="#id_kpi-') == 1  # one line in the summary


def test_an_off_track_value_with_a_commentary_is_saved(client, plans, users):
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="60", commentary="Two reviews were late")
    assert client.post(update_url(plans.cs), data).status_code == 302
    (entry,) = entries()
    assert (entry.printed, entry.value, entry.commentary) == ("60", Decimal("60"), "Two reviews were late")


def test_a_closed_year_is_refused_with_a_clear_message(client, plans, users):
    ClosedPeriod.objects.create(department=plans.cs.department, year=2025, closed_by=users.admin)
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="85")
    response = client.post(update_url(plans.cs), data)
    assert response.status_code == 400
    assert_field_error(
        response.content.decode(),
        plans.cs,
        PCT,
        "year",
        "Financial year",
        "2025-26 is closed for Children&#x27;s Services: values for it can no longer be changed. "
        "Ask an administrator if it must be reopened",
    )
    assert entries() == []
    # Another year of the same plan is still open.
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="85", year=2026)
    assert client.post(update_url(plans.cs), data).status_code == 302
    assert [(e.year, e.printed) for e in entries()] == [(2026, "85")]


def test_another_departments_closed_year_does_not_matter(client, plans, users):
    ClosedPeriod.objects.create(department=plans.ete.department, year=2025, closed_by=users.admin)
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="85")
    assert client.post(update_url(plans.cs), data).status_code == 302


def test_saving_is_all_or_nothing(client, plans, users):
    client.force_login(users.lead)
    data = open_form(client, plans.cs)
    fill(data, plans.cs, PCT, value="85", benchmark="70")
    fill(data, plans.cs, COUNT, value="300", commentary="New recruitment campaign")
    fill(data, plans.cs, HOMES, value="100", provisional=True)
    fill(data, plans.cs, LOWER, value="-4")  # the one bad form
    response = client.post(update_url(plans.cs), data)
    assert response.status_code == 400
    assert entries() == [] and not Benchmark.objects.exists()
    # Correcting the one bad value saves all four, with everything each form held.
    data = page_form(response.content.decode(), "Save all values")
    fill(data, plans.cs, LOWER, value="500")
    response = client.post(update_url(plans.cs), data)
    assert response.status_code == 302 and response["Location"] == update_url(plans.cs)
    saved = {e.kpi.key: e for e in entries()}
    assert {k: (e.year, e.printed, e.value, e.provisional, e.commentary, e.entered_by) for k, e in saved.items()} == {
        PCT: (2025, "85", Decimal("85"), False, "", users.lead),
        COUNT: (2025, "300", Decimal("300"), False, "New recruitment campaign", users.lead),
        HOMES: (2025, "100", Decimal("100"), True, "", users.lead),
        LOWER: (2025, "500", Decimal("500"), False, "", users.lead),
    }
    (bench,) = Benchmark.objects.all()
    assert (bench.kpi.key, bench.year, bench.kind, bench.value) == (PCT, 2025, "national_average", Decimal("70"))
    assert (
        "Saved: 5 figures awaiting approval by Children&#x27;s Services&#x27;s approver."
        in client.get(update_url(plans.cs)).content.decode()
    )


def test_a_benchmark_is_recorded_as_the_kind_the_target_names(client, plans, users, approve):
    """'Maintain upper-middle quartile performance' needs the quartile boundary, not the national average:
    the form asks for it by name, stores it as that kind, and the assessment uses it."""
    client.force_login(users.lead)
    kpi = kpi_of(plans.older, "assessments-within-45-days")
    html = client.get(update_url(plans.older)).content.decode()
    assert (
        f'<label class="govuk-label" for="id_kpi-{kpi.pk}-benchmark">Upper-middle quartile boundary (optional)</label>'
        in html
    )
    data = fill(open_form(client, plans.older), plans.older, kpi.key, value="91", year=2022, benchmark="88.5")
    assert client.post(update_url(plans.older), data).status_code == 302
    (bench,) = Benchmark.objects.all()
    assert (bench.kind, bench.year, bench.value) == ("upper_middle_quartile", 2022, Decimal("88.5"))
    approve()
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert (
        "Better than the benchmark: 91 against a benchmark of 88.5 (&#x27;Maintain upper-middle quartile performance&#x27;)"
        in page
    )
    assert Kpi.objects.get(pk=kpi.pk).status == "on_track"
    # A benchmark corrected one at a time (the admin) re-stores the status too.
    bench.value = Decimal("95")
    bench.save()
    assert Kpi.objects.get(pk=kpi.pk).status == "off_track"
    # And one deleted: no benchmark held, so no assessment.
    bench.delete()
    assert Kpi.objects.get(pk=kpi.pk).status == "none"


def test_an_empty_form_saves_nothing_and_says_so(client, plans, users):
    client.force_login(users.lead)
    response = client.post(update_url(plans.cs), open_form(client, plans.cs), follow=True)
    assert "Nothing was entered, so nothing was saved." in response.content.decode()
    assert entries() == []


# -- a saved value shows at once everywhere -----------------------------------------------------------------------


def status_row(html: str, department: str) -> list[int]:
    """(off track, near, on track, no assessment) from the home page's chart table."""
    row = re.search(rf'<th scope="row" class="govuk-table__header">{re.escape(department)}</th>(.*?)</tr>', html, re.S)
    return [int(n) for n in re.findall(r'app-num">(\d+)</td>', row.group(1))]


def test_a_saved_value_shows_at_once_on_every_page(client, plans, users, approve):
    count = kpi_of(plans.cs, COUNT)
    before_home = status_row(client.get(reverse("home")).content.decode(), "Children&#x27;s Services")
    assert before_home == [5, 0, 3, 9]  # off track, near, on track, none: the 2025-29 plan as printed
    before = client.get(reverse("department", args=[CS])).content.decode()
    assert "5 of 17</span> KPIs off track" in before

    client.force_login(users.lead)
    data = fill(
        open_form(client, plans.cs),
        plans.cs,
        COUNT,
        value="300",
        as_at="2025-09",
        commentary="New recruitment campaign",
    )
    fill(data, plans.cs, LOWER, value="700", commentary="More families know how to complain")
    assert client.post(update_url(plans.cs), data).status_code == 302
    # Nothing moves until an approver approves the figures (issue 16); then everything at once.
    assert status_row(client.get(reverse("home")).content.decode(), "Children&#x27;s Services") == before_home
    assert approve() == 2

    # KPI page: the assessment uses the entered figure against the 2025-26 target.
    html = client.get(count.get_absolute_url()).content.decode()
    assert '<strong class="govuk-tag app-tag-ontrack">On track</strong>' in html
    assert "<bdi>Increasing as targeted: 300 in 2025-26 against 262 in 2023-24</bdi>." in html
    # Dashboards: one measure moves from "no assessment" to on track, one to off track.
    home = client.get(reverse("home")).content.decode()
    assert status_row(home, "Children&#x27;s Services") == [6, 0, 4, 7]
    dept = client.get(reverse("department", args=[CS])).content.decode()
    assert "6 of 17</span> KPIs off track" in dept
    assert re.search(
        rf'{re.escape(kpi_of(plans.cs, LOWER).description)}</a></th><td class="govuk-table__cell">'
        r'<strong class="govuk-tag app-tag-offtrack">Off track</strong>',
        dept,
    )
    # The KPI list: latest figure and status.
    listing = client.get(reverse("kpi_list"), {"plan": plans.cs.slug}).content.decode()
    assert "300 (2025-26)" in listing
    export = client.get(reverse("kpi_list"), {"plan": plans.cs.slug, "_export": "csv"}).getvalue().decode("utf-8-sig")
    rows = {r["Measure"]: r for r in csv.DictReader(io.StringIO(export))}
    assert (rows[count.description]["Latest figure"], rows[count.description]["Status"]) == (
        "300 (2025-26)",
        "On track",
    )
    # The stored status moved with the entry, so the status filter (SQL) finds it.
    on_track = client.get(reverse("kpi_list"), {"plan": plans.cs.slug, "status": "on_track"}).content.decode()
    assert count.description in on_track and kpi_of(plans.cs, LOWER).description not in on_track


# -- conflicts between two leads ----------------------------------------------------------------------------------


def test_the_second_save_is_refused_with_the_other_persons_change_shown(client, plans, users):
    second_lead = get_user_model().objects.create_user("sam", password=PASSWORD, first_name="Sam", last_name="Second")
    Role.objects.create(user=second_lead, kind=Role.Kind.LEAD, department=plans.cs.department)
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(users.lead)
    second.force_login(second_lead)
    first_form, second_form = open_form(first, plans.cs), open_form(second, plans.cs)

    assert (
        first.post(
            update_url(plans.cs), fill(first_form, plans.cs, PCT, value="85", commentary="Quarter 2")
        ).status_code
        == 302
    )
    response = second.post(update_url(plans.cs), fill(second_form, plans.cs, PCT, value="82"))
    html = response.content.decode()
    assert response.status_code == 400
    pct = kpi_of(plans.cs, PCT)
    assert re.search(
        r"Lena Lead saved 85 for 2025-26 on \d+ \w+ \d{4} at \d\d:\d\d, after you opened this page\. "
        r"Your value was not saved: check theirs, then save again if yours should replace it\.",
        html,
    )
    assert f'<a href="#kpi-{pct.pk}">{pct.description}: Lena Lead saved 85' in html  # in the summary
    assert "entered by lena" in html  # the "Now" line shows their value
    assert [(e.printed, e.entered_by) for e in entries()] == [("85", users.lead)]  # nothing overwritten

    # Saving again, having seen it, replaces it knowingly; both stay in the history.
    again = page_form(html, "Save all values")
    assert again[f"kpi-{pct.pk}-value"] == "82"
    assert second.post(update_url(plans.cs), again).status_code == 302
    assert [(e.printed, e.entered_by, e.previous_printed, e.previous_by) for e in entries()] == [
        ("85", users.lead, "", ""),
        ("82", second_lead, "85", "lena"),
    ]


def test_a_form_stale_for_one_kpi_is_refused_as_a_whole(client, plans, users):
    """The first lead's form is stale for one KPI only: the save is refused as a whole (all or nothing)."""
    from django.test import Client

    other = Client()
    other.force_login(users.admin)
    client.force_login(users.lead)
    stale = open_form(client, plans.cs)
    assert (
        other.post(update_url(plans.cs), fill(open_form(other, plans.cs), plans.cs, PCT, value="85")).status_code == 302
    )
    response = client.post(
        update_url(plans.cs), fill(fill(stale, plans.cs, PCT, value="82"), plans.cs, HOMES, value="100")
    )
    assert response.status_code == 400
    assert [e.printed for e in entries()] == ["85"]


def test_the_service_refuses_a_value_saved_between_validation_and_saving(plans, users):
    """The race the form cannot see: another lead saves after this form was validated. kpi_entries_save
    re-reads the newest entries under a row lock and raises EntryConflict; nothing of this save is written."""
    from kpis import services
    from kpis.forms import entry_forms
    from kpis.selectors import plan_kpis

    kpis = plan_kpis(queryset=Kpi.objects.filter(plan=plans.cs))
    pct = next(k for k in kpis if k.key == PCT)
    homes = next(k for k in kpis if k.key == HOMES)
    data = {f"kpi-{k.pk}-year": "2025" for k in kpis} | {f"kpi-{k.pk}-seen": "0" for k in kpis}
    data |= {f"kpi-{pct.pk}-value": "85", f"kpi-{homes.pk}-value": "100"}
    forms = entry_forms(plan=plans.cs, kpis=kpis, data=data)
    assert all(f.is_valid() for f in forms)
    theirs = KpiValue.objects.create(
        kpi=pct,
        year=2025,
        kind="latest",
        printed="90",
        value=90,
        source="entry",
        entered_by=users.admin,
        entered_at=dt.datetime.now(dt.UTC),
        order=10_000,
    )
    with pytest.raises(services.EntryConflict) as raised:
        services.kpi_entries_save(entries=[f.entry() for f in forms], user=users.lead)
    assert raised.value.kpi == pct and raised.value.newest == theirs
    assert entries() == [theirs] and not Benchmark.objects.exists()


def test_the_service_saves_plain_data_without_a_form(plans, users):
    """kpi_entries_save takes validated data (EntryData), not forms: any caller (a view, an upload, a command)
    writes the same rows. An entry with neither value nor benchmark is skipped."""
    from kpis.services import EntryData, kpi_entries_save

    pct, homes = kpi_of(plans.cs, PCT), kpi_of(plans.cs, HOMES)
    saved = kpi_entries_save(
        entries=[
            EntryData(
                kpi=pct,
                year=2025,
                value="85",
                value_number=Decimal("85"),
                as_at=dt.date(2025, 12, 1),
                provisional=True,
                commentary=" Up on last year ",
                benchmark_number=Decimal("70"),
                benchmark_kind="national_average",
            ),
            EntryData(kpi=homes, year=2025),
        ],
        user=users.lead,
    )
    assert saved == 2
    (entry,) = entries()
    assert (
        entry.kpi,
        entry.year,
        entry.printed,
        entry.value,
        entry.as_at,
        entry.as_at_precision,
        entry.provisional,
        entry.commentary,
        entry.unit,
        entry.entered_by,
    ) == (pct, 2025, "85", Decimal("85"), dt.date(2025, 12, 1), "month", True, "Up on last year", "percent", users.lead)
    (bench,) = Benchmark.objects.all()
    assert (bench.kpi, bench.year, bench.kind, bench.value) == (pct, 2025, "national_average", Decimal("70"))
    assert Kpi.objects.get(pk=pct.pk).status == "on_track"  # 85 against the 2025-26 target "80%"


def test_the_page_shows_a_change_saved_during_its_own_save(client, plans, users, monkeypatch):
    """The race at the view: the forms were valid, then another lead's value lands before the save.
    The page answers like any conflict, naming them beside the measure, and saving again works."""
    from kpis import services

    pct = kpi_of(plans.cs, PCT)
    real_save = services.kpi_entries_save

    def save_after_someone_else(*, entries, user):
        KpiValue.objects.create(
            kpi=pct,
            year=2025,
            kind="latest",
            printed="90",
            value=90,
            source="entry",
            entered_by=users.admin,
            entered_at=dt.datetime.now(dt.UTC),
            order=10_000,
        )
        monkeypatch.setattr(services, "kpi_entries_save", real_save)
        return real_save(entries=entries, user=user)

    monkeypatch.setattr(services, "kpi_entries_save", save_after_someone_else)
    client.force_login(users.lead)
    response = client.post(update_url(plans.cs), fill(open_form(client, plans.cs), plans.cs, PCT, value="85"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ada Admin saved 90 for 2025-26 on" in html
    assert [e.printed for e in entries()] == ["90"]
    assert client.post(update_url(plans.cs), page_form(html, "Save all values")).status_code == 302
    assert [(e.printed, e.previous_printed, e.previous_by) for e in entries()] == [("90", "", ""), ("85", "90", "ada")]


def test_the_old_value_is_the_newest_for_the_same_year(client, plans, users):
    """'Was' is what the KPI showed for that year, even when a later entry was for another year."""
    client.force_login(users.lead)
    client.post(update_url(plans.cs), fill(open_form(client, plans.cs), plans.cs, PCT, value="85"))
    client.post(update_url(plans.cs), fill(open_form(client, plans.cs), plans.cs, PCT, value="88", year=2026))
    client.post(update_url(plans.cs), fill(open_form(client, plans.cs), plans.cs, PCT, value="70", commentary="Fell"))
    assert [(e.year, e.printed, e.previous_printed) for e in entries()] == [
        (2025, "85", ""),
        (2026, "88", ""),
        (2025, "70", "85"),
    ]


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_write_one_and_refuse_the_other(load_plan):
    """Two threads, two database connections, both validated against the same page: the row lock lets
    exactly one save; the other waits, re-reads, and raises EntryConflict."""
    import threading

    from django.db import connection

    from kpis import services
    from kpis.forms import entry_forms
    from kpis.selectors import plan_kpis

    plan = load_plan("cs-2025-29")
    load_plan("ete-2020-21")
    people = make_users()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, value):
        try:
            kpis = plan_kpis(queryset=Kpi.objects.filter(plan=plan, key=PCT))
            data = {f"kpi-{kpis[0].pk}-year": "2025", f"kpi-{kpis[0].pk}-seen": "0", f"kpi-{kpis[0].pk}-value": value}
            forms = entry_forms(plan=plan, kpis=kpis, data=data)
            assert all(f.is_valid() for f in forms)
            barrier.wait(timeout=10)
            services.kpi_entries_save(entries=[f.entry() for f in forms], user=user)
            outcomes.append("saved")
        except services.EntryConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(people.lead, "85")),
        threading.Thread(target=save, args=(people.admin, "82")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert KpiValue.objects.filter(source="entry").count() == 1


# -- history and the documents' values ----------------------------------------------------------------------------


def test_the_kpi_page_shows_who_when_old_new_and_why(client, plans, users, approve):
    client.force_login(users.lead)
    data = fill(
        open_form(client, plans.cs),
        plans.cs,
        PCT,
        value="85",
        as_at="2025-09",
        provisional=True,
        commentary="Quarter 2 reviews",
    )
    client.post(update_url(plans.cs), data)
    client.force_login(users.admin)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="60", commentary="Quarter 3: two reviews failed")
    client.post(update_url(plans.cs), data)
    first, second = entries()
    approve()

    client.logout()  # the history is public, like the plans
    html = client.get(kpi_of(plans.cs, PCT).get_absolute_url()).content.decode()
    table = html[html.index(">Changes entered</h2>") : html.index(">History across plans</h2>")]
    rows = [
        re.sub(r"<[^>]+>", "", r).split("|")
        for r in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', re.sub(r"</td><td[^>]*>", "|", table), re.S)
    ]
    when = lambda e: f"{e.entered_at:%-d %b %Y %H:%M}"  # noqa: E731 (UTC, the project's time zone)
    assert rows[1:] == [  # newest first
        [when(second), "Ada Admin", "2025-26", "85 (entered by lena)", "60", "Quarter 3: two reviews failed"],
        [when(first), "Lena Lead", "2025-26", "(nothing)", "85 (provisional) as at Sep 2025", "Quarter 2 reviews"],
    ]
    assert "Missed by 20: 60 (latest 2025-26) against the 2025-26 target &#x27;80%&#x27;" in html


@pytest.fixture
def older_plan(plans):
    return plans.older


def test_document_values_survive_entry_and_reload_side_by_side(client, older_plan, users, approve):
    from loader.services import plans_load
    from tests.conftest import fixture_path

    kpi = kpi_of(older_plan, "icpc-within-15-days")
    printed = [(v.year, v.kind, v.printed, v.value) for v in kpi.values.filter(source="document").order_by("order")]
    document = kpi.values.get(source="document", printed="89.1% (Dec 21)")
    client.force_login(users.lead)
    data = fill(
        open_form(client, older_plan),
        older_plan,
        kpi.key,
        value="92.4",
        year=document.year,
        as_at="2022-03",
        commentary="Year-end figure",
    )
    assert client.post(update_url(older_plan), data).status_code == 302
    (entry,) = entries()
    assert (entry.previous_printed, entry.previous_by) == ("89.1% (Dec 21)", "")
    approve()

    plans_load(paths=[fixture_path("cs-2022-23")])  # the documents reloaded

    kpi = Kpi.objects.get(pk=kpi.pk)
    assert list(kpi.values.filter(source="entry")) == [entry]
    assert [
        (v.year, v.kind, v.printed, v.value) for v in kpi.values.filter(source="document").order_by("order")
    ] == printed
    html = client.get(kpi.get_absolute_url()).content.decode()
    # Both are shown: the entry in the changes table ("was" names the document) and the plan's row as printed.
    assert '89.1% (Dec 21) <span class="app-muted">(as printed in the plan)</span>' in html
    assert '<td class="govuk-table__cell">89.1% (Dec 21)</td>' in html
    history = html[html.index(">History across plans</h2>") :]
    assert "92.4" in history and "Entered by Lena Lead" in history and "89.1% (Dec 21)" in history
    # The newest is what the assessment and the chart use.
    assert "Travel: 92.4 in 2021-22 against 84.2 in 2020-21." in html
    figure = json.loads(
        re.search(r'<script id="history-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    latest = next(trace for trace in figure["data"] if trace["name"] == "Latest (part-year)")
    assert latest["y"][latest["x"].index("2021-22")] == 92.4
    assert "92.4" in latest["text"]
    restated = next(trace for trace in figure["data"] if trace["name"] == "Latest (part-year): earlier printed figure")
    assert 89.1 in restated["y"]


def test_a_reload_refuses_to_drop_a_kpi_that_has_entries(client, older_plan, users, tmp_path):
    import yaml

    from loader.services import FixtureError, plans_load
    from tests.conftest import fixture_path

    kpi = older_plan.kpis.order_by("order").first()
    client.force_login(users.lead)
    client.post(
        update_url(older_plan),
        fill(open_form(client, older_plan), older_plan, kpi.key, value="1", year=2022, commentary="x"),
    )
    assert len(entries()) == 1
    data = yaml.safe_load(fixture_path("cs-2022-23").read_text(encoding="utf-8"))
    data["kpis"] = [k for k in data["kpis"] if k["key"] != kpi.key]
    changed = tmp_path / "cs-2022-23.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FixtureError):
        plans_load(paths=[changed])
    assert Kpi.objects.filter(pk=kpi.pk).exists() and len(entries()) == 1


# -- deliverable progress -----------------------------------------------------------------------------------------


@pytest.fixture
def deliverable(plans) -> Deliverable:
    return plans.cs.deliverables.order_by("order").first()


def deliverable_url(item: Deliverable) -> str:
    return reverse("deliverable_update", args=[item.plan.slug, item.pk])


def test_a_lead_records_deliverable_progress(client, deliverable, users):
    client.force_login(users.lead)
    response = client.get(deliverable_url(deliverable))
    html = response.content.decode()
    assert response.status_code == 200
    data = page_form(html, "Save update")
    assert data["as_of"] == dt.date.today().isoformat()  # today, pre-filled
    assert re.findall(r'<option value="(\w+)"', html) == ["not_started", "on_track", "at_risk", "off_track", "complete"]
    data.update(status="at_risk", percent_complete="40", as_of="2025-11-27", commentary="Recruitment delayed")
    response = client.post(deliverable_url(deliverable), data)
    assert response.status_code == 302 and response["Location"] == deliverable.get_absolute_url()
    data.update(status="complete", percent_complete="", as_of="2026-01-15", commentary="Done")
    client.force_login(users.admin)
    client.post(deliverable_url(deliverable), data)

    updates = list(deliverable.updates.all())  # newest first
    assert [(u.status, u.percent_complete, u.as_of, u.commentary, u.entered_by) for u in updates] == [
        ("complete", None, dt.date(2026, 1, 15), "Done", users.admin),
        ("at_risk", 40, dt.date(2025, 11, 27), "Recruitment delayed", users.lead),
    ]
    # The timeline, newest first, on the update page (the deliverable page is another helper's work).
    html = client.get(deliverable_url(deliverable)).content.decode()
    assert "Last update: Complete, as of 15 January 2026 by ada." in html
    timeline = html[html.index(">Progress so far</h2>") :]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', timeline, re.S)
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows[1:]
    ]
    assert [c[:5] for c in cells] == [
        ["15 January 2026", "Complete", "", "Done", "Ada Admin"],
        ["27 November 2025", "At risk", "40%", "Recruitment delayed", "Lena Lead"],
    ]


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"status": "finished"}, "status", "Select a valid choice. finished is not one of the available choices."),
        ({"percent_complete": "140"}, "percent_complete", "The percentage complete must be between 0 and 100"),
        ({"percent_complete": "-1"}, "percent_complete", "The percentage complete must be between 0 and 100"),
        ({"percent_complete": "forty"}, "percent_complete", "Enter the percentage complete as a whole number, like 40"),
        (
            {"status": "complete", "percent_complete": "90"},
            "percent_complete",
            "A complete deliverable is 100% complete, or leave it blank",
        ),
        ({"as_of": "27 Nov"}, "as_of", "Enter the date as year-month-day, like 2026-11-27"),
        ({"as_of": ""}, "as_of", "Enter the date this update is as of"),
        ({"as_of": "2999-01-01"}, "as_of", "The date cannot be in the future"),
        ({"commentary": "  "}, "commentary", "Enter a commentary: what has happened and what is next"),
    ],
)
def test_deliverable_progress_is_validated_plainly(client, deliverable, users, fields, field, message):
    client.force_login(users.lead)
    data = {"status": "on_track", "percent_complete": "50", "as_of": "2025-11-27", "commentary": "Going well"} | fields
    response = client.post(deliverable_url(deliverable), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<p class="govuk-error-message" id="id_{field}-error"><span class="govuk-visually-hidden">Error:</span> {message}</p>'
        in html
    )
    assert re.search(rf'<a href="#id_{field}">[^<]*: {re.escape(message)}</a>', html)
    assert re.search(
        rf'id="id_{field}"[^>]*aria-describedby="[^"]*id_{field}-error|aria-describedby="[^"]*id_{field}-error[^"]*"[^>]*id="id_{field}"',
        html,
    )
    assert not DeliverableUpdate.objects.exists()


def test_an_empty_deliverable_post_shows_the_errors(client, deliverable, users):
    client.force_login(users.lead)
    response = client.post(deliverable_url(deliverable), {})
    assert response.status_code == 400
    assert "Enter a commentary: what has happened and what is next" in response.content.decode()


def test_a_rag_rated_measure_takes_a_rating(client, db, load_plan, approve):
    """ASCH rates some measures Green/Amber/Red: a lead enters a rating, not a number."""
    from django.contrib.auth.models import User

    from kpis.forms import entry_forms
    from kpis.models import Kpi, KpiValue
    from kpis.selectors import plan_kpis
    from kpis.services import kpi_entries_save

    plan = load_plan("asch-2020-21")
    kpi = Kpi.objects.filter(plan=plan, unit="rag", values__kind="target", values__target_kind="rag").first()
    assert kpi is not None  # a measure whose target is a rating (e.g. "Green")
    lead = User.objects.create_user("rag-lead", password="a-long-test-password")

    def forms_with(value: str, commentary: str = ""):
        kpis = plan_kpis(queryset=Kpi.objects.filter(pk=kpi.pk))
        data = {
            f"kpi-{kpi.pk}-value": value,
            f"kpi-{kpi.pk}-year": str(plan.financial_year),
            f"kpi-{kpi.pk}-commentary": commentary,
            f"kpi-{kpi.pk}-seen": "0",
        }
        return entry_forms(plan=plan, kpis=kpis, data=data)

    [bad] = forms_with("Purple")
    assert not bad.is_valid() and "Enter the rating as Green, Amber or Red" in bad.errors["value"][0]
    [red] = forms_with("red")
    assert not red.is_valid() and red.errors["commentary"] == ["Explain the value: it is off track against its target"]
    [red] = forms_with("red", "Staffing shortfall")
    assert red.is_valid()
    assert kpi_entries_save(entries=[red.entry()], user=lead) == 1
    entry = KpiValue.objects.get(kpi=kpi, source="entry")
    assert (entry.printed, entry.status, entry.note, entry.value) == ("Red", "rag", "Red", None)
    approve()
    fresh = plan_kpis(queryset=Kpi.objects.filter(pk=kpi.pk))[0]
    assert fresh.assessment().status == "off_track" and "Rated Red" in fresh.assessment().reason


def test_with_the_page_cache_on_the_form_shows_every_save_at_once(client, plans, users, settings):
    """With the page cache on, the lead's form page is still built for every visit (a signed-in page is never
    kept: config.middleware.PageCacheMiddleware), so a save shows on the next visit, with a fresh `seen`."""
    from django.core.cache import cache

    settings.PAGE_CACHE = True
    cache.clear()
    client.get(reverse("login"))  # the CSRF cookie a browser has from the sign-in page
    client.force_login(users.lead)
    first = client.get(update_url(plans.cs)).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(update_url(plans.cs)).content.decode()
    assert len(queries) > 3  # built afresh: reads the KPIs, not only session, user and version
    assert again.count("<fieldset") == first.count("<fieldset") == 17
    data = fill(
        page_form(first, "Save all values"),
        plans.cs,
        COUNT,
        value="301",
        as_at="2025-09",
        commentary="Cached form check",
    )
    assert client.post(update_url(plans.cs), data).status_code == 302
    after = client.get(update_url(plans.cs)).content.decode()
    # The entry awaits approval: the form shows it marked so, beside the published figures.
    assert "Awaiting approval</strong> 301 (2025-26), entered by lena." in after
    # The form now says it has seen the new entry, so saving again is not refused as a conflict.
    data = fill(
        page_form(after, "Save all values"), plans.cs, COUNT, value="302", as_at="2025-10", commentary="Second save"
    )
    assert client.post(update_url(plans.cs), data).status_code == 302
    cache.clear()
