"""Each transcription module reads one plan (its SLUG): the plan is loaded once for the module and removed
after it (tests/conftest.py remove_every_plan); each test gets its own fresh Plan instance, and any write a
test makes is rolled back with its transaction."""

from __future__ import annotations

import pytest

from tests.conftest import fixture_path, remove_every_plan


@pytest.fixture(scope="module")
def _module_plan(request, django_db_setup, django_db_blocker):
    from loader.services import plans_load
    from plans.models import Plan

    with django_db_blocker.unblock():
        plans_load(paths=[fixture_path(request.module.SLUG)])
        pk = Plan.objects.get(slug=request.module.SLUG).pk
    yield pk
    with django_db_blocker.unblock():
        remove_every_plan()


@pytest.fixture
def plan(db, _module_plan):
    from plans.models import Plan

    return Plan.objects.get(pk=_module_plan)
