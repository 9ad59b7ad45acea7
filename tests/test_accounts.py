"""Accounts: sign-in throttling (django-axes, configured in config/settings.py and accounts/throttle.py), session
expiry, the commands that provision users and roles (create_user, grant_role, revoke_role), the local-only seed
accounts, and closing a period on the admin site."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.models import ClosedPeriod, Role
from tests.test_entry import (  # noqa: F401
    CS,
    ETE,
    PASSWORD,
    fast_passwords,
    fill,
    loaded_plans,
    open_form,
    plans,
    update_url,
    users,
)

THROTTLED = "Too many failed attempts to sign in. Wait 15 minutes, then try again."
WRONG = "Please enter a correct username and password. Note that both fields may be case-sensitive."


def sign_in(client, username, password, address="10.0.0.1", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# -- signing in ---------------------------------------------------------------------------------------------------


def test_it_signs_in_and_returns_to_the_page_asked_for(client, users):
    url = reverse("department_update", args=[CS])
    response = client.get(url)
    assert response.status_code == 302
    response = client.post(response["Location"], {"username": "lena", "password": PASSWORD, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200


def test_a_wrong_password_is_refused_plainly(client, users):
    response = sign_in(client, "lena", "wrong")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Sign in" in html
    assert f'<li><a href="#id_username">{WRONG}</a></li>' in html
    assert not signed_in(client)


def test_the_fifth_failure_refuses_further_attempts_even_with_the_right_password(client, users):
    for _ in range(4):
        assert sign_in(client, "lena", "wrong").status_code == 400
    for password in ("wrong", PASSWORD):  # the fifth failure, then the right password
        response = sign_in(client, "lena", password)
        html = response.content.decode()
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        assert "<title>Error: Sign in" in html
        assert f'<li><a href="#id_username">{THROTTLED}</a></li>' in html
        assert WRONG not in html  # the refusal does not say whether the password was right
        assert 'value="lena"' not in html  # nor echo what was typed
        assert not signed_in(client)


def test_the_account_is_throttled_from_any_address(client, users):
    for n in range(5):
        sign_in(client, "Lena ", "wrong", address=f"10.0.0.{n}")  # case and spaces do not dodge the count
    assert sign_in(Client(), "lena", PASSWORD, address="10.9.9.9").status_code == 429


def test_an_address_is_throttled_whatever_account_it_tries(client, users):
    for name in ("a", "b", "c", "d", "e"):
        sign_in(client, name, "wrong", address="10.0.0.7")
    assert sign_in(client, "lena", PASSWORD, address="10.0.0.7").status_code == 429
    # Another account from another address is unaffected.
    other = Client()
    assert sign_in(other, "ada", PASSWORD, address="10.0.0.8").status_code == 302
    assert signed_in(other)


def test_four_failures_still_allow_the_right_password(client, users):
    for _ in range(4):
        sign_in(client, "lena", "wrong")
    assert sign_in(client, "lena", PASSWORD).status_code == 302


def _age_failures(minutes: float) -> None:
    """As if the failures so far happened `minutes` earlier."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_the_throttle_lifts_fifteen_minutes_after_the_last_failure(client, users):
    for _ in range(5):
        sign_in(client, "lena", "wrong")
    assert sign_in(client, "lena", PASSWORD).status_code == 429
    _age_failures(14)
    # Refused attempts while waiting do not restart the wait: the page promised 15 minutes.
    assert sign_in(client, "lena", PASSWORD).status_code == 429
    _age_failures(1 + 1 / 60)
    assert sign_in(client, "lena", PASSWORD).status_code == 302
    assert signed_in(client)


def test_odd_usernames_do_not_break_the_throttle(client, users):
    for name in ("a b\tc\x01", "é" * 400, "nul\x00", "   "):
        assert sign_in(client, name, "wrong", address="10.1.1.1").status_code == 400
    # The two checked against a password count (the others are refused before that): three more and the fifth
    # failure from the address refuses it.
    assert sign_in(client, "a", "wrong", address="10.1.1.1").status_code == 400
    assert sign_in(client, "b", "wrong", address="10.1.1.1").status_code == 400
    assert sign_in(client, "c", "wrong", address="10.1.1.1").status_code == 429


