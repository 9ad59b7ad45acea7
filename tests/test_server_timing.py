"""The Server-Timing header (config.middleware.ServerTimingMiddleware): on with SERVER_TIMING=true, absent by
default; it counts the request's SQL queries without DEBUG; a streamed response is timed to its first byte."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import path

from config.middleware import ServerTimingMiddleware
from perf.timings import server_timing


def three_queries(request):
    from django.http import HttpResponse

    with connection.cursor() as cursor:
        for n in range(3):
            cursor.execute("SELECT %s", [n])
    return HttpResponse("done")


def streamed(request):
    def rows():
        yield "header\n"
        with connection.cursor() as cursor:  # after the first byte: not counted
            cursor.execute("SELECT 1")
        yield "row\n"

    return StreamingHttpResponse(rows(), content_type="text/csv")


urlpatterns = [path("three/", three_queries), path("streamed/", streamed)]


@pytest.fixture
def timing_on(settings):
    settings.SERVER_TIMING = True
    settings.DEBUG = False


@pytest.mark.django_db
def test_it_reports_the_query_count_and_times_when_on(timing_on, settings):
    settings.ROOT_URLCONF = __name__
    response = Client().get("/three/")
    timing = server_timing(response["Server-Timing"])
    assert timing is not None
    assert timing.queries == 3
    assert timing.app_ms >= timing.db_ms >= 0
    assert not timing.streamed


@pytest.mark.django_db
def test_it_counts_the_queries_of_a_real_page(timing_on, django_assert_num_queries):
    # /search/ without a query: the council (the scope) and its departments for the form (search/views.py).
    with django_assert_num_queries(2):
        response = Client().get("/search/")
    assert response.status_code == 200
    assert server_timing(response["Server-Timing"]).queries == 2


@pytest.mark.django_db
def test_it_is_absent_by_default(settings):
    assert settings.SERVER_TIMING is False  # nothing in the test environment turns it on
    response = Client().get("/search/")
    assert response.status_code == 200
    assert "Server-Timing" not in response


@pytest.mark.django_db
def test_it_is_absent_when_turned_off(settings):
    settings.SERVER_TIMING = False
    assert "Server-Timing" not in Client().get("/healthz")


@pytest.mark.django_db
def test_it_times_a_streamed_response_to_its_first_byte(timing_on, settings):
    settings.ROOT_URLCONF = __name__
    response = Client().get("/streamed/")
    header = response["Server-Timing"]
    assert 'desc="streamed, to first byte"' in header
    timing = server_timing(header)
    assert timing.streamed and timing.queries == 0
    assert b"".join(response.streaming_content) == b"header\nrow\n"  # nothing lost by drawing the first chunk


def test_it_is_not_used_when_off(settings):
    from django.core.exceptions import MiddlewareNotUsed

    settings.SERVER_TIMING = False
    with pytest.raises(MiddlewareNotUsed):
        ServerTimingMiddleware(lambda request: None)


@pytest.mark.django_db
def test_it_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_healthz_is_open_when_sign_in_is_required(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
