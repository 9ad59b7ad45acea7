"""The pipeline table: every printed row, its figures as printed, each figure that is not a real value or date
with a word beside it; sortable, and downloaded as CSV/Excel with the same rows and columns."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.urls import reverse

from plans.html import format_html
from plans.templatetags.plan_extras import money
from procurement.models import ProcurementEntry
from procurement.selectors import Shown, shown_date, shown_length, shown_statutory, shown_value

NUM = {"td": {"class": "app-num"}, "th": {"class": "app-num"}}
TAGS = {"problem": "govuk-tag--yellow", "word": "govuk-tag--grey"}
TIE = ("plan__department__name", "-plan__financial_year", "order")


def render_shown(shown: Shown):
    """Printed text, then the word that says what it is (a tag, so it reads as a status, not a figure)."""
    if not shown.word:
        return shown.text
    if shown.kind == "absent":
        word = format_html('<span class="app-muted">{}</span>', shown.word)
    else:
        word = format_html('<strong class="govuk-tag {}">{}</strong>', TAGS[shown.kind], shown.word)
    detail = format_html('<br><span class="app-muted">{}</span>', shown.detail) if shown.detail else ""
    if shown.text:
        return format_html("{} {}{}", shown.text, word, detail)
    return format_html("{}{}", word, detail)


def _nulls_last(
    queryset: QuerySet[ProcurementEntry], name: str, is_descending: bool, *then: str | OrderBy
) -> tuple[QuerySet[ProcurementEntry], bool]:
    expression = F(name).desc(nulls_last=True) if is_descending else F(name).asc(nulls_last=True)
    return queryset.order_by(expression, *then, *TIE), True


class PipelineTable(tables.Table):
    title = tables.Column(verbose_name="Contract")
    department = tables.Column(
        accessor="plan__department__name",
        verbose_name="Department",
        order_by=("plan__department__name", "-plan__financial_year", "order"),
    )
    plan = tables.Column(
        accessor="plan", verbose_name="Plan", order_by=("-plan__financial_year", "plan__slug", "order")
    )
    group = tables.Column(verbose_name="Service group", empty_values=(), order_by=("group", "subgroup", *TIE))
    table = tables.Column(
        accessor="table",
        verbose_name="Table and value band as printed",
        order_by=("plan__slug", "table__order", "order"),
    )
    value = tables.Column(verbose_name="Estimated value", empty_values=(), attrs=NUM)
    procurement_start = tables.Column(verbose_name="Procurement start", empty_values=())
    advert = tables.Column(verbose_name="Advert", empty_values=())
    contract_start = tables.Column(verbose_name="Contract start", empty_values=())
    length = tables.Column(accessor="length_printed", verbose_name="Contract length (months)", empty_values=())
    statutory = tables.Column(verbose_name="Statutory", empty_values=())

    class Meta:
        model = ProcurementEntry
        fields = ()
        empty_text = "No contract matches these filters."

    def __init__(self, *args, caption: str = "", plan_links: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.plan_links = plan_links

    # -- cells ----------------------------------------------------------------------------------------
    def render_title(self, value, record):
        if record.notes:
            return format_html('{}<br><span class="app-muted">Note: {}</span>', value, record.notes)
        return value

    def value_title(self, value, record):
        return f"{value} (Note: {record.notes})" if record.notes else value

    def render_plan(self, value, record):
        label = f"{value.title} ({value.year_label})"
        if not self.plan_links:
            return label
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', reverse("plan_procurement", args=[value.slug]), label
        )

    def value_plan(self, value, record):
        return f"{value.title} ({value.year_label})"

    def value_group(self, value, record):
        return " – ".join(part for part in (record.group, record.subgroup) if part)

    def render_group(self, value, record):
        return self.value_group(value, record) or format_html('<span class="app-muted">{}</span>', "None printed")

    def render_table(self, value, record):
        if value.band:
            return format_html('{}<br><span class="app-muted">{}</span>', value.title, value.band)
        return value.title

    def value_table(self, value, record):
        return f"{value.title} – {value.band}" if value.band else value.title

    def render_value(self, value, record):
        if record.value is not None:
            return money(record.value)
        return render_shown(shown_value(record))

    def value_value(self, value, record):
        return record.value if record.value is not None else shown_value(record).export

    def _date(self, record, name: str) -> Shown:
        return shown_date(record, name, column_printed=record.table.prints(name))

    def render_procurement_start(self, value, record):
        return render_shown(self._date(record, "procurement_start"))

    def value_procurement_start(self, value, record):
        return self._date(record, "procurement_start").export

    def render_advert(self, value, record):
        return render_shown(self._date(record, "advert"))

    def value_advert(self, value, record):
        return self._date(record, "advert").export

    def render_contract_start(self, value, record):
        return render_shown(self._date(record, "contract_start"))

    def value_contract_start(self, value, record):
        return self._date(record, "contract_start").export

    def render_length(self, value, record):
        return render_shown(shown_length(record, column_printed=record.table.prints("length")))

    def value_length(self, value, record):
        return shown_length(record, column_printed=record.table.prints("length")).export

    def render_statutory(self, value, record):
        return render_shown(shown_statutory(record, column_printed=record.table.prints("statutory")))

    def value_statutory(self, value, record):
        return shown_statutory(record, column_printed=record.table.prints("statutory")).export

    # -- sorting: rows with no real figure always sort last ----------------------------------------------
    def order_value(self, queryset, is_descending):
        return _nulls_last(queryset, "value", is_descending)

    def order_procurement_start(self, queryset, is_descending):
        return _nulls_last(queryset, "procurement_start", is_descending, F("contract_start").asc(nulls_last=True))

    def order_advert(self, queryset, is_descending):
        return _nulls_last(queryset, "advert", is_descending)

    def order_contract_start(self, queryset, is_descending):
        return _nulls_last(queryset, "contract_start", is_descending, F("procurement_start").asc(nulls_last=True))

    def order_length(self, queryset, is_descending):
        return _nulls_last(queryset, "length_months", is_descending)

    def order_statutory(self, queryset, is_descending):
        return _nulls_last(queryset, "statutory", is_descending)


class PrintedPipelineTable(PipelineTable):
    """One plan's pipeline. In the document's order it prints each table's heading, value band, printed
    total against the sum of its rows, and the service group headings between the rows."""

    class Meta(PipelineTable.Meta):
        template_name = "procurement/printed_table.html"

    def __init__(self, *args, printed_order: bool = True, exclude=(), **kwargs):
        super().__init__(*args, exclude=("department", "plan", *exclude), **kwargs)
        self.printed_order = printed_order
        if printed_order:
            # The headings between the rows carry the table and group; the download keeps both columns.
            self.columns.hide("table")
            self.columns.hide("group")
