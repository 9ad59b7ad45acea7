"""Councils, their departments and the departments' service plans."""

from __future__ import annotations

import re

from django.db import models
from django.urls import reverse

from plans.models.sourced import Sourced, text_list
from plans.parsing import fy_label


class Council(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    # Generated benchmark data is marked so it can never be mistaken for a real council's figures.
    is_synthetic = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="departments")
    slug = models.SlugField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name", "pk"]  # pk: same-named departments of different councils keep one order
        constraints = [models.UniqueConstraint(fields=["council", "slug"], name="department_unique_slug_per_council")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("department", args=[self.slug])


class PlanQuerySet(models.QuerySet):
    def for_department(self, department: Department) -> PlanQuerySet:
        return self.filter(department=department)

    def current_first(self) -> PlanQuerySet:
        return self.order_by("-financial_year", "slug")


class Plan(Sourced):
    class Kind(models.TextChoices):
        SERVICE_PLAN = "service_plan", "Service plan"
        UPDATE = "update", "Annual update"
        REFRESH = "refresh", "Refresh"
        IMPLEMENTATION_PLAN = "implementation_plan", "Implementation plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="plans")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    period = models.CharField(max_length=40, help_text="Period covered, as printed")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year of the financial year the plan is for")
    executive_director = models.CharField(max_length=200, blank=True)
    executive_director_title = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    date_printed = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FINAL)
    document = models.CharField(max_length=200, help_text="Source document file name")
    notes = text_list()
    fixture = models.CharField(max_length=200, help_text="Fixture file the plan was loaded from")

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "-financial_year", "slug"]  # slug: plans of one year keep one order
        indexes = [
            # Department pages list a department's plans newest first.
            models.Index(fields=["department", "-financial_year"], name="plan_dept_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.year_label}"

    def get_absolute_url(self) -> str:
        return reverse("plan", args=[self.slug])

    @property
    def source_plan(self) -> Plan:
        return self

    @property
    def year_label(self) -> str:
        return fy_label(self.financial_year)

    def covered_years(self) -> list[int]:
        """The financial years the plan covers, from its printed period ('2021-25' -> 2021-22 to 2024-25;
        '2017-2021' -> 2017-18 to 2020-21; '2023-24' -> 2023-24), always including the year it is for."""
        m = re.fullmatch(r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})", self.period.strip())
        years = {self.financial_year}
        if m:
            start, end = int(m.group(1)), m.group(2)
            end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
            years.update(range(start, max(end_year, start + 1)))
        return sorted(years)
