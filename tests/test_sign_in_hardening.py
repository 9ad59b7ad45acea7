"""Local sign-in hardened (issue 19): the session key changes on signing in, sessions end after 30 minutes idle
and 8 hours after signing in whatever happens (the clock moved with time-machine), and every sign-in, sign-out,
failure, lockout and timeout is in an audit administrators read on the admin site and cannot change."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import SignInEvent
from tests.test_accounts import sign_in, signed_in
from tests.test_entry import CS, PASSWORD, fast_passwords, loaded_plans, plans, users  # noqa: F401

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def events() -> list[tuple[str, str, str | None]]:
    return [(e.kind, e.username, e.address) for e in SignInEvent.objects.order_by("pk")]


def test_the_session_key_changes_on_signing_in(client, users):
    session = client.session
    session["seen_the_form"] = True  # an anonymous session, as a fixation attack would plant
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    assert sign_in(client, "lena", PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.fixture
def lead_signed_in(client, users):
    with time_machine.travel(START, tick=False) as clock:
        assert sign_in(client, "lena", PASSWORD).status_code == 302
        yield client, clock


def _update_page(client):
    return client.get(reverse("department_update", args=[CS]))


def test_thirty_minutes_without_a_request_sign_the_user_out(lead_signed_in):
    client, clock = lead_signed_in
    clock.shift(dt.timedelta(minutes=29))
    assert _update_page(client).status_code == 200
    clock.shift(dt.timedelta(minutes=29))  # 58 minutes after signing in, but 29 after the last request
    assert _update_page(client).status_code == 200
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    response = _update_page(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity. Sign in again to carry on." in page
    assert events()[-1] == ("timed_out", "lena", "127.0.0.1")
    assert SignInEvent.objects.latest("pk").detail == "idle"


def test_eight_hours_after_signing_in_the_user_is_signed_out_however_active(lead_signed_in):
    client, clock = lead_signed_in
    for _ in range(8 * 3):  # a request every 20 minutes for eight hours
        clock.shift(dt.timedelta(minutes=20))
        assert _update_page(client).status_code == 200
    clock.shift(dt.timedelta(seconds=1))
    response = _update_page(client)
    assert response.status_code == 302 and not signed_in(client)
    assert "You were signed out 8 hours after signing in." in client.get(response["Location"]).content.decode()
    assert SignInEvent.objects.latest("pk").detail == "absolute"


def test_the_audit_records_sign_ins_failures_lockouts_and_sign_outs(client, users):
    assert sign_in(client, "lena", "wrong", address="10.0.0.5").status_code == 400
    assert sign_in(client, "lena", PASSWORD, address="10.0.0.5").status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR="10.0.0.5")
    for _ in range(5):
        sign_in(Client(), "eric", "wrong", address="10.0.0.6")
    assert events() == [
        ("failed", "lena", "10.0.0.5"),
        ("signed_in", "lena", "10.0.0.5"),
        ("signed_out", "lena", "10.0.0.5"),
        *[("failed", "eric", "10.0.0.6")] * 4,
        # The fifth failure locks the account out (axes signals that while the failure is being reported).
        ("locked_out", "eric", "10.0.0.6"),
        ("failed", "eric", "10.0.0.6"),
    ]
    # Locked out by address too: another account from the same address.
    for name in ("x1", "x2", "x3", "x4", "x5"):
        sign_in(Client(), name, "wrong", address="10.0.0.9")
    assert ("locked_out", "x5", "10.0.0.9") in events()[-2:]


def test_administrators_read_the_audit_and_cannot_change_it(client, users):
    for _ in range(5):
        sign_in(Client(), "eric", "wrong", address="10.0.0.6")
    sign_in(Client(), "lena", PASSWORD, address="10.0.0.5")
    admin = users.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:accounts_signinevent_changelist")
    listing = client.get(url).content.decode()
    assert "Locked out" in listing and "eric" in listing and "10.0.0.6" in listing
    assert "Signed in" in listing and "lena" in listing
    locked = client.get(url, {"kind__exact": "locked_out"}).content.decode()
    assert "eric" in locked and "lena" not in locked
    event = SignInEvent.objects.filter(kind="locked_out").get()
    assert client.get(reverse("admin:accounts_signinevent_add")).status_code == 403
    client.post(reverse("admin:accounts_signinevent_change", args=[event.pk]), {"kind": "signed_in"})
    assert (
        client.post(reverse("admin:accounts_signinevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert SignInEvent.objects.filter(pk=event.pk, kind="locked_out").exists()


def test_people_who_are_not_administrators_cannot_read_the_audit(client, users):
    client.force_login(users.lead)
    response = client.get(reverse("admin:accounts_signinevent_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
