"""Money: headline figures, service pressures, savings, and budget tables (the approved controllable
budget, and ETE's capital programmes) kept cell by cell as printed and as reconciled."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from plans.models import Plan, Sourced, text_list

MONEY = {"max_digits": 16, "decimal_places": 2}


class BudgetHeadline(Sourced):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_headlines")
    label = models.CharField(max_length=300)
    printed = models.CharField(max_length=100)
    value = models.DecimalField(**MONEY, null=True)
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]


class ServicePressure(Sourced):
    class Kind(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        ONGOING_CONTINGENCY = "ongoing_contingency", "Ongoing contingency"
        ONE_OFF = "one_off", "One-off"
        ONE_OFF_CONTINGENCY = "one_off_contingency", "One-off contingency"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pressures")
    title = models.TextField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    printed = models.CharField(max_length=100)
    amount = models.DecimalField(**MONEY)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]


class Saving(Sourced):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="savings")
    title = models.TextField()
    description = models.TextField(blank=True)
    printed = models.CharField(max_length=100)
    amount = models.DecimalField(**MONEY, null=True)
    year = models.PositiveSmallIntegerField(null=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]


class BudgetTable(Sourced):
    class Kind(models.TextChoices):
        CONTROLLABLE = "controllable", "Approved controllable budget"
        CAPITAL = "capital", "Capital programme"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_tables")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    unit = models.CharField(max_length=20, help_text="Unit as printed")
    multiplier = models.PositiveIntegerField(default=1, help_text="Printed figure x multiplier = pounds")
    rounding = models.PositiveSmallIntegerField(
        default=0, help_text="Printed units a sum may be out by because the printed figures are rounded")
    unit_note = models.TextField(blank=True)
    notes = text_list()
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]


class BudgetColumn(models.Model):
    class Role(models.TextChoices):
        CATEGORY = "category", "Cost category"
        GROSS = "gross", "Gross budget"
        INCOME = "income", "Income"
        GRANTS = "grants", "Grants"
        NET = "net", "Net budget"
        OTHER = "other", "Other"

    table = models.ForeignKey(BudgetTable, on_delete=models.CASCADE, related_name="columns")
    label = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Role.choices)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["table", "order"]


class BudgetRow(Sourced):
    class Kind(models.TextChoices):
        ROW = "row", "Row"
        SUBTOTAL = "subtotal", "Subtotal"
        TOTAL = "total", "Total"

    table = models.ForeignKey(BudgetTable, on_delete=models.CASCADE, related_name="rows")
    division = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ROW)
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["table", "order"]

    @property
    def source_plan(self) -> Plan:
        return self.table.plan


class BudgetCell(models.Model):
    """One printed figure. `printed_value` is what the print says (x the table's multiplier);
    `value` is what reconciles. They differ only where `note` explains the repair."""

    row = models.ForeignKey(BudgetRow, on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(BudgetColumn, on_delete=models.CASCADE, related_name="cells")
    printed = models.CharField(max_length=100, blank=True)
    printed_value = models.DecimalField(**MONEY, null=True)
    value = models.DecimalField(**MONEY, null=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["row", "column__order"]
        constraints = [models.UniqueConstraint(fields=["row", "column"], name="budgetcell_unique_row_column")]

    @property
    def amount(self) -> Decimal:
        return self.value or Decimal(0)

    @property
    def is_repaired(self) -> bool:
        return bool(self.note)
