"""Start the test OpenID provider: migrate its database, make its users, groups, client and signing key (each only
when missing), then serve it on 127.0.0.1 until stopped. `make oidc-provider` runs this; so do the tests.

Environment: OIDC_PROVIDER_PORT (8900; the issuer is http://127.0.0.1:<port>/openid), OIDC_PROVIDER_DATABASE
(oidc_provider), OIDC_APP_URLS (comma-separated addresses of the app whose sign-in may use the provider; each gets
<address>/oidc/callback/ as a redirect URI and <address>/ as where to land after signing out)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The directory's users (password PASSWORD) and their groups. The app maps groups to roles (accounts.GroupRole).
PASSWORD = "local-only-password"
CLIENT_ID = "dashboard-local"
CLIENT_SECRET = "local-only-client-secret"
USERS = [
    ("lead.childrens", "Chris", "Lead", ["performance-leads-childrens-services", "all-staff"]),
    ("cabinet.member", "Cal", "Cabinet", ["cabinet-members", "all-staff"]),
    ("finance.officer", "Fran", "Finance", ["finance-team", "all-staff"]),  # in no group the app maps
    ("token.elsewhere", "Tom", "Elsewhere", ["cabinet-members"]),  # ID token for another audience
    ("token.expired", "Ted", "Expired", ["cabinet-members"]),  # ID token already expired
]


def seed(app_urls: list[str]) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    for username, first, last, groups in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.test"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    if not RSAKey.objects.exists():
        call_command("creatersakey")
    client, _ = Client.objects.get_or_create(
        client_id=CLIENT_ID,
        defaults={"name": "Service plan dashboard (local)", "client_type": "confidential"},
    )
    client.client_secret = CLIENT_SECRET
    client.jwt_alg = "RS256"
    client.require_consent = False
    client.redirect_uris = [f"{url.rstrip('/')}/oidc/callback/" for url in app_urls]
    client.post_logout_redirect_uris = [f"{url.rstrip('/')}/" for url in app_urls]
    client.save()
    client.response_types.set([ResponseType.objects.get_or_create(value="code")[0]])


def main() -> None:
    # Set here, not on import: the tests import this module's names into a process running the app's settings.
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    urls = os.environ.get("OIDC_APP_URLS", "http://127.0.0.1:8000,http://localhost:8000")
    seed([url.strip() for url in urls.split(",") if url.strip()])
    port = os.environ.get("OIDC_PROVIDER_PORT", "8900")
    print(f"Test OpenID provider: issuer http://127.0.0.1:{port}/openid, client {CLIENT_ID}", flush=True)
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main()
