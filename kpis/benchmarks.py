"""Comparison figures a lead enters for a KPI's year, for targets such as "Above national average".

Imported by kpis/models.py (kpis.models names every model of the app), so this module names Kpi by string."""

from __future__ import annotations

from django.db import models

from plans.parsing import fy_label


class Benchmark(models.Model):
    """A comparison figure for a year (national average, a quartile boundary), entered by a lead so that
    targets such as 'Above national average' can be assessed."""

    class Kind(models.TextChoices):
        NATIONAL_AVERAGE = "national_average", "National average"
        TOP_QUARTILE = "top_quartile", "Top quartile boundary"
        UPPER_MIDDLE_QUARTILE = "upper_middle_quartile", "Upper-middle quartile boundary"
        LOWER_MIDDLE_QUARTILE = "lower_middle_quartile", "Lower-middle quartile boundary"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours average"
        REGIONAL_AVERAGE = "regional_average", "Regional average"

    kpi = models.ForeignKey("kpis.Kpi", on_delete=models.PROTECT, related_name="benchmarks")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.DecimalField(max_digits=20, decimal_places=4)
    entered_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi", "year", "-entered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.year_label}: {self.value}"

    @property
    def year_label(self) -> str:
        return fy_label(self.year)
