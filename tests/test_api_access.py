"""Who may read the API: anyone while the site is open; with REQUIRE_SIGN_IN a service token (made and revoked by
administrators in the admin site, stored as a digest) or a session; everyone rate-limited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from api.models import ServiceToken, token_digest

pytestmark = pytest.mark.django_db

URL = "/api/v1/councils"
LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware"


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def closed(settings):
    """REQUIRE_SIGN_IN=true, as config/settings.py makes it: the setting and the sign-in middleware."""
    settings.REQUIRE_SIGN_IN = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[:-1], LOGIN_REQUIRED, settings.MIDDLEWARE[-1]]
    return settings


@pytest.fixture
def admin_user():
    return User.objects.create_superuser("ada", password="a-long-test-password")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_it_is_open_like_the_pages_by_default(client):
    assert client.get(URL).status_code == 200


def test_with_sign_in_required_it_needs_a_token_and_never_redirects(client, closed, admin_user):
    refused = client.get(URL)
    assert refused.status_code == 401 and refused.json() == {"detail": "Unauthorized"}
    assert client.get(URL, headers=bearer("spd_made-up")).status_code == 401
    item, token = ServiceToken.issue(name="Power BI", created_by=admin_user)
    assert item.last_used_at is None
    allowed = client.get(URL, headers=bearer(token))
    assert allowed.status_code == 200 and "private" in allowed["Cache-Control"]
    item.refresh_from_db()
    assert item.last_used_at is not None
    # The download linked from the KPI page works for a signed-in reader too.
    client.post("/accounts/login/", {"username": "ada", "password": "a-long-test-password"})
    assert client.get("/api/v1/kpi-figures.csv").status_code == 200


def test_a_revoked_token_is_refused(client, closed, admin_user):
    item, token = ServiceToken.issue(name="Warehouse", created_by=admin_user)
    assert client.get(URL, headers=bearer(token)).status_code == 200
    item.revoke()
    assert client.get(URL, headers=bearer(token)).status_code == 401


def test_the_page_cache_never_serves_a_token_readers_answer_to_someone_without_one(client, closed, admin_user):
    closed.PAGE_CACHE = True
    _, token = ServiceToken.issue(name="Power BI", created_by=admin_user)
    assert client.get(URL, headers=bearer(token)).status_code == 200
    assert client.get(URL).status_code == 401


def test_an_administrator_makes_a_token_shown_once_and_stored_as_a_digest(client, admin_user):
    client.post("/accounts/login/", {"username": "ada", "password": "a-long-test-password"})
    response = client.post("/admin/api/servicetoken/add/", {"name": "Power BI: performance team"}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    item = ServiceToken.objects.get()
    token = next(word for message in shown for word in message.split() if word.startswith("spd_"))
    assert item.digest == token_digest(token) and token not in (item.digest, item.prefix)
    assert token.startswith(item.prefix) and item.created_by == admin_user
    page = client.get(f"/admin/api/servicetoken/{item.pk}/change/").content.decode()
    assert token not in page  # shown once, never again
    client.post(
        "/admin/api/servicetoken/",
        {"action": "revoke", "_selected_action": [item.pk]},
    )
    item.refresh_from_db()
    assert item.revoked_at is not None


def test_it_answers_429_with_retry_after_over_the_rate(client, settings):
    settings.API_RATE_LIMIT = "3/m"
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    over = client.get(URL)
    assert over.status_code == 429 and 0 < int(over["Retry-After"]) <= 60
    assert over.json() == {"detail": "Too many requests."}
