"""Issue 16: "My updates" (what is due, overdue and done for each measure of the departments a lead leads, for
the current and previous period of its frequency) and the performance team's page (who has not reported, per
department), with the clock moved across period and year boundaries and a bank holiday (time-machine)."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.urls import reverse

from kpis.models import Kpi, KpiValue
from plans.models import Department, Role
from tests.test_entry import (  # noqa: F401
    CS,
    PCT,
    fast_passwords,
    fill,
    kpi_of,
    loaded_plans,
    open_form,
    plans,
    update_url,
    users,
)

MY = "/my-updates/"
TEAM = "/reporting/"


def cells(html: str, testid: str) -> list[list[str]]:
    """The body rows of a table, each cell's text (tags dropped, entities read, visually hidden text kept)."""
    table = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    assert table is not None, testid
    body = table.group(1).split("<tbody", 1)[1]
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        texts = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        found.append([htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t))).strip() for t in texts])
    return found


def my_rows(client, description: str) -> list[tuple[str, str, str]]:
    """(status, period, due) of one measure's rows on My updates, in page order."""
    html = client.get(MY).content.decode()
    return [(r[0], r[3], r[4]) for r in cells(html, "my-updates") if r[1] == description]


def at(client, time_machine, user, when: str) -> None:
    """Move the clock and sign in again (a session older than its absolute timeout is signed out)."""
    time_machine.move_to(when, tick=False)
    client.force_login(user)


def quarterly(plans, key: str = PCT, due_working_days: int = 15) -> Kpi:
    kpi = kpi_of(plans.cs, key)
    Kpi.objects.filter(pk=kpi.pk).update(frequency="quarterly", due_working_days=due_working_days)
    return kpi


def test_the_quarter_ended_yesterday_is_due_and_the_one_before_overdue(client, plans, users, time_machine):
    pct = quarterly(plans)
    at(client, time_machine, users.lead, "2026-06-30 12:00:00+01:00")
    # The last day of Q1: Q1 falls due 15 working days after it ends; Q4 2025-26 was due on 23 April 2026
    # (15 working days after 31 March, skipping Good Friday and Easter Monday), so it is overdue.
    assert my_rows(client, pct.description) == [
        ("Overdue", "Q4 2025-26", "23 April 2026"),
        ("Due", "Q1 2026-27", "21 July 2026"),
    ]
    at(client, time_machine, users.lead, "2026-07-01 09:00:00+01:00")
    # The first day of Q2: the current and the previous period move on; Q4 2025-26 is no longer listed.
    assert my_rows(client, pct.description) == [
        ("Due", "Q1 2026-27", "21 July 2026"),
        ("Due", "Q2 2026-27", "21 October 2026"),
    ]


def test_a_bank_holiday_moves_the_due_date(client, plans, users, time_machine):
    pct = quarterly(plans, due_working_days=1)
    # Q3 ends on Thursday 31 December 2026; Friday 1 January 2027 is a bank holiday, so the figure falls due
    # one working day later on Monday 4 January, and is overdue only from the 5th.
    at(client, time_machine, users.lead, "2027-01-04 17:00:00+00:00")
    assert my_rows(client, pct.description)[0] == ("Due", "Q3 2026-27", "4 January 2027")
    at(client, time_machine, users.lead, "2027-01-05 09:00:00+00:00")
    assert my_rows(client, pct.description)[0] == ("Overdue", "Q3 2026-27", "4 January 2027")


def test_an_annual_measure_shows_this_and_last_financial_year(client, plans, users, time_machine):
    pct = kpi_of(plans.cs, PCT)  # annual, as the documents print it
    at(client, time_machine, users.lead, "2027-03-31 12:00:00+01:00")
    assert my_rows(client, pct.description) == [
        ("Overdue", "2025-26", "23 April 2026"),
        ("Due", "2026-27", "21 April 2027"),
    ]
    at(client, time_machine, users.lead, "2027-04-01 09:00:00+01:00")  # a new financial year
    assert my_rows(client, pct.description) == [
        ("Due", "2026-27", "21 April 2027"),
        ("Due", "2027-28", "25 April 2028"),
    ]
    at(client, time_machine, users.lead, "2027-04-22 09:00:00+01:00")
    assert my_rows(client, pct.description)[0] == ("Overdue", "2026-27", "21 April 2027")


