"""A real OpenID provider for the single sign-on tests and for trying single sign-on locally: a small Django
project of its own on django-oidc-provider, with its own settings and its own database on the embedded
PostgreSQL server. Started by tests/oidc_provider/serve.py (the pytest fixtures and `make oidc-provider`)."""
