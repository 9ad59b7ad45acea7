from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and sign-in"

    def ready(self) -> None:
        # The audit is written from Django's and django-axes' sign-in signals (accounts.signals).
        from accounts import signals  # noqa: F401
