"""Settings of the test OpenID provider (never the app's): its own database on the project's embedded PostgreSQL
server, its own cookie names (so it can share 127.0.0.1 with the app without signing either out), and the
claims the app's directory sign-in reads (tests/oidc_provider/claims.py)."""

from __future__ import annotations

import os
from pathlib import Path

from config.localdb import ensure_database

HERE = Path(__file__).resolve().parent
PORT = int(os.environ.get("OIDC_PROVIDER_PORT", "8900"))
SITE_URL = f"http://127.0.0.1:{PORT}"  # the issuer is SITE_URL + "/openid"
DATABASE_NAME = os.environ.get("OIDC_PROVIDER_DATABASE", "oidc_provider")

SECRET_KEY = "test-openid-provider-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.postgresql", "NAME": DATABASE_NAME, **ensure_database(DATABASE_NAME)}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"
LOGIN_URL = "/accounts/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

OIDC_USERINFO = "tests.oidc_provider.claims.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "tests.oidc_provider.claims.GroupClaims"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_provider.claims.id_token_hook"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
