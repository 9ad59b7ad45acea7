"""Production settings refuse to start without what they need; every response carries the security headers;
error pages are the product's own."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

PYTHON = sys.executable


def run_check(env: dict, *args: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PRODUCTION", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [PYTHON, "manage.py", "check", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def production_env() -> dict:
    db = settings.DATABASES["default"]
    return {
        "PRODUCTION": "true",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "plans.example.gov.uk",
        "DATABASE_URL": f"postgresql://{db['USER']}@localhost:{db['PORT']}/{db['NAME']}",
    }


def test_production_refuses_to_start_without_its_settings():
    result = run_check({"PRODUCTION": "true"})
    assert result.returncode != 0
    assert "PRODUCTION=true needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL in the environment" in result.stderr


def test_production_refuses_a_weak_secret_key_and_debug():
    assert "SECRET_KEY must be at least 50" in run_check({**production_env(), "SECRET_KEY": "short"}).stderr
    assert "DEBUG must be off" in run_check({**production_env(), "DEBUG": "true"}).stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run_check(production_env(), "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_errors_are_shown_in_the_products_design_without_a_stack_trace(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "Page not found" in page and "Traceback" not in page
    assert "Derbyshire County Council" in page


@pytest.mark.django_db
def test_a_server_error_page_has_no_stack_trace(client, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internals")

    import config.urls

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom/", boom), *config.urls.urlpatterns]})
    client.raise_request_exception = False
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in page
    assert "secret internals" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_a_csrf_failure_is_explained(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403 and "Nothing was saved" in response.content.decode()


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_where_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production
    assert client.get(reverse("healthz")).status_code == 200
    page = client.get(reverse("home"))
    assert page.status_code == 301 and page["Location"].startswith("https://")
