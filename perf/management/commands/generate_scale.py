"""manage.py generate_scale --councils 100 [--departments 8 --years 10 --seed 1] [--replace]"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from perf.synthetic import SyntheticRefused, synthetic_generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic installation for the scale benchmark (councils syn-001..., marked synthetic) in "
        "one transaction. Refuses a database that holds real councils: use its own database, e.g. "
        "LOCAL_DATABASE_NAME=app_scale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--councils", type=int, required=True)
        parser.add_argument("--departments", type=int, default=8)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--kpis", type=int, default=60, help="KPIs per plan (default 60)")
        parser.add_argument("--deliverables", type=int, default=40, help="Deliverables per plan (default 40)")
        parser.add_argument("--procurement", type=int, default=80, help="Procurement entries per plan (default 80)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic councils already held, then generate (one transaction)",
        )

    def handle(
        self,
        *args: Any,
        councils: int,
        departments: int,
        years: int,
        seed: int,
        kpis: int,
        deliverables: int,
        procurement: int,
        replace: bool,
        **options: Any,
    ) -> None:
        started = time.perf_counter()
        try:
            counts = synthetic_generate(
                councils=councils,
                departments=departments,
                years=years,
                seed=seed,
                kpis=kpis,
                deliverables=deliverables,
                procurement=procurement,
                replace=replace,
                stdout=self.stdout,
            )
        except SyntheticRefused as exc:
            raise CommandError(f"Nothing was written. {exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        self.stdout.write(
            f"Generated in {time.perf_counter() - started:.1f}s (seed {seed}); database "
            f"{connection.settings_dict['NAME']} is now {size}:"
        )
        for name, n in counts.items():
            self.stdout.write(f"  {name}: {n:,}")
