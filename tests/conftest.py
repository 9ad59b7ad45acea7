"""Shared test set-up: the embedded PostgreSQL (settings start it), plan loading, browser launch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
        "chromium_sandbox": False,
    }


@pytest.fixture(scope="session", autouse=True)
def _no_page_cache():
    """Each test's writes roll back with its transaction, and the data versions the database moved with them, so
    a page cached in one test could be served at the same version in the next with other data: whole-page
    caching is off here; tests/test_page_cache.py and tests/test_cache_versions.py turn it on to test it."""
    settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _plain_staticfiles_storage(settings):
    """Tests run with DEBUG off; serve unhashed static names so no collectstatic is needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def fixture_path(slug: str) -> Path:
    return settings.FIXTURES_DIR / f"{slug}.yaml"


@pytest.fixture
def load_plan(db):
    """Load one plan fixture by slug and return the Plan."""
    from loader.services import plans_load
    from plans.models import Plan

    def load(slug: str) -> Plan:
        plans_load(paths=[fixture_path(slug)])
        return Plan.objects.get(slug=slug)

    return load


@pytest.fixture(scope="module")
def all_plans(django_db_setup, django_db_blocker):
    """Every fixture loaded once for a module of read-only tests, and removed afterwards so that tests
    elsewhere start from an empty database."""
    from loader.services import plans_load

    with django_db_blocker.unblock():
        report = plans_load()
    yield report
    with django_db_blocker.unblock():
        remove_every_plan()


def remove_every_plan() -> None:
    """What a module-scoped load leaves behind, gone: tests elsewhere start from an empty database."""
    from kpis.models import Measure
    from plans.models import Council, Department, Plan

    Plan.objects.all().delete()
    Measure.objects.all().delete()
    Department.objects.all().delete()
    Council.objects.all().delete()


@pytest.fixture
def approve(db):
    """Approve entered figures as an approver of their department would (issue 16: an entered figure waits for
    sign-off before any public page, dashboard or download shows it). approve() approves every entry awaiting
    approval; approve(queryset) those of the queryset. The approver is a user of its own, never the entrant."""
    from django.contrib.auth import get_user_model

    from kpis.approvals import entries_decide
    from kpis.models import KpiValue
    from plans.models import Role

    def approve_(values=None) -> int:
        awaiting = KpiValue.objects.filter(source="entry", approval=KpiValue.Approval.AWAITING)
        if values is not None:
            awaiting = awaiting.filter(pk__in=values.values("pk"))
        by_department: dict = {}
        for value in awaiting.select_related("kpi__plan__department"):
            by_department.setdefault(value.kpi.plan.department, []).append(value.pk)
        for department, ids in by_department.items():
            approver, _ = get_user_model().objects.get_or_create(username=f"approver-of-{department.slug}")
            Role.objects.get_or_create(user=approver, kind=Role.Kind.APPROVER, department=department)
            entries_decide(department=department, ids=ids, approve=True, reason="", by=approver)
        return sum(len(ids) for ids in by_department.values())

    return approve_
