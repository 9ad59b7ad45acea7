"""Reminder emails (issue 16): each lead gets one email listing, for the departments they lead, the figures
that fall due within N days and those overdue (kpis/reporting.py says which), each with its due date and the
link to enter it. Every item sent is recorded (kpis.reminder_log.Reminder), so a second run the same day sends
nothing again, and an item that turns overdue after its "due" reminder is sent once more, as overdue.

Leads without an email address are returned, for the command to list. Sent through Django's email backend
(config/settings.py: SMTP in production, files under .mail/ on the embedded set-up)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction

from kpis import reporting
from kpis.models import Reminder
from plans.models import Department, Role


@dataclass
class Mail:
    """One lead's reminder: the items not yet sent to them."""

    user: User
    items: list[reporting.Item]

    @property
    def overdue(self) -> list[reporting.Item]:
        return [i for i in self.items if i.state == reporting.OVERDUE]

    @property
    def due(self) -> list[reporting.Item]:
        return [i for i in self.items if i.state == reporting.DUE]

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.due:
            parts.append(f"{len(self.due)} due soon")
        return f"Performance figures: {' and '.join(parts)}"

    @property
    def body(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        lines = [f"Dear {name},", ""]
        for title, group in (("Overdue", self.overdue), ("Falling due", self.due)):
            if group:
                lines.append(f"{title}:")
                for item in group:
                    lines.append(
                        f"- {item.kpi.description} ({item.department.name}), {item.period.label}: "
                        f"due {item.due_words}. Enter it: {settings.SITE_URL}{item.entry_url}"
                    )
                lines.append("")
        lines.append(f"Everything due from you: {settings.SITE_URL}/my-updates/")
        return "\n".join(lines) + "\n"


@dataclass
class Outcome:
    mails: list[Mail] = field(default_factory=list)  # sent (or, on a dry run, that would be sent)
    no_email: list[Mail] = field(default_factory=list)  # leads with something to hear but no address


def _wanted(*, today: dt.date, days: int) -> dict[int, list[reporting.Item]]:
    """Per department: the items overdue, or due within `days` days."""
    horizon = today + dt.timedelta(days=days)
    found: dict[int, list[reporting.Item]] = {}
    for item in reporting.items(departments=Department.objects.all(), today=today):
        if item.state == reporting.OVERDUE or (item.state == reporting.DUE and item.due <= horizon):
            found.setdefault(item.department.pk, []).append(item)
    return found


def _key(item: reporting.Item) -> tuple[int, int, str, str]:
    return item.kpi.pk, item.period.year, item.period.code, item.state


def reminders_send(*, today: dt.date, days: int = 7, dry_run: bool = False) -> Outcome:
    """Email each lead what they have not been told yet; record it (unless a dry run). A fixed number of
    queries before the sending."""
    wanted = _wanted(today=today, days=days)
    roles = Role.objects.filter(kind=Role.Kind.LEAD, department_id__in=wanted).select_related("user")
    by_user: dict[int, tuple[User, list[reporting.Item]]] = {}
    for role in roles.order_by("user__username", "department__name"):
        assert role.department_id is not None  # a lead's role always names its department
        by_user.setdefault(role.user_id, (role.user, []))[1].extend(wanted[role.department_id])
    sent = {
        (r.user_id, r.kpi_id, r.year, r.period, r.kind)
        for r in Reminder.objects.filter(user_id__in=by_user, kpi_id__in={i.kpi.pk for v in wanted.values() for i in v})
    }
    outcome = Outcome()
    for user_id, (user, items) in by_user.items():
        new = sorted((i for i in items if (user_id, *_key(i)) not in sent), key=lambda i: i.sort_key)
        if not new:
            continue
        mail = Mail(user, new)
        if not user.email:
            outcome.no_email.append(mail)
            continue
        outcome.mails.append(mail)
        if dry_run:
            continue
        # Recorded in the same transaction as the sending: a failed send records nothing, so it is tried again.
        with transaction.atomic():
            Reminder.objects.bulk_create(
                [Reminder(user=user, kpi=i.kpi, year=i.period.year, period=i.period.code, kind=i.state) for i in new]
            )
            send_mail(mail.subject, mail.body, None, [user.email])
    return outcome
