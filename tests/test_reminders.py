"""Issue 16: `manage.py send_reminders` emails each lead what falls due within N days and what is overdue in
the departments they lead, once: a second run the same day sends nothing, and the next day only what is new.
Mail is captured by Django's locmem backend (pytest-django's mailoutbox); the clock is moved (time-machine)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kpis.models import Kpi, Reminder
from tests.test_entry import PCT, fast_passwords, kpi_of, loaded_plans, plans, users  # noqa: F401

SITE = "http://127.0.0.1:8000"


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def pct(plans, users):
    users.lead.email = "lena@example.org"
    users.lead.save()
    kpi = kpi_of(plans.cs, PCT)
    Kpi.objects.filter(pk=kpi.pk).update(frequency="quarterly", due_working_days=15)
    return kpi


def lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("- ")]


def test_each_lead_gets_what_is_overdue_and_due_soon_once(pct, plans, users, mailoutbox, time_machine, settings):
    settings.SITE_URL = SITE
    first = Kpi.objects.filter(plan=plans.cs).exclude(pk=pct.pk).order_by("order")[0].pk
    link = f"{SITE}/departments/childrens-services/update/?plan=cs-2025-29#kpi-{pct.pk}"
    time_machine.move_to("2026-07-21 08:00:00+01:00", tick=False)  # Q1 2026-27 falls due today
    output = run()
    assert [m.to for m in mailoutbox] == [["lena@example.org"]]  # the ETE lead has no address; the admin leads none
    mail = mailoutbox[0]
    # The 16 annual measures' 2025-26 figures (due 23 April 2026), then this quarterly measure's Q1 2026-27 (its
    # Q4 2025-26 is no longer the current or previous quarter).
    assert mail.subject == "Performance figures: 16 overdue and 1 due soon"
    assert len(lines(mail.body)) == 17
    assert lines(mail.body)[0].endswith(": due 23 April 2026. Enter it: " + link.split("#")[0] + f"#kpi-{first}")
    assert f"- {pct.description} (Children's Services), Q1 2026-27: due 21 July 2026. Enter it: {link}" in mail.body
    assert mail.body.index("Overdue:") < mail.body.index("Falling due:") < mail.body.index("Q1 2026-27")
    assert "Sent to lena@example.org: Performance figures: 16 overdue and 1 due soon" in output
    assert "No email address for Eric Lead (eric): Performance figures: 36 overdue; not sent" in output
    assert Reminder.objects.filter(user=users.lead).count() == 17

    # The same day again: nothing new.
    time_machine.move_to("2026-07-21 18:00:00+01:00", tick=False)
    assert "Sent 0 reminders." in run()
    assert len(mailoutbox) == 1

    # The next day Q1 is overdue: that one item is sent again, as overdue, and nothing else.
    time_machine.move_to("2026-07-22 08:00:00+01:00", tick=False)
    run()
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "Performance figures: 1 overdue"
    assert lines(mailoutbox[1].body) == [
        f"- {pct.description} (Children's Services), Q1 2026-27: due 21 July 2026. Enter it: {link}"
    ]
    assert run().endswith("Sent 0 reminders.\n") and len(mailoutbox) == 2


def test_days_sets_how_far_ahead_due_figures_are_sent(pct, mailoutbox, time_machine):
    time_machine.move_to("2026-07-14 08:00:00+01:00", tick=False)  # Q1 falls due in 7 days, on 21 July
    run("--days", "6")
    assert mailoutbox[0].subject == "Performance figures: 16 overdue"
    run()  # default 7 days: now the due item too, and only it
    assert mailoutbox[1].subject == "Performance figures: 1 due soon"
    assert "Q1 2026-27: due 21 July 2026" in mailoutbox[1].body


def test_a_dry_run_sends_and_records_nothing(pct, mailoutbox, time_machine):
    time_machine.move_to("2026-07-21 08:00:00+01:00", tick=False)
    output = run("--dry-run")
    assert "Would send to lena@example.org: Performance figures: 16 overdue and 1 due soon" in output
    assert "Would send 1 reminder." in output
    assert mailoutbox == [] and not Reminder.objects.exists()


def test_a_negative_number_of_days_is_refused(pct):
    with pytest.raises(CommandError, match="--days must be 0 or more, not -1"):
        run("--days", "-1")
