"""Single sign-on in Chromium against the test OpenID provider (tests/oidc_provider, a subprocess on loopback):
a Children's Services lead and a cabinet member sign in through the directory's own sign-in page and get what
their groups give; someone in no mapped group is turned away; signing out signs out of the directory too; the
audit lists it all. The pages are axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.oidc_provider.running import running_provider


@pytest.fixture(scope="module")
def provider(live_server):
    with running_provider([live_server.url]) as running:
        yield running


@pytest.fixture
def sso(seeded, settings, provider):
    from accounts.models import GroupRole, SignInEvent
    from plans.models import Department

    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    GroupRole.objects.create(
        group="performance-leads-childrens-services",
        kind="lead",
        department=Department.objects.get(slug="childrens-services"),
    )
    GroupRole.objects.create(group="cabinet-members", kind="cabinet")
    yield provider
    GroupRole.objects.all().delete()
    SignInEvent.objects.all().delete()


def directory_sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.get_by_role("heading", name="Test directory: sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in to the test directory").click()


def test_a_lead_and_a_cabinet_member_sign_in_through_the_directory(watched_page: Page, live_server, sso):
    from accounts.models import SignInEvent

    page, base = watched_page, live_server.url
    directory_sign_in(page, base, "lead.childrens", sso.password)
    page.wait_for_url(base + "/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # The lead's group makes a performance lead of Children's Services: its update page opens...
    page.goto(base + "/departments/childrens-services/update/")
    assert page.title().startswith("Update Children's Services measures")
    expect(page.locator("form input[name$='-value']").first).to_be_visible()
    # ...and another department's does not.
    response = page.goto(base + "/departments/economy-transport-environment/update/")
    assert response is not None and response.status == 403
    # Signing out signs out of the directory too: the next sign-in asks for the password again.
    page.goto(base + "/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + "/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    directory_sign_in(page, base, "cabinet.member", sso.password)
    page.wait_for_url(base + "/")
    # A cabinet member reads everything and may update nothing.
    response = page.goto(base + "/departments/childrens-services/update/")
    assert response is not None and response.status == 403
    assert [(e.kind, e.username, e.method) for e in SignInEvent.objects.order_by("pk")] == [
        ("signed_in", "lead.childrens", "directory"),
        ("signed_out", "lead.childrens", ""),
        ("signed_in", "cabinet.member", "directory"),
    ]
    assert [p for p in page.problems if "403" not in p] == []  # type: ignore[attr-defined]  # the refusals asked for above


def test_someone_in_no_mapped_group_is_turned_away_plainly(watched_page: Page, live_server, sso):
    page, base = watched_page, live_server.url
    directory_sign_in(page, base, "finance.officer", sso.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")
    expect(page.locator("#reason")).to_contain_text("Your council account is in no group this service gives a role to")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert_accessible(page)
    assert [p for p in page.problems if "403" not in p] == []  # type: ignore[attr-defined]  # the refusal page itself answers 403
