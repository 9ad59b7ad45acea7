"""The session and user reads of every signed-in request (Django's database sessions and model backend) keep
Django's rules: an expired, unknown or deleted session is no session; a deactivated user, or one whose password
changed, is signed out."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def reader(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = django_user_model.objects.create_user("rita", password=PASSWORD, first_name="Rita", last_name="Reader")
    client = Client()
    response = client.post(reverse("login"), {"username": "rita", "password": PASSWORD})
    assert response.status_code == 302
    return user, client


def signed_in(client) -> bool:
    return "Rita" in client.get(reverse("accessibility")).content.decode()


def test_a_signed_in_user_is_recognised_on_the_next_request(reader):
    _, client = reader
    assert signed_in(client)


def test_an_expired_or_deleted_session_is_no_session(reader):
    _, client = reader
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert not signed_in(client)
    assert not signed_in(Client())  # no cookie at all


def test_a_deleted_session_signs_out(reader):
    _, client = reader
    Session.objects.all().delete()
    assert not signed_in(client)


def test_a_deactivated_user_or_a_changed_password_signs_out(reader, django_user_model):
    user, client = reader
    user.set_password("another-long-password-2")
    user.save()
    assert not signed_in(client)
    client = Client()
    client.post(reverse("login"), {"username": "rita", "password": "another-long-password-2"})
    assert signed_in(client)
    django_user_model.objects.filter(pk=user.pk).update(is_active=False)
    assert not signed_in(client)


def test_a_session_naming_a_user_who_does_not_exist_is_no_user(reader):
    _, client = reader
    session = client.session
    session["_auth_user_id"] = "999999"
    session.save()
    assert not signed_in(client)
