"""Whether the plan fixtures need loading again.

A full load (loader.services.plans_load) records a fingerprint of everything that decides what it writes: every
fixture file's bytes, the source documents it reads, the code that parses and writes them, and the migrations
applied to the database. `make run` skips the load when the database holds the same fingerprint, so a second
start takes seconds, and loads again after any of them changes (a deploy that changes the loader reloads).
The fingerprint lives in the database it describes: another database, or this one dropped and recreated,
has none and loads.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from plans.models import LoadFingerprint, Plan

# The modules a load runs to validate, parse and write (and the models whose save() and querysets it calls).
# A module added to the loader belongs here; a view or template does not (it changes no stored row).
LOADER_MODULES = (
    "loader.services",
    "loader.schema",
    "loader.reader",
    "loader.plans",
    "loader.deliverables",
    "loader.budgets",
    "loader.budget_tables",
    "loader.kpis",
    "loader.procurement",
    "loader.matching",
    "loader.fingerprint",
    "plans.parsing",
    "plans.parsing.printed",
    "plans.parsing.values",
    "plans.models",
    "plans.models.sourced",
    "plans.models.organisation",
    "plans.models.contents",
    "plans.models.delivery",
    "plans.models.access",
    "plans.models.versions",
    "kpis.models",
    "kpis.signoff",
    "kpis.doubts",
    "kpis.reminder_log",
    "kpis.benchmarks",
    "kpis.services",
    "kpis.assessment",
    "kpis.periods",
    "kpis.selectors",
    "budgets.models",
    "procurement.models",
)


def _module_file(name: str) -> Path:
    path = importlib.import_module(name).__file__
    if path is None:  # a namespace package has no file: every loader module is a plain module or package
        raise ValueError(f"{name} has no source file to fingerprint")
    return Path(path)


def loader_files() -> list[Path]:
    return [_module_file(name) for name in LOADER_MODULES]


def fixtures_fingerprint() -> str:
    """A SHA-256 over the fixture files, the source documents, the loader's code and the applied migrations.
    Each part is hashed with its name and length, so moving bytes from one file to another changes it."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    fixtures = Path(settings.FIXTURES_DIR)
    for path in sorted(fixtures.glob("*.yaml")):
        add(f"fixture {path.name}", path.read_bytes())
    sources = Path(settings.SOURCE_DOCUMENTS_DIR)
    for path in sorted(p for p in sources.rglob("*") if p.is_file()):
        add(f"source {path.relative_to(sources)}", path.read_bytes())
    for path in loader_files():
        add(f"code {path.name}", path.read_bytes())
    applied = sorted(MigrationRecorder(connection).applied_migrations())
    add("migrations", "\n".join(f"{app}.{name}" for app, name in applied).encode())
    return digest.hexdigest()


def fingerprint_matches(fingerprint: str) -> bool:
    """The last full load read exactly this, and every plan it wrote is still there. 2 queries."""
    last = LoadFingerprint.objects.filter(pk=1).first()
    if last is None or last.fingerprint != fingerprint:
        return False
    return Plan.objects.filter(slug__in=last.plans).count() == len(last.plans)


def fingerprint_record(*, fingerprint: str, plans: list[str]) -> None:
    LoadFingerprint.objects.update_or_create(pk=1, defaults={"fingerprint": fingerprint, "plans": plans})


def fingerprint_forget() -> None:
    """After a partial load (some files, perhaps from elsewhere) the database no longer matches any full load."""
    LoadFingerprint.objects.filter(pk=1).delete()
