from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loader.services import FixtureError, plans_load, plans_load_if_changed


class Command(BaseCommand):
    help = (
        "Validate and load plan fixtures (all of fixtures/*.yaml, or the files named) in one transaction. "
        "Loading all of them is skipped when nothing they depend on changed since the last load (--force loads)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Fixture files (default: every plan in fixtures/)")
        parser.add_argument("--dry-run", action="store_true", help="Validate everything, then roll back")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when the fixtures, sources and loader are unchanged since the last load",
        )

    def handle(self, *args, files: list[Path], dry_run: bool, force: bool, **options):
        for path in files:
            if not path.exists():
                raise CommandError(f"{path}: no such file")
        try:
            if files or dry_run:
                report = plans_load(paths=files or None, dry_run=dry_run)
            else:
                loaded, fingerprint = plans_load_if_changed(force=force)
                if loaded is None:
                    self.stdout.write(
                        f"Fixtures unchanged since the last load (fingerprint {fingerprint[:12]}): "
                        "not reloaded (load_plans --force reloads)"
                    )
                    return
                report = loaded
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        verb = "Validated (dry run, nothing written)" if dry_run else "Loaded"
        self.stdout.write(f"{verb} {len(report.plans)} plan(s): {', '.join(report.plans)}")
        for name, n in sorted(report.counts.items()):
            self.stdout.write(f"  {name}: {n}")
        for notice in report.notices:
            self.stdout.write(self.style.WARNING(f"Check: {notice}"))