def test_without_a_proxy_x_forwarded_for_is_ignored(client, users, settings):
    settings.BEHIND_PROXY = False
    for n in range(5):  # a client inventing an address for each attempt
        sign_in(client, f"user{n}", "wrong", address="10.0.0.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in(client, "lena", PASSWORD, address="10.0.0.9", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_the_proxy_the_address_is_the_one_it_forwarded(client, users, settings):
    """Every request comes from the proxy (10.0.0.2); the client is the last X-Forwarded-For entry."""
    settings.BEHIND_PROXY = True
    for n in range(5):  # a client putting invented addresses before the one the proxy appends
        sign_in(client, f"user{n}", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7")
    assert (
        sign_in(Client(), "lena", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    )
    other = Client()  # someone else behind the same proxy is unaffected
    assert sign_in(other, "lena", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 302
    assert signed_in(other)


def test_administrators_see_and_clear_lockouts_on_the_admin_site(client, users):
    for _ in range(5):
        sign_in(Client(), "lena", "wrong", address="10.0.0.3")
    assert sign_in(Client(), "lena", PASSWORD, address="10.0.0.4").status_code == 429
    admin = users.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    listing = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "lena" in listing and "10.0.0.3" in listing
    (attempt,) = AccessAttempt.objects.all()
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert sign_in(Client(), "lena", PASSWORD, address="10.0.0.4").status_code == 302


def test_sessions_expire(client, users):
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    response = sign_in(client, "lena", PASSWORD)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
    session = Session.objects.get(session_key=cookie.value)
    assert abs(session.expire_date - (timezone.now() + dt.timedelta(hours=8))) < dt.timedelta(minutes=1)
    url = reverse("department_update", args=[CS])
    assert client.get(url).status_code == 200
    # Eight hours on, the session has expired: the next write page asks to sign in again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signing_out_is_a_post(client, users):
    client.force_login(users.lead)
    assert client.post(reverse("logout")).status_code == 302
    assert not signed_in(client)


# -- provisioning commands ----------------------------------------------------------------------------------------


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_create_user_reads_the_password_from_an_environment_variable(plans, monkeypatch, fast_passwords):
    monkeypatch.setenv("NEW_USER_PASSWORD", "correct-horse-battery-staple")
    out = run(
        "create_user",
        "nia",
        "--password-env",
        "NEW_USER_PASSWORD",
        "--name",
        "Nia New Lead",
        "--email",
        "nia@example.org",
    )
    assert out == "Created nia. Grant a role with: manage.py grant_role nia <role>"
    user = get_user_model().objects.get(username="nia")
    assert (user.first_name, user.last_name, user.email) == ("Nia", "New Lead", "nia@example.org")
    assert user.check_password("correct-horse-battery-staple")
    assert not user.is_staff and not user.roles.exists()  # no role until one is granted


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--password-env", "UNSET_VARIABLE"], {}, "The environment variable UNSET_VARIABLE is not set"),
        (["--password-env", "PW"], {"PW": ""}, "The environment variable PW is not set"),
        (
            ["--password-env", "PW"],
            {"PW": "short"},
            "Password refused: This password is too short. It must contain at least 8 characters.",
        ),
        (["--password-env", "PW"], {"PW": "password123"}, "Password refused: This password is too common."),
        (["--password-env", "PW"], {"PW": "83749201574"}, "Password refused: This password is entirely numeric."),
    ],
)
def test_create_user_refuses_a_missing_or_weak_password(plans, monkeypatch, args, env, message):
    monkeypatch.delenv("UNSET_VARIABLE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CommandError) as raised:
        run("create_user", "nia", *args)
    assert str(raised.value) == message
    assert not get_user_model().objects.filter(username="nia").exists()


def test_create_user_refuses_an_existing_username(users, monkeypatch):
    monkeypatch.setenv("PW", "correct-horse-battery-staple")
    with pytest.raises(CommandError, match="A user called 'lena' already exists"):
        run("create_user", "lena", "--password-env", "PW")


def test_create_user_never_takes_a_password_on_the_command_line(plans):
    with pytest.raises(CommandError) as raised:  # not read as an abbreviation of --password-env
        run("create_user", "nia", "--password", "correct-horse-battery-staple")
    assert "unrecognized arguments: --password" in str(raised.value)
    with pytest.raises(CommandError) as raised:  # and a password given as the variable's name is not echoed
        run("create_user", "nia", "--password-env", "correct-horse-battery-staple")
    assert str(raised.value) == (
        "--password-env takes the name of an environment variable (like NEW_USER_PASSWORD), not the password itself"
    )
    assert not get_user_model().objects.filter(username="nia").exists()


def test_create_user_asks_for_the_password_without_the_variable(plans, monkeypatch, fast_passwords):
    monkeypatch.setattr("getpass.getpass", lambda prompt: "correct-horse-battery-staple")
    run("create_user", "nia")
    assert get_user_model().objects.get(username="nia").check_password("correct-horse-battery-staple")


def test_grant_and_revoke_a_lead_role(client, users):
    nia = get_user_model().objects.create_user("nia", password=PASSWORD)
    client.force_login(nia)
    url = reverse("department_update", args=[CS])
    assert client.get(url).status_code == 403
    assert run("grant_role", "nia", "lead", "--department", CS) == "nia is now lead for Children's Services"
    assert run("grant_role", "nia", "lead", "--department", CS) == "nia was already lead for Children's Services"
    assert (
        run("grant_role", "nia", "lead", "--department", ETE)
        == "nia is now lead for Economy, Transport and Environment"
    )
    assert client.get(url).status_code == 200
    assert sorted(nia.roles.values_list("department__slug", flat=True)) == [CS, ETE]
    assert run("revoke_role", "nia", "lead", "--department", CS) == "nia is no longer lead for Children's Services"
    assert run("revoke_role", "nia", "lead", "--department", CS) == "nia was not lead for Children's Services"
    assert client.get(url).status_code == 403
    assert list(nia.roles.values_list("department__slug", flat=True)) == [ETE]


def test_grant_and_revoke_the_administrator_role(users, client):
    nia = get_user_model().objects.create_user("nia", password=PASSWORD)
    assert run("grant_role", "nia", "admin") == "nia is now admin"
    nia.refresh_from_db()
    assert nia.is_staff and nia.roles.filter(kind="admin").exists()
    client.force_login(nia)
    assert client.get(reverse("admin:plans_closedperiod_add")).status_code == 200  # the admin site opens
    assert run("revoke_role", "nia", "admin") == "nia is no longer admin"
    nia.refresh_from_db()
    assert not nia.is_staff and not nia.is_superuser and not nia.roles.exists()
    assert client.get(reverse("department_update", args=[CS])).status_code == 403


@pytest.mark.parametrize("command", ["grant_role", "revoke_role"])
@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody", "viewer"], "No user called 'nobody'"),
        (["lena", "lead"], "A performance lead needs --department"),
        (["lena", "approver"], "An approver needs --department"),
        (["lena", "viewer", "--department", CS], "The viewer role is for every department; leave out --department"),
        (["lena", "admin", "--department", CS], "The admin role is for every department; leave out --department"),
        (
            ["lena", "lead", "--department", "parks"],
            "No department 'parks' (known: childrens-services, economy-transport-environment)",
        ),
        (["lena", "boss"], "Error: argument role: invalid choice: 'boss'"),
    ],
)
def test_role_commands_explain_their_errors(users, command, args, message):
    before = sorted(Role.objects.values_list("user__username", "kind", "department__slug"))
    with pytest.raises(CommandError) as raised:
        run(command, *args)
    assert str(raised.value).startswith(message)
    assert sorted(Role.objects.values_list("user__username", "kind", "department__slug")) == before


def test_grant_viewer_and_cabinet(users):
    nia = get_user_model().objects.create_user("nia", password=PASSWORD)
    assert run("grant_role", "nia", "viewer") == "nia is now viewer"
    assert run("grant_role", "nia", "cabinet") == "nia is now cabinet"
    assert sorted(nia.roles.values_list("kind", flat=True)) == ["cabinet", "viewer"]


# -- local accounts -----------------------------------------------------------------------------------------------


def test_seed_local_users_refuses_another_database(plans, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://council:secret@db.example.org:5432/plans")
    with pytest.raises(CommandError, match="Local accounts are only for the embedded development database"):
        run("seed_local_users")
    assert not get_user_model().objects.exists()


def test_seed_local_users_refuses_production(plans, monkeypatch, settings):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Local accounts are only for the embedded development database"):
        run("seed_local_users")
    assert not get_user_model().objects.exists()


def test_seed_local_users_makes_one_account_per_role(plans, monkeypatch, fast_passwords):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    run("seed_local_users")
    run("seed_local_users")  # again: nothing doubled
    roles = sorted(Role.objects.values_list("user__username", "kind", "department__slug"))
    assert roles == [
        ("admin.local", "admin", None),
        ("approver.childrens", "approver", CS),
        ("cabinet.member", "cabinet", None),
        ("lead.childrens", "lead", CS),
        ("lead.ete", "lead", ETE),
        ("viewer.local", "viewer", None),
    ]
    client = Client()
    assert sign_in(client, "lead.childrens", "local-only-password").status_code == 302


# -- closing a period on the admin site ---------------------------------------------------------------------------


def test_an_administrator_closes_a_year_on_the_admin_site(client, plans, users):
    admin = users.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("admin:plans_closedperiod_add")).content.decode()
    assert 'name="closed_by"' not in page  # recorded, not chosen
    response = client.post(
        reverse("admin:plans_closedperiod_add"), {"department": plans.cs.department.pk, "year": "2025"}
    )
    assert response.status_code == 302
    (closed,) = ClosedPeriod.objects.all()
    assert (closed.department.slug, closed.year, closed.closed_by) == (CS, 2025, admin)
    lead = Client()
    lead.force_login(users.lead)
    response = lead.post(
        update_url(plans.cs), fill(open_form(lead, plans.cs), plans.cs, "rpr-children-in-care", value="85")
    )
    assert response.status_code == 400
    assert "2025-26 is closed for Children&#x27;s Services" in response.content.decode()
