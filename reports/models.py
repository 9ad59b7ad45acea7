"""Cabinet report packs: what the cabinet was shown for a period and a meeting, frozen as it was shown."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from kpis.models import Kpi
from plans.models import Council, Plan


class PackImmutable(Exception):
    """A published pack is never changed: publish a new one instead."""


class ReportPack(models.Model):
    """A published pack. `content` is what the pages showed at publication (reports.snapshot builds it from the
    dashboard's own selectors): the pack's pages render from it alone and never query the figures again, so later
    entries, approvals, corrections, fixture reloads and code releases cannot change what it says."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="report_packs")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200, help_text="For example 'Q2 2025-26 — Cabinet 11 December 2025'")
    period = models.CharField(max_length=60, help_text="The reporting period, as the pack names it")
    meeting_date = models.DateField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    code_version = models.CharField(max_length=60, blank=True, help_text="The release that built the content")
    content = models.JSONField()

    class Meta:
        ordering = ["-meeting_date", "-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Published means final: the database refuses an UPDATE too (reports/migrations/0002).
        if self.pk is not None:
            raise PackImmutable(f"Report pack '{self.title}' is published and cannot be changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("report_pack", args=[self.slug])

    @property
    def departments(self) -> list[dict]:
        return self.content.get("departments", [])

    def department(self, slug: str) -> dict | None:
        return next((d for d in self.departments if d["department_slug"] == slug), None)

    @property
    def measures(self) -> list[dict]:
        return [m for d in self.departments for m in d["measures"]]


class PackFigure(models.Model):
    """A KPI's figure for a year that a published pack showed (year 0: it showed none): changing it needs a reason
    (the entry form asks).
    Named by plan and KPI key, not ids, so that a fixture reload (which writes the KPIs again) keeps the mark."""

    pack = models.ForeignKey(ReportPack, on_delete=models.CASCADE, related_name="figures")
    plan_slug = models.SlugField(max_length=120)
    kpi_key = models.SlugField(max_length=120)
    year = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [
            # figures_in_packs: the KPIs of an entry form, by key.
            models.Index(fields=["kpi_key", "plan_slug"], name="packfigure_kpi_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_slug} {self.kpi_key} {self.year}"


def figures_in_packs(kpis: list[Kpi]) -> dict[int, tuple[int, str]]:
    """KPI id -> (the first year an entry for which would change what a published pack showed: the year of the
    figure shown, 0 when it showed none; the title of that pack), for the KPIs given. A later year's figure
    would replace the one shown as the latest, so it changes what the pack said too. 2 queries."""
    if not kpis:
        return {}
    slugs = dict(Plan.objects.filter(pk__in={k.plan_id for k in kpis}).values_list("pk", "slug"))
    by_key = {(slugs.get(k.plan_id), k.key): k.pk for k in kpis}
    found: dict[int, tuple[int, str]] = {}
    rows = (
        PackFigure.objects.filter(kpi_key__in={k.key for k in kpis}, plan_slug__in=set(slugs.values()))
        .order_by("-pack__published_at", "-pk")
        .values_list("plan_slug", "kpi_key", "year", "pack__title")
    )
    for plan_slug, kpi_key, year, title in rows:
        kpi_id = by_key.get((plan_slug, kpi_key))
        if kpi_id is not None and (kpi_id not in found or year < found[kpi_id][0]):
            found[kpi_id] = (year, title)
    return found