def test_a_printed_figure_counts_as_done(client, plans, users, time_machine):
    pct = kpi_of(plans.cs, PCT)  # the plan prints 77.8% as the latest figure for 2024-25
    at(client, time_machine, users.lead, "2025-06-30 12:00:00+01:00")
    assert my_rows(client, pct.description) == [
        ("Due", "2025-26", "23 April 2026"),
        ("Done", "2024-25", "23 April 2025"),
    ]


def test_an_entered_figure_is_done_awaiting_approval_until_approved(client, plans, users, time_machine, approve):
    pct = quarterly(plans)
    time_machine.move_to("2026-07-02 12:00:00+01:00", tick=False)
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="81", year=2026, period="Q1", commentary="ok")
    assert client.post(update_url(plans.cs), data).status_code == 302
    assert my_rows(client, pct.description) == [
        ("Due", "Q2 2026-27", "21 October 2026"),
        ("Done (awaiting approval)", "Q1 2026-27", "21 July 2026"),
    ]
    assert approve() == 1
    assert my_rows(client, pct.description)[1] == ("Done", "Q1 2026-27", "21 July 2026")
    # Returned with a reason: to be entered again, so not done.
    KpiValue.objects.filter(kpi=pct, source="entry").update(approval=KpiValue.Approval.RETURNED)
    assert my_rows(client, pct.description)[0] == ("Due", "Q1 2026-27", "21 July 2026")


def test_overdue_first_oldest_first_then_due_then_done_with_one_click_to_enter(client, plans, users, time_machine):
    pct = quarterly(plans)
    time_machine.move_to("2026-06-30 12:00:00+01:00", tick=False)
    client.force_login(users.lead)
    html = client.get(MY).content.decode()
    states = [r[0].split(" (")[0] for r in cells(html, "my-updates")]
    assert states == sorted(states, key=["Overdue", "Due", "Done"].index)
    assert states.count("Overdue") == 17  # every measure of the plan: 2025-26 (annual) or Q4 2025-26, not printed
    expected = reverse("department_update", args=[CS]) + f"?plan={plans.cs.slug}#kpi-{pct.pk}"
    assert f'href="{expected}"' in html


def test_a_lead_sees_only_their_departments_and_an_administrator_all(client, plans, users):
    client.force_login(users.lead)
    departments = {r[2] for r in cells(client.get(MY).content.decode(), "my-updates")}
    assert departments == {"Children's Services"}
    client.force_login(users.other_lead)
    departments = {r[2] for r in cells(client.get(MY).content.decode(), "my-updates")}
    assert departments == {"Economy, Transport and Environment"}
    client.force_login(users.admin)
    departments = {r[2] for r in cells(client.get(MY).content.decode(), "my-updates")}
    assert departments == {"Children's Services", "Economy, Transport and Environment"}
    client.force_login(users.viewer)
    page = client.get(MY).content.decode()
    assert "You do not lead a department" in page and 'data-testid="my-updates"' not in page


def test_the_navigation_links_my_updates_for_signed_in_users_only(client, plans, users):
    assert 'href="/my-updates/"' not in client.get("/").content.decode()
    client.force_login(users.lead)
    assert 'href="/my-updates/"' in client.get("/").content.decode()


@pytest.mark.parametrize("path", [MY, TEAM])
def test_visitors_are_sent_to_sign_in(client, plans, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("who", ["viewer", "cabinet", "lead"])
def test_the_performance_team_page_is_refused_to_others(client, plans, users, who):
    client.force_login(getattr(users, who))
    assert client.get(TEAM).status_code == 403


def test_the_performance_team_page_says_who_has_not_reported_and_for_how_long(client, plans, users, time_machine):
    approver = type(users.lead).objects.create_user("apu", first_name="Apu", last_name="Approver")
    Role.objects.create(user=approver, kind=Role.Kind.APPROVER, department=Department.objects.get(slug=CS))
    quarterly(plans)
    # Every ETE measure has a 2020-21 plan's figure for no recent year: 36 overdue since 2025-26 fell due.
    time_machine.move_to("2026-06-30 12:00:00+01:00", tick=False)
    for user in (approver, users.admin):
        client.force_login(user)
        rows = cells(client.get(TEAM).content.decode(), "lateness")
        assert rows == [
            ["Economy, Transport and Environment", "36", "23 April 2026", "68", "Eric Lead"],
            ["Children's Services", "17", "23 April 2026", "68", "Lena Lead"],
        ]


def test_the_pages_take_a_fixed_number_of_queries(client, plans, users, django_assert_max_num_queries):
    client.force_login(users.admin)
    with django_assert_max_num_queries(12):
        client.get(MY)
    with django_assert_max_num_queries(12):
        client.get(TEAM)
