import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.backups import BackupError, database_backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database (pg_dump custom format) to backups/ or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path)

    def handle(self, *args, output, **options):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        output = output or settings.BASE_DIR / "backups" / f"{settings.DATABASES['default']['NAME']}-{stamp}.dump"
        try:
            path = database_backup(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size // 1024} KB)")
