"""`make run`'s set-up in one process: each separate manage.py command paid Django's start-up and its system
checks again, and together they took longer than serving. Every step is skipped when it has nothing to do,
and with --serve the same process goes on to be runserver's autoreloader, so a second `make run` with
nothing changed serves in a couple of seconds."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import autoreload

STATIC_STAMP = ".collected-from"  # in STATIC_ROOT: what the collected files were collected from


def static_sources_fingerprint() -> str:
    """Every static file the finders would collect, by path, size and modification time, and the storage that
    collects them (hashing the contents of plotly.js on every start would cost more than it saves)."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    found = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            found.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for line in sorted(found):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Migrate when a migration is unapplied, load the fixtures when they changed, create the local "
        "accounts (embedded database only) and collect static files when they changed: make run's set-up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--serve", metavar="ADDRPORT", help="Then run the development server on ADDRPORT")

    def handle(self, *args, serve: str | None, **options):
        # runserver's autoreloader runs this command again, in the child that serves (and after each code
        # change), with RUN_MAIN set: the set-up is done by then.
        if os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) != "true":
            self.prepare()
        if serve:
            call_command("runserver", serve)  # the checks ran when this command started

    def prepare(self) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, stdout=self.stdout)
        else:
            self.stdout.write("Migrations: all applied")
        call_command("load_plans", stdout=self.stdout)
        if not os.environ.get("DATABASE_URL"):
            call_command("seed_local_users", stdout=self.stdout)
        root = Path(settings.STATIC_ROOT)
        stamp = root / STATIC_STAMP
        sources = static_sources_fingerprint()
        manifest = root / "staticfiles.json"
        needs_manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
        if stamp.exists() and stamp.read_text() == sources and (manifest.exists() or not needs_manifest):
            self.stdout.write("Static files unchanged since they were collected: not collected again")
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(sources)
        self.stdout.write(f"Static files collected into {root}")
