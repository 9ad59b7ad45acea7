"""Re-store every KPI's status and direction of travel, e.g. after a release that changes the rules in
kpis/assessment.py (`make serve` runs it after migrating)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from kpis.models import Kpi
from kpis.services import kpis_assess


class Command(BaseCommand):
    help = "Store the assessment (status and direction of travel) of every KPI."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            count = kpis_assess(kpis=Kpi.objects.all())
        self.stdout.write(f"Assessed {count} KPIs.")
