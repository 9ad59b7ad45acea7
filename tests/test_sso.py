"""Single sign-on against a real OpenID provider (tests/oidc_provider: django-oidc-provider in a subprocess on
loopback). The app's side runs in the test client; the browser's visits to the provider are made with requests,
following its redirects and submitting its sign-in form as a browser would. tests/browser/test_sso_browser.py
does the same in Chromium."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import DirectoryAccount, GroupRole, SignInEvent
from plans.models import Department, Role
from tests.oidc_provider.running import Provider, free_port, running_provider
from tests.test_entry import CS, ETE, PASSWORD, fast_passwords, loaded_plans, plans, users  # noqa: F401

APP = "http://testserver"
UNKNOWN_GROUP = "Your council account is in no group this service gives a role to, so it cannot sign you in."
UNAVAILABLE = (
    "The council&#x27;s sign-in service is not answering, so you cannot sign in with your council account now."
)


@pytest.fixture(scope="session")
def provider():
    with running_provider([APP]) as running:
        yield running


@pytest.fixture
def sso(settings, provider: Provider, plans):
    """Single sign-on on, and the mapping an administrator would set: the Children's Services leads' group makes
    performance leads of that department, the cabinet's group cabinet members."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    GroupRole.objects.create(
        group="performance-leads-childrens-services", kind=Role.Kind.LEAD, department=Department.objects.get(slug=CS)
    )
    GroupRole.objects.create(group="cabinet-members", kind=Role.Kind.CABINET)
    return provider


class Browser:
    """The browser's side of the provider: its own cookies, its sign-in form filled in as a person would."""

    def __init__(self, provider: Provider):
        self.provider = provider
        self.session = requests.Session()

    def visit(self, url: str, username: str) -> str:
        """Follow `url` through the provider (signing in there when it asks) until it sends the browser back to
        the app; return that address (path and query)."""
        for _ in range(10):
            if url.startswith(APP):
                parts = urlsplit(url)
                return f"{parts.path}?{parts.query}" if parts.query else parts.path
            response = self.session.get(url, allow_redirects=False, timeout=10)
            if response.status_code == 200 and 'name="password"' in response.text:
                found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
                assert found is not None, response.text[:2000]
                token = found.group(1)
                form = {"csrfmiddlewaretoken": token, "username": username, "password": self.provider.password}
                form["next"] = parse_qs(urlsplit(url).query).get("next", [""])[0]
                response = self.session.post(url, data=form, allow_redirects=False, timeout=10)
            assert response.status_code in (301, 302), (response.status_code, response.text[:2000])
            url = urljoin(url, response.headers["Location"])
        raise AssertionError("the provider did not send the browser back")


def directory_sign_in(client, browser: Browser, username: str):
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start["Location"].startswith(browser.provider.issuer)
    return client.get(browser.visit(start["Location"], username))


def signed_in_as(client) -> str | None:
    pk = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=pk).username if pk else None


def test_a_childrens_services_lead_signs_in_and_may_update_only_their_department(client, sso):
    client.get(reverse("login"))  # a session before signing in, as a browser has
    before = client.session.session_key
    response = directory_sign_in(client, Browser(sso), "lead.childrens")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == "lead.childrens"
    user = get_user_model().objects.get(username="lead.childrens")
    assert (user.first_name, user.last_name, user.email) == ("Chris", "Lead", "lead.childrens@example.test")
    assert not user.has_usable_password()
    assert DirectoryAccount.objects.get(user=user).issuer == sso.issuer
    assert [(r.kind, r.department_id) for r in Role.objects.filter(user=user)] == [
        ("lead", Department.objects.get(slug=CS).pk)
    ]
    assert client.session.session_key != before  # a new session key on signing in
    assert client.get(reverse("department_update", args=[CS])).status_code == 200
    assert client.get(reverse("department_update", args=[ETE])).status_code == 403
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SIGNED_IN)
    assert (event.username, event.method, event.user) == ("lead.childrens", "directory", user)


def test_a_cabinet_member_signs_in_and_may_update_nothing(client, sso):
    directory_sign_in(client, Browser(sso), "cabinet.member")
    assert signed_in_as(client) == "cabinet.member"
    user = get_user_model().objects.get(username="cabinet.member")
    assert [(r.kind, r.department_id) for r in Role.objects.filter(user=user)] == [("cabinet", None)]
    for department in (CS, ETE):
        assert client.get(reverse("department_update", args=[department])).status_code == 403


