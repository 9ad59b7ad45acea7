"""Signal handlers of the kpis app, connected by KpisConfig.ready.

A Benchmark saved or deleted one row at a time (the admin site, a shell) changes its KPI's stored status. The
service writes (kpis.services.kpi_entries_save) assess after their bulk writes themselves; the signal stays for
the writes no service sees, so that no write path has to remember to assess."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from kpis.models import Benchmark, Kpi
from kpis.services import kpis_assess


def reassess_after_benchmark_change(sender, instance: Benchmark, **kwargs) -> None:
    kpis_assess(kpis=Kpi.objects.filter(pk=instance.kpi_id))


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(reassess_after_benchmark_change, sender=Benchmark, dispatch_uid=f"kpis-benchmark-{signal}")
