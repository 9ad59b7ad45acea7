"""Cabinet report packs (reports/): a pack frozen when published, never changed by any later write, listing what
has been restated since; who may publish; the reason asked for when a figure a pack showed is changed; the exception
report; comparing two packs."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.urls import reverse

from kpis.assessment import STATUS_LABELS
from kpis.models import KpiValue
from kpis.services import kpi_value_doubt_set
from loader.services import plans_load
from plans.models import Council, DataVersion, Role
from reports.models import PackFigure, PackImmutable, ReportPack
from reports.services import pack_publish, user_can_publish
from tests.conftest import fixture_path
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
from tests.test_upload import csv_file, filled, post_file, template, upload_url

MEETING = dt.date(2025, 12, 11)
TITLE = "Q2 2025-26 — Cabinet 11 December 2025"
# What the 2025-29 Children's Services plan prints for PCT: 2024-25 latest 77.8% against the 2024-25 target 75%.
PCT_SHOWN = "77.8% (2024-25), target 75%: On track"


@pytest.fixture
def pack(plans, users) -> ReportPack:
    return pack_publish(council=Council.objects.get(), period="Q2 2025-26", meeting_date=MEETING, by=users.admin)


def pack_url(pack: ReportPack) -> str:
    return reverse("report_pack", args=[pack.slug])


def without_restated(html: str) -> str:
    """The pack page with its "Restated since" section taken out (the only part that may change)."""
    start = html.index('<h2 class="govuk-heading-m" id="restated">')
    end = html.index('<h2 class="govuk-heading-m">Department summaries</h2>')
    return html[:start] + html[end:]


def restated_rows(html: str) -> list[list[str]]:
    start = html.index('id="restated"')
    section = html[start : html.index("Department summaries", start)]
    if "<tbody" not in section:
        return []
    body = section[section.index("<tbody") :]
    return [
        [
            unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip())
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)
        ]
        for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def measure(pack: ReportPack, key: str) -> dict:
    return next(m for m in pack.measures if m["key"] == key and m["department_slug"] == CS)


# -- what a pack holds ----------------------------------------------------------------------------------------


def test_it_freezes_each_departments_current_plan_as_its_pages_show_it(pack):
    assert pack.title == TITLE and pack.slug == "q2-2025-26-cabinet-2025-12-11"
    assert [(d["department"], d["plan_slug"], d["net_budget"]) for d in pack.departments] == [
        ("Children's Services", "cs-2025-29", "£175.77m"),
        ("Economy, Transport and Environment", "ete-2020-21", "£76.28m"),
    ]
    row = measure(pack, PCT)
    assert {k: row[k] for k in ("figure", "year_label", "target", "target_year_label", "status_word", "arrow")} == {
        "figure": "77.8%",
        "year_label": "2024-25",
        "target": "75%",
        "target_year_label": "2024-25",
        "status_word": "On track",
        "arrow": "↑",
    }
    assert row["arrow_text"] == "Up from 72.6% in 2023-24"
    doubted = measure(pack, "children-council-foster-carers")
    assert doubted["status_word"] == "Off track — rests on a figure marked doubtful"
    # Each figure it showed is marked, by plan and KPI key (year 0: it showed none).
    assert PackFigure.objects.filter(pack=pack, plan_slug="cs-2025-29", kpi_key=PCT).get().year == 2024
    assert PackFigure.objects.filter(pack=pack, kpi_key="supported-remain-at-home").get().year == 0


def test_the_pack_page_shows_the_figures_and_the_exception_report(client, pack):
    html = client.get(pack_url(pack)).content.decode()
    assert f'<h1 class="govuk-heading-l">{TITLE}</h1>' in html
    assert "£175.77m" in html
    department = client.get(reverse("report_department", args=[pack.slug, CS])).content.decode()
    assert '<span class="app-pack-figure">77.8%</span> <span class="app-muted">2024-25</span>' in department
    exceptions = html[html.index("Exception report") : html.index('id="restated"')]
    # Off track or worsening: the doubtful foster carers figure is marked; an on-track, improving measure is not there.
    assert "33 (November 2024)" in exceptions and "rests on a figure marked doubtful" in exceptions
    assert "% good or better outcomes in Reflective Practice Reviews for children in care" not in exceptions
    assert '<span class="govuk-visually-hidden">: Down from' in exceptions  # the arrow in words
    assert "<polyline points=" in exceptions  # the trend line
    assert "Nothing the pack showed has been restated" in html


def test_a_published_pack_refuses_every_change(pack):
    pack.title = "Something else"
    with pytest.raises(PackImmutable):
        pack.save()
    with pytest.raises(ProgrammingError, match="is published and cannot be changed"), transaction.atomic():
        ReportPack.objects.filter(pk=pack.pk).update(title="Something else")
    assert ReportPack.objects.get(pk=pack.pk).title == TITLE


def test_the_admin_site_shows_packs_read_only(client, pack, users):
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    client.force_login(users.admin)
    url = reverse("admin:reports_reportpack_change", args=[pack.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Changed"}).status_code == 403
    assert ReportPack.objects.get(pk=pack.pk).title == TITLE


def test_publishing_moves_the_data_version(plans, users):
    before = DataVersion.key()
    pack_publish(council=Council.objects.get(), period="Q2 2025-26", meeting_date=MEETING, by=users.admin)
    assert DataVersion.key() != before


def test_the_pack_tables_have_the_data_version_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, bit_or(t.tgtype) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'data_version_%%' AND t.tgenabled = 'A' GROUP BY c.relname"
        )
        covered = dict(cursor.fetchall())
    for table in ("reports_reportpack", "reports_packfigure"):
        assert covered[table] & (4 | 8 | 16 | 32) == 4 | 8 | 16 | 32, table


# -- nothing later changes it; restatements list what did -----------------------------------------------------


def test_no_write_path_changes_the_pack_and_each_is_restated(
    client, pack, plans, users, tmp_path, monkeypatch, approve
):
    page = client.get(pack_url(pack)).content.decode()
    frozen = without_restated(page)
    pdf = client.get(reverse("report_pack_pdf", args=[pack.slug]))
    assert pdf.status_code == 200

    # 1. A lead's entry (the update page), with the reason the form asks for.
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="60", commentary="Two reviews were late")
    assert client.post(update_url(plans.cs), data).status_code == 302
    # 2. An upload.
    rows = filled(
        template(client, plans.cs, "csv"),
        {"dcc-fostering-households": {"Latest value": "300", "Commentary": "Recruitment campaign"}},
    )
    confirm = page_form(post_file(client, plans.cs, csv_file(rows)).content.decode(), "Save all 1 change")
    assert client.post(upload_url(plans.cs), {**confirm, "confirm": "1"}).status_code == 302
    client.logout()
    assert approve() == 2  # entered figures count once an approver has signed them off (issue 16)
    # 3. A doubt marked by an administrator.
    value = KpiValue.objects.get(kpi=kpi_of(plans.cs, "residential-homes-good"), year=2023, kind="actual")
    kpi_value_doubt_set(value=value, doubtful=True, reason="Out of line with the year before", by=users.admin)
    # 4. Raw SQL (on the other department's plan: the reload below writes the Children's Services one again).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE kpis_kpivalue SET printed = '55', value = 55 WHERE kpi_id = %s AND year = 2019 AND kind = 'latest'",
            [kpi_of(plans.ete, "complaints").pk],
        )
    # 5. A fixture reload with a corrected figure.
    sources = tmp_path / "fixtures"
    sources.mkdir()
    text = (
        fixture_path("cs-2025-29")
        .read_text()
        .replace('kind: latest, printed: "77.8%"', 'kind: latest, printed: "71.8%"')
    )
    text = text.replace(
        '{year: "2024-25", kind: latest, printed: "83.6%"}', '{year: "2024-25", kind: latest, printed: "70.2%"}'
    )
    (sources / "cs-2025-29.yaml").write_text(text)
    shutil.copy(fixture_path("measures"), sources / "measures.yaml")
    plans_load(paths=[sources / "cs-2025-29.yaml"])
    after = client.get(pack_url(pack)).content.decode()
    assert without_restated(after) == frozen
    rows = [[cell for i, cell in enumerate(r) if i != 4] for r in restated_rows(after)]  # the times aside
    cs, ete = "(Children's Services)", "(Economy, Transport and Environment)"
    assert rows == [
        [
            f"% of good or better outcomes in Reflective Practice Reviews for foster carer {cs}",
            "83.6% (2024-25), target 80%: On track",
            "70.2% (2024-25), target 80%: Off track",
            "the source documents, reloaded",
            "The plan's figures as loaded again from the source documents",
        ],
        [
            f"% good or better outcomes in Reflective Practice Reviews for children in care {cs}",
            PCT_SHOWN,
            "60 (2025-26), target 80%: Off track",
            "Lena Lead",
            "Two reviews were late",
        ],
        [
            f"The percentage of DCC children's residential homes graded 'good' or 'better' {cs}",
            "91% (2023-24), target 90%: On track",
            "91% (2023-24), target 90%: On track — rests on a figure marked doubtful",
            "Ada Admin",
            "Marked doubtful: Out of line with the year before",
        ],
        [
            f"Number of DCC fostering households {cs}",
            "262 (2023-24), target TBC: No assessment",
            "300 (2025-26), target Increasing trend: On track",
            "Lena Lead",
            "Recruitment campaign",
        ],
        [
            f"Monitored customer complaints {ete}",
            "50 (2019-20), target Monitor: No assessment",
            "55 (2019-20), target Monitor: No assessment",
            "Not recorded",
            "Changed in the database directly: no record of who or why",
        ],
    ]
    when = [r[4] for r in restated_rows(after)]
    assert when[1] == when[3] and re.fullmatch(r"\d{1,2} \w+ \d{4} \d\d:\d\d", when[1])


def test_a_release_that_words_statuses_differently_changes_no_pack(client, pack, monkeypatch):
    frozen = without_restated(client.get(pack_url(pack)).content.decode())
    monkeypatch.setitem(STATUS_LABELS, "none", "Not assessed")
    after = client.get(pack_url(pack)).content.decode()
    assert without_restated(after) == frozen
    rows = restated_rows(after)
    assert len(rows) == sum(1 for m in pack.measures if m["status"] == "none")
    assert rows[0][2].endswith(": Not assessed")
    assert {r[-1] for r in rows} == {
        "The status was worked out again: a benchmark was entered or the assessment rules changed"
    }


def test_a_changed_figure_needs_a_reason_once_a_pack_showed_it(client, plans, users):
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, "rpr-foster-carers", value="85")
    assert client.post(update_url(plans.cs), data).status_code == 302  # no pack yet: no reason needed
    KpiValue.objects.filter(source="entry").delete()
    pack_publish(council=Council.objects.get(), period="Q2 2025-26", meeting_date=MEETING, by=users.admin)
    data = fill(open_form(client, plans.cs), plans.cs, "rpr-foster-carers", value="85")
    html = client.post(update_url(plans.cs), data).content.decode()
    assert f"Give the reason for the change: the published report pack “{TITLE}” showed this measure" in html
    assert entries() == []
    data = fill(open_form(client, plans.cs), plans.cs, "rpr-foster-carers", value="85", commentary="Late return")
    assert client.post(update_url(plans.cs), data).status_code == 302
    assert [e.commentary for e in entries()] == ["Late return"]


# -- who publishes ----------------------------------------------------------------------------------------------


def test_only_administrators_publish(client, plans, users):
    url = reverse("report_publish")
    assert client.get(url).status_code == 302  # signed out: to sign in
    for person in (users.viewer, users.lead, users.cabinet):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"period": "Q2", "meeting_date": "2025-12-11", "confirm": "on"}).status_code == 403
    assert not ReportPack.objects.exists()
    client.force_login(users.admin)
    response = client.post(url, {"period": "Q2 2025-26", "meeting_date": "2025-12-11", "confirm": "on"})
    pack = ReportPack.objects.get()
    assert response.status_code == 302 and response["Location"] == pack_url(pack)
    assert pack.title == TITLE and pack.published_by == users.admin


def test_the_publish_form_says_what_is_wrong_and_publishes_nothing(client, plans, users):
    client.force_login(users.admin)
    html = client.post(reverse("report_publish"), {"period": "", "meeting_date": "11 Dec"}).content.decode()
    assert "Reporting period: Enter the reporting period, for example Q2 2025-26" in html
    assert "Cabinet meeting date: Enter the meeting date as year-month-day, for example 2025-12-11" in html
    assert "Confirm that the pack cannot be changed once published" in html
    assert not ReportPack.objects.exists() and not PackFigure.objects.exists()


# -- exception report, list, compare ------------------------------------------------------------------------------


def test_the_live_exception_report_follows_new_figures(client, plans, users, approve):
    html = client.get(reverse("report_exceptions")).content.decode()
    assert "63 (November 2024)" in html and "77.8%" not in html
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="60", commentary="Two reviews were late")
    client.post(update_url(plans.cs), data)
    assert "Two reviews were late" not in client.get(reverse("report_exceptions")).content.decode()  # not yet approved
    approve()
    html = client.get(reverse("report_exceptions")).content.decode()
    assert "Two reviews were late" in html and ">60</span>" in html


def test_compare_lists_status_changes_and_moved_targets(client, pack, plans, users, approve):
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="60", commentary="Two reviews were late")
    client.post(update_url(plans.cs), data)
    approve()
    later = pack_publish(
        council=Council.objects.get(), period="Q3 2025-26", meeting_date=dt.date(2026, 3, 12), by=users.admin
    )
    html = client.get(reverse("report_compare"), {"from": pack.slug, "to": later.slug}).content.decode()
    changed = html[html.index("Status changed (1)") : html.index("Targets moved")]
    assert (
        "% good or better outcomes in Reflective Practice Reviews for children in care (Children&#x27;s Services): On track → Off track"
        in changed
    )
    moved = html[html.index("Targets moved (1)") : html.index("New measures")]
    assert "75% 2024-25 → 80% 2025-26" in moved
    assert "No new measure." in html and "No measure was dropped." in html
    bad = client.get(reverse("report_compare"), {"from": pack.slug, "to": "no-such-pack"}).content.decode()
    assert "Choose two published packs from the lists" in bad


def test_the_pack_list_links_each_pack(client, pack):
    html = client.get(reverse("report_packs")).content.decode()
    assert f'<a class="govuk-link" href="{pack_url(pack)}">{TITLE}</a>' in html


def test_every_page_names_the_cabinet_reports_in_its_menu(client, pack):
    # What cabinet saw is one click from anywhere; on its own list the menu item is the current page.
    link = f'<a class="govuk-service-navigation__link" href="{reverse("report_packs")}"'
    home = client.get(reverse("home")).content.decode()
    assert f"{link}>Cabinet reports</a>" in home
    packs = client.get(reverse("report_packs")).content.decode()
    assert (
        f'{link} aria-current="page"><strong class="govuk-service-navigation__active-fallback">Cabinet reports' in packs
    )


def test_the_command_publishes_a_pack_for_an_administrator_only(plans, users):
    with pytest.raises(CommandError, match="lena may not publish report packs"):
        call_command("publish_pack", period="Q2 2025-26", meeting="2025-12-11", by="lena")
    with pytest.raises(CommandError, match="--meeting: give the date as YYYY-MM-DD, not '11/12/2025'"):
        call_command("publish_pack", period="Q2 2025-26", meeting="11/12/2025", by="ada")
    assert not ReportPack.objects.exists()
    call_command("publish_pack", period="Q2 2025-26", meeting="2025-12-11", by="ada")
    assert ReportPack.objects.get().title == TITLE


def test_an_upload_changing_a_figure_a_pack_showed_needs_a_reason_too(client, pack, plans, users):
    client.force_login(users.lead)
    rows = filled(template(client, plans.cs, "csv"), {"rpr-foster-carers": {"Latest value": "85"}})
    html = post_file(client, plans.cs, csv_file(rows)).content.decode()
    assert f"Give the reason for the change: the published report pack “{TITLE}” showed this measure" in html
    assert entries() == []


def test_the_pack_page_reads_the_pack_once_and_the_current_figures_for_restatements(
    client, pack, django_assert_num_queries
):
    # 1 the pack (with its council and publisher); then for the restatements 1 for the pack's plans by slug, and per
    # plan of the pack (2) the 14 queries of dashboard.briefing.plan_summary. Nothing restated: no doubt decisions or
    # reload date read.
    with django_assert_num_queries(1 + 1 + 2 * 14):
        assert client.get(pack_url(pack)).status_code == 200


def test_approvers_and_administrators_publish(plans, users):
    council = Council.objects.get()
    assert not user_can_publish(users.viewer, council)
    Role.objects.create(user=users.viewer, kind=Role.Kind.APPROVER, department=plans.cs.department)
    assert user_can_publish(users.viewer, council) and user_can_publish(users.viewer)
    other = Council.objects.create(slug="elsewhere", name="Elsewhere Council")
    assert not user_can_publish(users.viewer, other)  # an approver publishes for their own council only
    assert not user_can_publish(users.lead, council) and user_can_publish(users.admin, council)


# -- remedial actions ------------------------------------------------------------------------------------------------

ACTION = "Two more reviewers from January"


def test_a_remedial_action_with_its_owner_and_date_reaches_the_exception_report_and_the_pack(
    client, plans, users, approve
):
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="60", commentary="Two reviews were late")
    fill(data, plans.cs, PCT, action=ACTION, action_owner="Head of Fostering", action_due="2027-01-31")
    assert client.post(update_url(plans.cs), data).status_code == 302
    stored = KpiValue.objects.get(source="entry")
    assert (stored.action, stored.action_owner, stored.action_due) == (
        ACTION,
        "Head of Fostering",
        dt.date(2027, 1, 31),
    )
    shown = f"<bdi>{ACTION} (owner: Head of Fostering; due 31 January 2027)</bdi>"
    assert shown not in client.get(reverse("report_exceptions")).content.decode()  # awaiting approval
    approve()
    assert shown in client.get(reverse("report_exceptions")).content.decode()
    pack = pack_publish(
        council=Council.objects.get(), period="Q3 2025-26", meeting_date=dt.date(2026, 3, 12), by=users.admin
    )
    assert shown in client.get(pack_url(pack)).content.decode()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (
            {"value": "60", "commentary": "x", "action_owner": "Head of Fostering"},
            "Describe the remedial action that the owner and date are for",
        ),
        (
            {"value": "60", "commentary": "x", "action": ACTION, "action_due": "31/01/2027"},
            "Enter the date the action is due as year-month-day, like 2027-01-31, not “31/01/2027”",
        ),
        ({"action": ACTION}, "Enter the latest value, or clear the other fields for this measure"),
    ],
)
def test_a_remedial_action_needs_its_words_a_real_date_and_a_value(client, plans, users, fields, error):
    client.force_login(users.lead)
    response = client.post(update_url(plans.cs), fill(open_form(client, plans.cs), plans.cs, PCT, **fields))
    assert response.status_code == 400
    assert error in unescape(response.content.decode())
    assert entries() == []