def test_roles_follow_the_groups_at_every_sign_in(client, sso):
    browser = Browser(sso)
    directory_sign_in(client, browser, "lead.childrens")
    user = get_user_model().objects.get(username="lead.childrens")
    # The administrator moves the leads' group elsewhere: at the next sign-in the lead role is gone.
    GroupRole.objects.filter(group="performance-leads-childrens-services").delete()
    GroupRole.objects.create(group="all-staff", kind=Role.Kind.VIEWER)
    client.post(reverse("logout"))
    directory_sign_in(client, browser, "lead.childrens")
    assert get_user_model().objects.filter(username__startswith="lead.childrens").count() == 1  # the same account
    assert [(r.kind, r.department_id) for r in Role.objects.filter(user=user)] == [("viewer", None)]
    assert client.get(reverse("department_update", args=[CS])).status_code == 403
    # No mapped group left at all: refused, and the roles it had go too.
    GroupRole.objects.all().delete()
    client.post(reverse("logout"))
    response = directory_sign_in(client, browser, "lead.childrens")
    assert response.status_code == 403 and signed_in_as(client) is None
    assert not Role.objects.filter(user=user).exists()


def test_an_account_in_no_mapped_group_is_refused_plainly(client, sso):
    response = directory_sign_in(client, Browser(sso), "finance.officer")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<title>You could not be signed in" in html and UNKNOWN_GROUP in html
    assert signed_in_as(client) is None
    assert not get_user_model().objects.filter(username="finance.officer").exists()
    event = SignInEvent.objects.get()
    assert (event.kind, event.username, event.method) == ("refused", "finance.officer", "directory")
    assert event.detail.startswith(UNKNOWN_GROUP)


@pytest.mark.parametrize(
    "username, message",
    [
        (
            "token.elsewhere",
            "The council&#x27;s directory signed you in to another service, not this one (the token&#x27;s audience is wrong).",
        ),
        ("token.expired", "The sign-in from the council&#x27;s directory had expired before it reached us."),
    ],
)
def test_a_token_for_another_audience_or_expired_is_refused(client, sso, username, message):
    response = directory_sign_in(client, Browser(sso), username)
    assert response.status_code == 403
    assert message in response.content.decode()
    assert signed_in_as(client) is None
    assert not get_user_model().objects.filter(username=username).exists()
    assert not Role.objects.exists()


