from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.services import FixtureError, plans_load


class Command(BaseCommand):
    help = "Validate and load plan fixtures (all of fixtures/*.yaml, or the files named) in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Fixture files (default: every plan in fixtures/)")
        parser.add_argument("--dry-run", action="store_true", help="Validate everything, then roll back")

    def handle(self, *args, files: list[Path], dry_run: bool, **options):
        for path in files:
            if not path.exists():
                raise CommandError(f"{path}: no such file")
        try:
            report = plans_load(paths=files or None, dry_run=dry_run)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}")
        verb = "Validated (dry run, nothing written)" if dry_run else "Loaded"
        self.stdout.write(f"{verb} {len(report.plans)} plan(s): {', '.join(report.plans)}")
        for name, n in sorted(report.counts.items()):
            self.stdout.write(f"  {name}: {n}")
