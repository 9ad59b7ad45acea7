"""manage.py soak: minutes of concurrent reads and writes against gunicorn (README, "Performance"; logic in
perf/soak.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from perf import bench_report, loadtest, soak


class Command(BaseCommand):
    help = (
        "Serve the current database with gunicorn (2 workers) and run concurrent clients doing mixed reads "
        "of every page type and writes through the real forms; pass = no error, no lost write, worker RSS "
        f"growth under {soak.RSS_GROWTH_LIMIT_MB:g} MB after warm-up, at least {soak.MIN_RPS:g} requests/s "
        f"with p95 under {soak.P95_MS:g} ms. Exits non-zero otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=float, default=10)
        parser.add_argument("--clients", type=int, default=6)
        parser.add_argument("--warmup", type=float, help="seconds before the RSS baseline (default min(60, 1/5))")
        parser.add_argument("--json", help="where to write the report (default soak.json)")
        parser.add_argument(
            "--docs",
            help="also write the figures into this markdown file, between the markers "
            "<!-- bench:soak --> and <!-- /bench:soak --> (make soak: "
            "docs/performance.md)",
        )
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="recreate this (app_soak*) database first: migrate, load_plans, seed_local_users",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["minutes"] <= 0 or options["clients"] < 1:
            raise CommandError("--minutes must be positive and --clients at least 1")
        if options["prepare"]:
            name = settings.DATABASES["default"]["NAME"]
            self.stdout.write(f"Fresh database {name}: migrate, load_plans, seed_local_users")
            loadtest.recreate_database(name)
            loadtest.run_manage("migrate", "--noinput")
            loadtest.run_manage("load_plans")
            loadtest.run_manage("seed_local_users")
        report = soak.soak_run(
            minutes=options["minutes"],
            clients=options["clients"],
            warmup_seconds=options["warmup"],
            log=self.stdout.write,
        )
        path = Path(options["json"]) if options["json"] else settings.BASE_DIR / "soak.json"
        bench_report.write_json(report, path)
        self.stdout.write("\n" + soak.soak_summary(report) + f"\n\nWritten to {path}")
        if options["docs"]:
            bench_report.write_block(Path(options["docs"]), "soak", bench_report.soak_markdown(report))
            self.stdout.write(f"Figures written into {options['docs']} (block bench:soak)")
        if report["missed"]:
            self.stderr.write(self.style.ERROR("TARGETS MISSED: " + "; ".join(report["missed"])))
        if report["problems"]:
            if report["errors"]:
                self.stderr.write("First errors:\n  " + "\n  ".join(report["errors"][:10]))
            self.stderr.write(self.style.ERROR("SOAK FAILED:\n  " + "\n  ".join(report["problems"])))
            raise CommandError("soak failed (see above and " + str(path) + ")")
        if report["missed"]:
            raise CommandError(f"{len(report['missed'])} target(s) missed (see above and {path})")
        self.stdout.write(self.style.SUCCESS("Soak passed: no errors, no lost writes, memory flat, targets met."))
