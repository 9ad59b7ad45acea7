import logging

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Cabinet report packs"

    def ready(self) -> None:
        # WeasyPrint logs each step of every PDF (and its stylesheet parsing at import) at INFO: noise in the logs.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        # kpis must not import reports: the entry form asks for a reason when a published pack showed the figure
        # through this look-up, registered here (kpis.services.published_figure_lookups).
        from kpis.services import published_figure_lookups
        from reports.models import figures_in_packs

        if figures_in_packs not in published_figure_lookups:
            published_figure_lookups.append(figures_in_packs)
