from __future__ import annotations

from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"

    def ready(self) -> None:
        # Imported here, not at the top: the handlers need the models, which Django loads after apps.py.
        from kpis import signals

        signals.connect()
