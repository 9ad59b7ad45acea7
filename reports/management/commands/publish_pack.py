"""Publish a cabinet report pack from a script: manage.py publish_pack --period "Q2 2025-26" --meeting 2025-12-11
--by admin.local [--council derbyshire]."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plans.selectors import councils_in_order
from reports.services import PublishError, pack_publish, user_can_publish


class Command(BaseCommand):
    help = "Publish a cabinet report pack: the overview and each department's summary, frozen as they stand now."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="The reporting period, for example 'Q2 2025-26'")
        parser.add_argument("--meeting", required=True, help="The cabinet meeting date, YYYY-MM-DD")
        parser.add_argument("--by", required=True, help="The username of the administrator or approver publishing")
        parser.add_argument("--council", default="", help="The council's slug (default: the first real council)")

    def handle(self, *args, **options) -> None:
        try:
            meeting = dt.date.fromisoformat(options["meeting"])
        except ValueError:
            raise CommandError(f"--meeting: give the date as YYYY-MM-DD, not {options['meeting']!r}") from None
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"--by: no user named {options['by']!r}")
        councils = councils_in_order()
        council = next((c for c in councils if c.slug == options["council"]), None) if options["council"] else None
        if council is None and options["council"]:
            raise CommandError(f"--council: no council {options['council']!r}")
        council = council or (councils[0] if councils else None)
        if council is None:
            raise CommandError("No council is loaded: run manage.py load_plans first")
        if not user_can_publish(user, council):
            raise CommandError(f"{user.get_username()} may not publish report packs (administrators and approvers do)")
        try:
            pack = pack_publish(council=council, period=options["period"], meeting_date=meeting, by=user)
        except PublishError as e:
            raise CommandError(f"--{e.field}: {e}") from None
        self.stdout.write(f"Published “{pack.title}”: /reports/{pack.slug}/")
