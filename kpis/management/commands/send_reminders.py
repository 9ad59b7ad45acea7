"""manage.py send_reminders [--days N] [--dry-run]: run daily (README, "The reporting round")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kpis.reminders import reminders_send


class Command(BaseCommand):
    help = "Email each performance lead the figures falling due within N days and those overdue (once each)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Remind of figures due within this many days (7)")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send and record nothing")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < 0:
            raise CommandError(f"--days must be 0 or more, not {days}")
        outcome = reminders_send(today=timezone.localdate(), days=days, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for mail in outcome.mails:
            self.stdout.write(f"{verb} to {mail.user.email}: {mail.subject}")
        for mail in outcome.no_email:
            who = mail.user.get_full_name() or mail.user.get_username()
            self.stdout.write(f"No email address for {who} ({mail.user.get_username()}): {mail.subject}; not sent")
        self.stdout.write(f"{verb} {len(outcome.mails)} reminder{'s' if len(outcome.mails) != 1 else ''}.")
