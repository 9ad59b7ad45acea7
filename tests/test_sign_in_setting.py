"""Reading is open by default (the plans are published documents); REQUIRE_SIGN_IN closes every page."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_open_by_default(client):
    assert client.get(reverse("home")).status_code == 200


def test_the_setting_requires_sign_in_for_everything(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    for url in (reverse("home"), reverse("kpi_list"), reverse("department", args=["childrens-services"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
    assert client.get(reverse("login")).status_code == 200
    User.objects.create_user("reader", password="a-long-test-password")
    # Through the sign-in page, as a reader would (django-axes refuses Client.login(): it has no request to count).
    response = client.post(reverse("login"), {"username": "reader", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
