"""Property-based tests from the OpenAPI document (schemathesis): for every operation, requests generated from
its parameters never meet a server error, and every answer matches the schema it documents (status code, content
type, body). Bounded to a few examples per operation so it runs in well under a minute."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.api import api

pytestmark = pytest.mark.django_db


# The document /api/v1/openapi.json serves, built here (no database needed at collection); requests go to the
# project's WSGI application in this process, on the test database. (schemathesis.pytest.from_fixture, which would
# load it through a fixture, fails under pytest 9.)
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(path_params={}))))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _every_plan_and_no_rate_limit(all_plans, settings):
    settings.API_RATE_LIMIT = "100000/m"
    cache.clear()
    # Django closes the database connection at the end of each request; the test database lives in this test's
    # transaction on that connection, so keep it open, as Django's own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# Generated cases only (schemathesis's coverage phase, an explicit phase, would add dozens per operation).
@settings(max_examples=6, phases=[Phase.generate], deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_documented_promises(case):
    case.call_and_validate(
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