def test_a_provider_that_is_down_is_reported_and_signs_no_one_in(client, sso, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"  # nothing listens there
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().kind == "refused"


def test_a_provider_that_goes_down_during_sign_in_is_reported(client, sso, settings):
    browser = Browser(sso)
    start = client.get(reverse("oidc_authentication_init"))
    back = browser.visit(start["Location"], "lead.childrens")
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/openid/token"  # the token request fails
    response = client.get(back)
    assert response.status_code == 503 and UNAVAILABLE in response.content.decode()
    assert signed_in_as(client) is None


def test_an_answer_replayed_or_from_another_browser_is_refused(client, sso):
    browser = Browser(sso)
    start = client.get(reverse("oidc_authentication_init"))
    back = browser.visit(start["Location"], "cabinet.member")
    assert client.get(back).status_code == 302  # signed in
    client.post(reverse("logout"))
    response = client.get(back)  # the same code and state again
    assert response.status_code == 403 and signed_in_as(client) is None
    assert "The council&#x27;s sign-in service did not sign you in." in response.content.decode()


def test_signing_out_ends_the_providers_session_too(client, sso):
    browser = Browser(sso)
    directory_sign_in(client, browser, "cabinet.member")
    session_key = client.session.session_key
    response = client.post(reverse("logout"))
    assert signed_in_as(client) is None and not Session.objects.filter(session_key=session_key).exists()
    end = urlsplit(response["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{sso.issuer}/end-session"
    query = parse_qs(end.query)
    assert query["post_logout_redirect_uri"] == [f"{APP}/"] and query["id_token_hint"][0].count(".") == 2
    # The browser goes there, the provider signs it out and sends it back to the app's home page...
    assert browser.visit(response["Location"], "cabinet.member") == "/"
    # ...so the next directory sign-in asks for the password again rather than passing straight through.
    start = client.get(reverse("oidc_authentication_init"))
    asked = browser.session.get(start["Location"], timeout=10)
    assert 'name="password"' in asked.text


def test_without_an_issuer_there_is_no_directory_sign_in(client, plans):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert "Sign in with your council account" not in client.get(reverse("login")).content.decode()


def test_the_sign_in_page_offers_the_directory(client, sso):
    html = client.get(reverse("login") + "?next=/departments/").content.decode()
    assert 'href="/oidc/authenticate/?next=/departments/"' in html
    assert "Sign in with your council account" in html and "Sign in with a password" in html


def test_with_sso_in_production_only_the_break_glass_administrator_uses_a_password(client, sso, users, settings):
    settings.LOCAL_SIGN_IN_USERS = ["ada"]
    html = client.get(reverse("login")).content.decode()
    assert "Emergency administrator sign-in" in html
    refused = client.post(reverse("login"), {"username": "lena", "password": PASSWORD})
    assert refused.status_code == 400 and signed_in_as(client) is None
    assert "Please enter a correct username and password." in refused.content.decode()
    assert client.post(reverse("login"), {"username": "ada", "password": PASSWORD}).status_code == 302
    assert signed_in_as(client) == "ada"


# -- settings, the mapping on the admin site and the map_group command --------------------------------------------

SSO_ENV = {
    "OIDC_ISSUER": "https://login.example.test/tenant/v2.0",
    "OIDC_RP_CLIENT_ID": "dashboard",
    "OIDC_RP_CLIENT_SECRET": "secret-from-the-directory",
}


def test_with_sso_in_production_check_deploy_is_clean_and_passwords_are_break_glass_only():
    from tests.test_security_settings import production_env, run_check

    env = {**production_env(), **SSO_ENV, "BREAK_GLASS_USERNAME": "glass.admin"}
    result = run_check(env, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    shown = subprocess_settings(env, "LOCAL_SIGN_IN_USERS")
    assert shown == "['glass.admin']"
    # Without single sign-on, or outside production, every local account signs in with its password.
    assert subprocess_settings(production_env(), "LOCAL_SIGN_IN_USERS") == "None"
    assert subprocess_settings(SSO_ENV, "LOCAL_SIGN_IN_USERS") == "None"


def test_an_issuer_without_the_client_credentials_refuses_to_start():
    from tests.test_security_settings import run_check

    result = run_check({"OIDC_ISSUER": SSO_ENV["OIDC_ISSUER"]})
    assert result.returncode != 0
    assert "OIDC_ISSUER needs OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET in the environment" in result.stderr


def subprocess_settings(env: dict, name: str) -> str:
    import subprocess
    import sys

    from django.conf import settings as django_settings

    base = {k: v for k, v in os.environ.items() if k not in {"PRODUCTION", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", f"from django.conf import settings; print(settings.{name})"],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_admin_site_edits_the_mapping_and_says_what_is_missing(client, users):
    admin = users.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    add = reverse("admin:accounts_grouprole_add")
    response = client.post(add, {"group": "leads-cs", "kind": "lead", "department": ""})
    assert response.status_code == 200
    assert "Choose the department this Performance lead role is for." in response.content.decode()
    cs = Department.objects.get(slug=CS)
    response = client.post(add, {"group": "cabinet", "kind": "cabinet", "department": cs.pk})
    assert "A Cabinet member role is not held per department." in response.content.decode()
    assert not GroupRole.objects.exists()
    assert client.post(add, {"group": "leads-cs", "kind": "lead", "department": cs.pk}).status_code == 302
    assert [(g.group, g.kind, g.department_id) for g in GroupRole.objects.all()] == [("leads-cs", "lead", cs.pk)]


def test_map_group_maps_and_unmaps_and_explains_its_errors(plans):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("map_group", "leads-cs", "lead", "--department", CS, stdout=out)
    assert out.getvalue().strip() == "Mapped: leads-cs → Performance lead for Children's Services"
    assert GroupRole.objects.get().department.slug == CS  # type: ignore[union-attr]
    for args, message in [
        (["leads-cs", "lead"], "Choose the department this Performance lead role is for."),
        (
            ["leads-cs", "lead", "--department", "nowhere"],
            "No department 'nowhere': load the plans first, or check the slug",
        ),
        (["all-staff", "viewer", "--remove"], "all-staff → Viewer is not mapped"),
    ]:
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("map_group", *args)
    call_command("map_group", "leads-cs", "lead", "--department", CS, "--remove", stdout=StringIO())
    assert not GroupRole.objects.exists()


def test_a_directory_administrator_gets_the_admin_site_and_loses_it_with_the_group(client, sso):
    browser = Browser(sso)
    GroupRole.objects.filter(group="cabinet-members").update(kind=Role.Kind.ADMIN)
    directory_sign_in(client, browser, "cabinet.member")
    assert client.get(reverse("admin:accounts_signinevent_changelist")).status_code == 200
    GroupRole.objects.filter(group="cabinet-members").update(kind=Role.Kind.CABINET)
    client.post(reverse("logout"))
    directory_sign_in(client, browser, "cabinet.member")
    user = get_user_model().objects.get(username="cabinet.member")
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert client.get(reverse("admin:accounts_signinevent_changelist")).status_code == 302


def test_with_sso_on_the_pages_let_the_sign_out_form_reach_the_directory(client, sso, settings):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:" in policy
    assert f"form-action 'self' {sso.issuer.rsplit('/', 1)[0]}" in policy
    settings.OIDC_ISSUER = ""
    assert "form-action 'self';" in client.get(reverse("home"))["Content-Security-Policy"]
