"""Filters of the procurement pipeline, all from the query string so every view has a shareable URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet

from plans.filters import govuk_widgets
from plans.selectors import council_choices
from procurement import selectors

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})}
MONEY_FIELD = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
STATUTORY = [("yes", "Yes"), ("no", "No"), ("unknown", "Not stated")]
TIMELINE = [("yes", "Yes: real procurement and contract start dates"), ("no", "No: see the reasons under the chart")]
PAIRS = [  # (from, to, what) checked in order
    ("value_min", "value_max", "Minimum value must not be more than the maximum value"),
    ("procurement_start_from", "procurement_start_to", "Procurement start 'from' must be on or before 'to'"),
    ("contract_start_from", "contract_start_to", "Contract start 'from' must be on or before 'to'"),
]


class PipelineForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns (its stubs allow None)
        for low, high, message in PAIRS:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, message)
        return data


class PipelineFilter(django_filters.FilterSet):
    council = django_filters.ChoiceFilter(label="Council", method="keep", empty_label=None)
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label="Contract title contains", max_length=200
    )
    department = django_filters.ChoiceFilter(
        field_name="plan__department__slug", label="Department", empty_label="All departments"
    )
    plan = django_filters.ChoiceFilter(field_name="plan__slug", label="Plan", empty_label="All plans")
    table = django_filters.ChoiceFilter(method="filter_table", label="Table as printed", empty_label="All tables")
    band = django_filters.ChoiceFilter(method="filter_band", label="Value band as printed", empty_label="Any band")
    group = django_filters.ChoiceFilter(field_name="group", label="Service group", empty_label="All groups")
    value_min = django_filters.NumberFilter(
        field_name="value", lookup_expr="gte", label="Estimated value at least (£)", **MONEY_FIELD
    )
    value_max = django_filters.NumberFilter(
        field_name="value", lookup_expr="lte", label="Estimated value at most (£)", **MONEY_FIELD
    )
    procurement_start_from = django_filters.DateFilter(
        field_name="procurement_start", lookup_expr="gte", label="Procurement start from", **DATE_WIDGET
    )
    procurement_start_to = django_filters.DateFilter(
        field_name="procurement_start", lookup_expr="lte", label="Procurement start to", **DATE_WIDGET
    )
    contract_start_from = django_filters.DateFilter(
        field_name="contract_start", lookup_expr="gte", label="Contract start from", **DATE_WIDGET
    )
    contract_start_to = django_filters.DateFilter(
        field_name="contract_start", lookup_expr="lte", label="Contract start to", **DATE_WIDGET
    )
    statutory = django_filters.ChoiceFilter(
        choices=STATUTORY, method="filter_statutory", label="Statutory", empty_label="Any"
    )
    timeline = django_filters.ChoiceFilter(
        choices=TIMELINE, method="filter_timeline", label="On the timeline", empty_label="Any"
    )

    DATE_FILTERS = ("procurement_start_from", "procurement_start_to", "contract_start_from", "contract_start_to")

    class Meta:
        form = PipelineForm
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        choices: selectors.FilterChoices,
        one_plan: bool = False,
        councils: list | None = None,
        **kwargs,
    ):
        super().__init__(data, queryset, **kwargs)
        council_names = [] if one_plan else council_choices(councils or [])
        if council_names:
            self.filters["council"].extra["choices"] = council_names
        else:
            del self.filters["council"]
        if one_plan:
            del self.filters["department"], self.filters["plan"]
        else:
            self.filters["department"].extra["choices"] = choices.departments
            self.filters["plan"].extra["choices"] = choices.plans
        self.filters["table"].extra["choices"] = choices.tables
        self.filters["band"].extra["choices"] = choices.bands
        self.filters["group"].extra["choices"] = choices.groups
        self.filters["value_min"].extra["help_text"] = "In pounds: 1000000 for £1m"
        govuk_widgets(self.form)

    @property
    def filtered_dates(self) -> list[str]:
        """The date fields a valid date filter applies to (rows with no real date there cannot match)."""
        if not self.is_valid():
            return []
        return [
            field
            for field in ("procurement_start", "contract_start")
            if any(self.form.cleaned_data.get(f"{field}_{end}") for end in ("from", "to"))
        ]

    def qs_without_dates(self) -> QuerySet:
        """The rows matching every filter except the date filters."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in self.DATE_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def keep(self, queryset, name, value):
        return queryset

    def filter_table(self, queryset, name, value):
        slug, _, order = value.rpartition("-table-")
        return queryset.filter(plan__slug=slug, table__order=int(order))

    def filter_band(self, queryset, name, value):
        return queryset.filter(selectors.band_q(value))

    def filter_statutory(self, queryset, name, value):
        return queryset.filter(statutory={"yes": True, "no": False, "unknown": None}[value])

    def filter_timeline(self, queryset, name, value):
        dated = Q(
            procurement_start__isnull=False, contract_start__isnull=False, contract_start__gte=F("procurement_start")
        )
        return queryset.filter(dated) if value == "yes" else queryset.exclude(dated)


class NoticeForm(forms.Form):
    """`?from=YYYY-MM-DD`: the first day of the 18 months (default today)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the field is added here rather than declared.
        self.fields["from"] = forms.DateField(
            label="Contracts starting in the 18 months from",
            required=False,
            help_text="A date, for example 2025-04-01 (the start of the 2025-26 financial year). Blank means today.",
            widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
        )

    def start(self, today: dt.date) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("from"):
            return self.cleaned_data["from"]
        return today
