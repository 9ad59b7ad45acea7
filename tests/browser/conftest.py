"""Browser-test helpers: seeded data, a page that records console errors and failed requests, axe."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG22AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Every WCAG 2.2 A/AA rule runs; only violations are gathered with their nodes (axe's resultTypes: the passes
# of a page with a thousand table cells took most of its time, and nothing reads them).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG22AA}, "resultTypes": ["violations"]}


def _clear_entries() -> None:
    """Remove what browser tests write (entries, updates, benchmarks, closed years, accounts)."""
    from axes.models import AccessAttempt
    from django.contrib.auth.models import User
    from django.core.cache import cache

    from accounts.models import DirectoryAccount, GroupRole, SignInEvent
    from kpis.models import Benchmark, Kpi, KpiValue
    from kpis.services import kpis_assess
    from plans.models import ClosedPeriod, DeliverableUpdate, Role

    # The KPIs whose stored status an approved entry or a benchmark moved are assessed again without them.
    touched = set(KpiValue.objects.filter(source="entry").values_list("kpi_id", flat=True))
    touched |= set(Benchmark.objects.values_list("kpi_id", flat=True))
    KpiValue.objects.filter(source="entry").delete()
    Benchmark.objects.all().delete()
    kpis_assess(kpis=Kpi.objects.filter(pk__in=touched))
    DeliverableUpdate.objects.all().delete()
    ClosedPeriod.objects.all().delete()
    Role.objects.all().delete()
    User.objects.all().delete()
    AccessAttempt.objects.all().delete()  # sign-in throttling (django-axes counts failures in the database)
    # Single sign-on: the sign-in audit, the directory's accounts and the group mapping a test set up.
    SignInEvent.objects.all().delete()
    DirectoryAccount.objects.all().delete()
    GroupRole.objects.all().delete()
    cache.clear()


@pytest.fixture(autouse=True)
def _live_server_helper():
    """Replaces pytest-django's helper, which would wrap every browser test in transactional_db and so
    empty the database after each one. Browser tests share one server and one load of the seed data
    (the `live_server` below); what a test writes is removed after it by `seeded`."""
    yield


@pytest.fixture(scope="package")
def live_server(django_db_setup, django_db_blocker):
    """One live server for all browser tests, on the test database with every plan loaded once."""
    from pytest_django.live_server_helper import LiveServer

    from kpis.models import Measure
    from loader.services import plans_load
    from plans.models import Council, Department, Plan

    with django_db_blocker.unblock():
        plans_load()
        server = LiveServer("localhost")
        yield server
        server.stop()
        _clear_entries()
        Plan.objects.all().delete()
        Measure.objects.all().delete()
        Department.objects.all().delete()
        Council.objects.all().delete()


@pytest.fixture
def seeded(live_server):
    """The seed data, as loaded for the package; anything a test enters is removed afterwards."""
    yield
    _clear_entries()


@pytest.fixture
def watched_page(page: Page):
    """`page`, recording console errors, failed requests and HTTP errors in `page.problems`."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # A request the browser itself cancels because the test navigated on (net::ERR_ABORTED) is not a failure.
    page.on(
        "requestfailed",
        lambda req: (
            problems.append(f"failed request: {req.url} ({req.failure})")
            if "ERR_ABORTED" not in (req.failure or "")
            else None
        ),
    )
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None)
    # Content Security Policy violations are reported to the page as events: record every one.
    page.expose_function("reportCspViolation", lambda text: problems.append(f"CSP violation: {text}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "window.reportCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')))"
    )
    page.problems = problems
    return page


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 AA violation on the page as it is now."""
    result = Axe().run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, result.generate_report()
