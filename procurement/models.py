"""The forward plan / commercial pipeline of procurement."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce

from plans.models import Plan, SearchDocument, Sourced, search_vector, stored_document, text_list


class MoneyOptions(TypedDict):
    """The DecimalField options every sum of money shares (typed, so mypy checks them against DecimalField)."""

    max_digits: int
    decimal_places: int


MONEY: MoneyOptions = {"max_digits": 16, "decimal_places": 2}


# The columns a printed table may or may not have (ETE prints no procurement start; only 2025-29 prints adverts).
OPTIONAL_COLUMNS = ("procurement_start", "advert", "contract_start", "length", "statutory")


class ProcurementTableQuerySet(models.QuerySet):
    def summarise(self) -> int:
        """Store the figures of these tables' rows on each table (rows_figures). Call after every write of
        pipeline rows: the loader and the scale generator do. 1 query."""
        return self.update(**rows_figures(ProcurementEntry))


class ProcurementTable(Sourced):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="procurement_tables")
    title = models.CharField(max_length=300)
    band = models.TextField(blank=True, help_text="Value band as printed")
    printed_total = models.CharField(max_length=100, blank=True)
    total = models.DecimalField(**MONEY, null=True)
    notes = text_list()
    order = models.PositiveIntegerField()
    # Figures of the table's rows, stored by ProcurementTable.objects.summarise() when rows are written: every
    # pipeline row shows its table's, and working them out per row read the table again for each row.
    row_count = models.PositiveIntegerField(default=0)
    valued_count = models.PositiveIntegerField(default=0, help_text="Rows with a value")
    value_sum = models.DecimalField(**MONEY, null=True, help_text="Sum of the rows' values (none: no row has one)")
    prints_procurement_start = models.BooleanField(default=True)
    prints_advert = models.BooleanField(default=True)
    prints_contract_start = models.BooleanField(default=True)
    prints_length = models.BooleanField(default=True)
    prints_statutory = models.BooleanField(default=True)

    objects = ProcurementTableQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]

    def prints(self, column: str) -> bool:
        """Whether any row of the table has text in the optional column `column` (OPTIONAL_COLUMNS)."""
        return getattr(self, f"prints_{column}")


def rows_figures(entry_model) -> dict[str, BaseExpression]:
    """ProcurementTable's stored figures as expressions over its rows (`entry_model`: ProcurementEntry, or
    its historical model in a migration)."""
    rows = entry_model.objects.filter(table=models.OuterRef("pk")).order_by().values("table")
    return {
        "row_count": Coalesce(models.Subquery(rows.annotate(n=models.Count("pk")).values("n")), 0),
        "valued_count": Coalesce(models.Subquery(rows.annotate(n=models.Count("value")).values("n")), 0),
        "value_sum": models.Subquery(rows.annotate(s=models.Sum("value")).values("s")),
        **{f"prints_{name}": models.Exists(rows.exclude(**{f"{name}_printed": ""})) for name in OPTIONAL_COLUMNS},
    }


def procurement_document() -> SearchDocument:
    return search_vector(("title", "A"), ("group", "B"), ("subgroup", "B"))


class ProcurementEntry(Sourced):
    """A pipeline row. Every date keeps its printed text; a date that is not a real date (31/09/2020)
    or is words (TBA) has no parsed date and, where it looks like a date, a `*_problem`."""

    table = models.ForeignKey(ProcurementTable, on_delete=models.CASCADE, related_name="entries")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="procurement_entries")
    group = models.CharField(max_length=200, blank=True)
    subgroup = models.CharField(max_length=200, blank=True)
    title = models.TextField()
    value_printed = models.CharField(max_length=100, blank=True)
    value = models.DecimalField(**MONEY, null=True)
    value_status = models.CharField(max_length=20, blank=True)
    procurement_start_printed = models.CharField(max_length=100, blank=True)
    procurement_start = models.DateField(null=True)
    procurement_start_problem = models.CharField(max_length=200, blank=True)
    advert_printed = models.CharField(max_length=100, blank=True)
    advert = models.DateField(null=True)
    advert_problem = models.CharField(max_length=200, blank=True)
    contract_start_printed = models.CharField(max_length=100, blank=True)
    contract_start = models.DateField(null=True)
    contract_start_problem = models.CharField(max_length=200, blank=True)
    length_printed = models.CharField(max_length=100, blank=True)
    length_months = models.PositiveIntegerField(null=True)
    statutory_printed = models.CharField(max_length=10, blank=True)
    statutory = models.BooleanField(null=True)
    notes = models.TextField(blank=True)
    order = models.PositiveIntegerField()
    search_document = stored_document(procurement_document())
    # Not stored: set on rows in document order by procurement.selectors.printed_order_sections, for the
    # template to print the document's headings between rows.
    table_shown: int
    table_difference: Decimal | None
    starts_table: bool
    starts_group: bool

    class Meta:
        ordering = ["plan", "order"]
        indexes = [
            # The pipeline table sorts and filters by procurement start and contract start.
            models.Index(fields=["procurement_start"], name="procurement_start_idx"),
            models.Index(fields=["contract_start"], name="procurement_contract_start_idx"),
            # Search (search/selectors.py): search_document @@ the query.
            GinIndex(fields=["search_document"], name="procurement_search_idx"),
        ]
