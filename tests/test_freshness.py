"""Reporting periods and freshness with the clock moved (time-machine): a quarterly or monthly KPI's value is
entered for its period; every KPI shows the period and age of its newest figure on its page, in the KPI list
and in the department's table, and a figure past its due date (15 working days after the period ends,
skipping England and Wales bank holidays) is flagged "Overdue since ..."."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kpis.models import Kpi, KpiValue
from tests.test_entry import (  # noqa: F401
    CS,
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


def found(pattern: str, text: str, flags: int = 0, group: int = 0) -> str:
    match = re.search(pattern, text, flags)
    assert match is not None, pattern
    return match.group(group)


def freshness_on(client, kpi: Kpi) -> str:
    html = client.get(kpi.get_absolute_url()).content.decode()
    cell = found(r'data-testid="freshness">(.*?)</dd>', html, re.S, group=1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()


def enter_quarter(client, plans, users, value: str, year: int, period: str, approve) -> None:
    """The lead enters the figure and an approver signs it off (issue 16: only approved figures are shown)."""
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value=value, year=year, period=period, commentary="ok")
    assert client.post(update_url(plans.cs), data).status_code == 302
    client.logout()
    assert approve() == 1


def test_a_quarterly_kpi_asks_for_the_period_and_stores_it(client, plans, users, time_machine, approve):
    time_machine.move_to("2027-01-10 12:00:00+00:00", tick=False)
    pct = kpi_of(plans.cs, PCT)
    Kpi.objects.filter(pk=pct.pk).update(frequency="quarterly")
    client.force_login(users.lead)
    html = client.get(update_url(plans.cs)).content.decode()
    select = found(rf'<select name="kpi-{pct.pk}-period".*?</select>', html, re.S, group=0)
    assert re.findall(r">([^<]+)</option>", select) == ["Whole year", "Q1", "Q2", "Q3", "Q4"]
    assert '<option value="Q3" selected>Q3</option>' in select  # the quarter ended most recently
    assert (
        '<option value="2026" selected>2026-27</option>'
        in html.split(f'name="kpi-{pct.pk}-year"')[1].split("</select>")[0]
    )
    # An annual KPI's form has no period to choose.
    assert f'name="kpi-{kpi_of(plans.cs, "rpr-foster-carers").pk}-period"' not in html
    enter_quarter(client, plans, users, "81", 2026, "Q2", approve)
    stored = KpiValue.objects.get(kpi=pct, source="entry")
    assert (stored.year, stored.period, stored.period_label) == (2026, "Q2", "Q2 2026-27")
    page = client.get(pct.get_absolute_url()).content.decode()
    assert "Q2 2026-27" in page and "Target met: 81 (latest Q2 2026-27)" not in page  # no 2026-27 target: says so
    assert "No target set for Q2 2026-27" in page


def test_freshness_moves_with_the_clock_and_flags_an_overdue_quarter(client, plans, users, time_machine, approve):
    pct = kpi_of(plans.cs, PCT)
    Kpi.objects.filter(pk=pct.pk).update(frequency="quarterly")
    time_machine.move_to("2027-01-10 12:00:00+00:00", tick=False)
    enter_quarter(client, plans, users, "81", 2026, "Q2", approve)
    # Q3 ends Thursday 31 December 2026; New Year's Day is a bank holiday: due Friday 22 January 2027.
    assert freshness_on(client, pct) == "Latest: Q2 2026-27, 3 months ago. Next figure (Q3 2026-27) due 22 January 2027"
    time_machine.move_to("2027-01-22 23:00:00+00:00", tick=False)
    assert freshness_on(client, pct) == "Latest: Q2 2026-27, 3 months ago. Next figure (Q3 2026-27) due 22 January 2027"
    time_machine.move_to("2027-01-23 09:00:00+00:00", tick=False)
    assert freshness_on(client, pct) == "Latest: Q2 2026-27, 3 months ago Overdue since 22 January 2027"
    listed = client.get(reverse("kpi_list") + f"?plan={plans.cs.slug}").content.decode()
    row = found(rf'href="{re.escape(pct.get_absolute_url())}".*?</tr>', listed, re.S, group=0)
    assert "Latest: Q2 2026-27, 3 months ago" in row and "Overdue since 22 January 2027" in row
    department = client.get(reverse("department", args=[CS])).content.decode()
    row = found(rf'href="{re.escape(pct.get_absolute_url())}".*?</tr>', department, re.S, group=0)
    assert "Overdue since 22 January 2027" in row
    # Entering Q3 clears the flag.
    enter_quarter(client, plans, users, "82", 2026, "Q3", approve)
    assert freshness_on(client, pct) == "Latest: Q3 2026-27, 23 days ago. Next figure (Q4 2026-27) due 21 April 2027"


def test_a_monthly_figure_across_the_year_end_skips_the_may_bank_holiday(client, plans, users, time_machine, approve):
    pct = kpi_of(plans.cs, PCT)
    Kpi.objects.filter(pk=pct.pk).update(frequency="monthly")
    time_machine.move_to("2027-04-12 12:00:00+00:00", tick=False)
    enter_quarter(client, plans, users, "81", 2026, "M12", approve)  # March 2027, the last month of 2026-27
    # April 2027 (2027-28's first month) ends on a Friday; Monday 3 May is a bank holiday: due 24 May, not 21.
    time_machine.move_to("2027-05-24 12:00:00+00:00", tick=False)
    assert freshness_on(client, pct) == "Latest: March 2027, 1 month ago. Next figure (April 2027) due 24 May 2027"
    time_machine.move_to("2027-05-25 12:00:00+00:00", tick=False)
    assert freshness_on(client, pct) == "Latest: March 2027, 1 month ago Overdue since 24 May 2027"


def test_an_annual_document_figure_is_overdue_a_year_after_its_year(client, plans, time_machine):
    pct = kpi_of(plans.cs, PCT)  # the plan's newest figure: 77.8% latest, 2024-25
    time_machine.move_to("2026-04-23 12:00:00+00:00", tick=False)
    # 2025-26 ends 31 March 2026; Good Friday 3 April and Easter Monday 6 April: due Thursday 23 April 2026.
    assert freshness_on(client, pct) == "Latest: 2024-25, 12 months ago. Next figure (2025-26) due 23 April 2026"
    time_machine.move_to("2026-12-05 12:00:00+00:00", tick=False)
    assert freshness_on(client, pct) == "Latest: 2024-25, 20 months ago Overdue since 23 April 2026"


@pytest.mark.parametrize("who, status", [("viewer", 403), ("other_lead", 403), ("lead", 302)])
def test_only_the_lead_may_enter_a_period_value(client, plans, users, who, status):
    pct = kpi_of(plans.cs, PCT)
    Kpi.objects.filter(pk=pct.pk).update(frequency="quarterly")
    client.force_login(users.lead)
    data = fill(open_form(client, plans.cs), plans.cs, PCT, value="81", year=2026, period="Q2", commentary="ok")
    client.force_login(getattr(users, who))
    assert client.post(update_url(plans.cs), data).status_code == status
    assert KpiValue.objects.filter(source="entry").count() == (1 if status == 302 else 0)


# -- the reporting rules page --------------------------------------------------------------------------------------


def test_a_lead_sets_a_kpis_frequency_and_due_rule(client, plans, users, time_machine):
    time_machine.move_to("2027-01-10 12:00:00+00:00", tick=False)
    pct = kpi_of(plans.cs, PCT)
    client.force_login(users.lead)
    url = reverse("department_reporting", args=[CS])
    data = page_form(client.get(url).content.decode(), "Save reporting rules")
    data |= {f"kpi-{pct.pk}-frequency": "quarterly", f"kpi-{pct.pk}-due_working_days": "0"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert (
        f'<a href="#id_kpi-{pct.pk}-due_working_days">{pct.description} – Due (working days after the period ends): '
        "Enter at least 1 working day</a>" in refused.content.decode()
    )
    assert Kpi.objects.get(pk=pct.pk).frequency == "annual"  # nothing saved
    data[f"kpi-{pct.pk}-due_working_days"] = "5"
    saved = client.post(url, data, follow=True).content.decode()
    assert "Reporting rules saved: 1 measure changed." in saved
    assert (Kpi.objects.get(pk=pct.pk).frequency, Kpi.objects.get(pk=pct.pk).due_working_days) == ("quarterly", 5)
    # The rule drives freshness: after the 2024-25 figure the first quarter due is Q1 2025-26 (ends Monday 30
    # June 2025), 5 working days later: 7 July 2025.
    assert freshness_on(client, pct) == "Latest: 2024-25, 21 months ago Overdue since 7 July 2025"


def test_an_administrator_sets_the_rules_in_the_admin_site_and_a_lead_cannot(client, plans, users):
    pct = kpi_of(plans.cs, PCT)
    url = reverse("admin:kpis_kpi_change", args=[pct.pk])
    users.lead.is_staff = True  # even a lead let into the admin site is refused
    users.lead.save()
    client.force_login(users.lead)
    assert client.get(url).status_code == 403
    assert client.post(url, {"frequency": "monthly", "due_working_days": "20"}).status_code == 403
    assert Kpi.objects.get(pk=pct.pk).frequency == "annual"
    users.admin.is_staff = True  # administrators use the admin site (seed_local_users makes them staff)
    users.admin.save()
    client.force_login(users.admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"frequency": "monthly", "due_working_days": "20"})
    assert response.status_code == 302
    assert (Kpi.objects.get(pk=pct.pk).frequency, Kpi.objects.get(pk=pct.pk).due_working_days) == ("monthly", 20)
