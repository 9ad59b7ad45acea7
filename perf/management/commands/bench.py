"""manage.py bench: the performance benchmark (README, "Performance"; logic in perf/bench.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from perf import bench, bench_report, loadtest
from plans.models import Council


class Command(BaseCommand):
    help = (
        "Serve the current database with gunicorn (2 workers, loopback, DEBUG off, Server-Timing on) and "
        "measure every page type: queries, p50/p95 server time over --requests sequential requests, and "
        "requests/s under wrk beside the trivial view. Exits non-zero when a target is missed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", action="store_true", help="scale targets (p95 < 250 ms) and bench-scale.json")
        parser.add_argument("--requests", type=int, default=200, help="sequential requests per page (default 200)")
        parser.add_argument("--warmup", type=int, default=5, help="requests per page before measuring (default 5)")
        parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page (default 10)")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=300,
            help="seconds of sequential requests per page before it is stopped and failed",
        )
        parser.add_argument("--json", help="where to write the report (default bench.json / bench-scale.json)")
        parser.add_argument(
            "--docs",
            help="also write the tables into this markdown file, between the markers "
            "<!-- bench:seed --> (or bench:scale) and <!-- /bench:seed -->, "
            "keeping the rest (make bench: docs/performance.md)",
        )
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="seed: recreate this (app_bench*) database, migrate, time load_plans, seed users; "
            "--scale: migrate and generate the synthetic installation unless complete",
        )
        parser.add_argument("--councils", type=int, default=100, help="--scale --prepare: councils to generate")
        parser.add_argument("--regenerate", action="store_true", help="--scale --prepare: generate even if complete")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requests"] < 1 or options["duration"] < 1:
            raise CommandError("--requests and --duration must be at least 1")
        timings: dict[str, float] = {}
        if options["prepare"]:
            timings = self.prepare_scale(options) if options["scale"] else self.prepare_seed()
        report = bench.bench_run(
            scale=options["scale"],
            requests=options["requests"],
            duration=options["duration"],
            warmup=options["warmup"],
            time_limit=options["time_limit"],
            timings=timings,
            log=self.stdout.write,
        )
        default = "bench-scale.json" if options["scale"] else "bench.json"
        path = Path(options["json"]) if options["json"] else settings.BASE_DIR / default
        bench_report.write_json(report, path)
        self.stdout.write(
            "\n"
            + bench_report.summary_table(report)
            + "\n\n"
            + bench_report.uncached_lines(report)
            + f"\n\nWritten to {path}"
        )
        if options["docs"]:
            bench_report.write_block(Path(options["docs"]), report["mode"], bench_report.bench_markdown(report))
            self.stdout.write(f"Tables written into {options['docs']} (block bench:{report['mode']})")
        if report["missed"]:
            self.stderr.write(self.style.ERROR("TARGETS MISSED:\n  " + "\n  ".join(report["missed"])))
            raise CommandError(f"{len(report['missed'])} target(s) missed (see above and {path})")
        self.stdout.write(self.style.SUCCESS("Every target met."))

    def prepare_seed(self) -> dict[str, float]:
        name = settings.DATABASES["default"]["NAME"]
        self.stdout.write(f"Fresh database {name}: migrate, load_plans (timed), seed_local_users")
        loadtest.recreate_database(name)
        loadtest.run_manage("migrate", "--noinput")
        seconds = loadtest.run_manage("load_plans")
        loadtest.run_manage("seed_local_users")
        self.stdout.write(f"  manage.py load_plans into a fresh database: {seconds:.1f} s")
        return {"load_plans_seconds": round(seconds, 2)}

    def prepare_scale(self, options: dict[str, Any]) -> dict[str, float]:
        name = settings.DATABASES["default"]["NAME"]
        if os.environ.get("DATABASE_URL") or name == "app":
            raise CommandError("The scale installation lives in its own database: LOCAL_DATABASE_NAME=app_scale")
        loadtest.run_manage("migrate", "--noinput")
        if Council.objects.filter(is_synthetic=False).exists():
            raise CommandError(
                f"Database {name} holds real councils: the synthetic installation needs its own "
                "database (LOCAL_DATABASE_NAME=app_scale)"
            )
        synthetic = Council.objects.filter(is_synthetic=True)
        # generate_scale writes everything in one transaction, so the councils all being there means complete.
        complete = synthetic.count() == options["councils"] and not synthetic.filter(departments__isnull=True).exists()
        if complete and not options["regenerate"]:
            self.stdout.write(
                f"{name} already holds {options['councils']} synthetic councils: not regenerating "
                "(REGENERATE=1 forces it)"
            )
            return {}
        self.stdout.write(f"Generating {options['councils']} synthetic councils into {name}")
        args = ["generate_scale", "--councils", str(options["councils"])]
        if synthetic.exists():
            args.append("--replace")
        seconds = loadtest.run_manage(*args)
        self.stdout.write(f"  manage.py generate_scale --councils {options['councils']}: {seconds:.1f} s")
        return {"generate_scale_seconds": round(seconds, 2)}
