from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.backups import BackupError, database_restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty (or new) database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", help="Database to restore into (default: the configured one)")

    def handle(self, *args, file, database, **options):
        target = database or settings.DATABASES["default"]["NAME"]
        try:
            database_restore(source=file, database=target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {file} into database {target}")
