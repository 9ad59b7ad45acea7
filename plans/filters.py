"""Filters for the council-wide deliverable and risk tables, read from the query string (django-filter).

Dates are filtered at month precision. A deliverable's printed date is read as the period it names
('Mar 2023' is the whole of March 2023, '2018' the whole of 2018), and it matches a date range when that
period overlaps the range. Dates printed as words ('Ongoing', 'Underway', 'To be confirmed') or left
blank have no period: they are left out whenever a date range is set, unless the reader asks to include
them, so that a range never silently claims an undated deliverable falls inside it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from plans import parsing
from plans.models import Deliverable, Department, Plan, Risk
from plans.selectors import council_choices, council_pick, councils_in_order

ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.Field):
    """A month: '2021-04' (what a browser's month picker sends), '04/2021', 'Apr 2021' or 'April 2021'.
    Cleans to the first day of that month."""

    default_error_messages = {"invalid": "Enter a month and year, for example 2021-04 or April 2021"}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "month"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: object) -> dt.date | None:
        text = "" if value in self.empty_values else str(value).strip()  # what CharField would have cleaned
        if not text:
            return None
        if len(text) > 20:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        m = ISO_MONTH.match(text)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12 and 1900 <= year <= 2200:
                return dt.date(year, month, 1)
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        parsed = parsing.parse_date(text)
        if parsed.date is None or parsed.precision != "month":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed.date


class MonthFilter(django_filters.Filter):
    """Parsed here, applied by the FilterSet (a range and the 'include undated' choice work together)."""

    field_class = MonthField

    def filter(self, qs: QuerySet, value) -> QuerySet:
        return qs


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def overlaps(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    """Rows whose printed date (a day, a month or a year) overlaps the months from `start` to `end`."""
    q = Q(**{f"{field}__isnull": False})
    if end is not None:
        q &= Q(**{f"{field}__lte": month_end(end)})
    if start is not None:
        # A year-only date ('2018') is stored as 1 January; it still covers every month of that year.
        q &= Q(**{f"{field}__gte": start}) | Q(**{f"{field}_precision": "year", f"{field}__year__gte": start.year})
    return q


def _choices(values) -> list[tuple[str, str]]:
    return [(v, v) for v in sorted({v for v in values if v})]


def govuk_widgets(form: forms.Form) -> None:
    """GOV.UK Frontend classes on every widget that does not set its own."""
    for field in form.fields.values():
        css = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
        field.widget.attrs.setdefault("class", css)


class PlanScopedFilterSet(django_filters.FilterSet):
    """Filters over records of plans (they have a `plan`), scoped to one council: the rows, and the
    department and plan choices, are that council's. With more than one council loaded, a council choice
    (?council=<slug>, default the first real council: plans.selectors.council_pick); `self.council` is it."""

    council = django_filters.ChoiceFilter(label="Council", method="keep", empty_label=None)
    department = django_filters.ModelChoiceFilter(
        field_name="plan__department",
        queryset=Department.objects.none(),
        to_field_name="slug",
        label="Department",
        empty_label="All departments",
    )
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.none(), to_field_name="slug", empty_label="All plans")
    plan_order: tuple[str, ...] = ("department__name", "-financial_year", "slug")

    def __init__(self, data=None, queryset=None, **kwargs):
        councils = councils_in_order()
        council = council_pick(councils, (data or {}).get("council"))  # 404 for an unknown council
        if queryset is not None:
            queryset = queryset.filter(plan__department__council=council)
        super().__init__(data, queryset, **kwargs)
        self.council = council
        self.filters["department"].queryset = Department.objects.filter(council=council)
        self.filters["plan"].queryset = (
            Plan.objects.filter(department__council=council).select_related("department").order_by(*self.plan_order)
        )
        if choices := council_choices(councils):
            self.filters["council"].extra["choices"] = choices
        else:
            del self.filters["council"]
        self.set_choices()
        govuk_widgets(self.form)  # builds the form: choices must be set before

    def set_choices(self) -> None:
        """Subclasses fill choices drawn from the council's rows here."""

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset


class DeliverableFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns; a subclass's clean may return None
        for name in ("start", "end"):
            low, high = data.get(f"{name}_from"), data.get(f"{name}_to")
            if low and high and low > high:
                self.add_error(f"{name}_to", f"The {name} range must end on or after the month it starts")
        return data


class DeliverableFilter(PlanScopedFilterSet):
    council_priority = django_filters.ChoiceFilter(label="Council priority or outcome", empty_label="Any")
    section = django_filters.ChoiceFilter(choices=Deliverable.Section.choices, empty_label="Any section")
    lead = django_filters.CharFilter(lookup_expr="icontains", label="Lead officer contains", max_length=200)
    start_from = MonthFilter(label="Starts from", help_text="Month, for example 2021-04")
    start_to = MonthFilter(label="Starts by", help_text="Month, for example 2022-03")
    end_from = MonthFilter(label="Ends from", help_text="Month, for example 2021-04")
    end_to = MonthFilter(label="Ends by", help_text="Month, for example 2023-03")
    undated = django_filters.ChoiceFilter(
        label="Dates printed as words or blank",
        method="keep",
        empty_label="Leave out when a date range is set",
        choices=[("include", "Include (such as Ongoing)")],
        help_text="For example Ongoing, Underway, To be confirmed",
    )
    in_council_plan = django_filters.ChoiceFilter(
        label="Listed in the Council Plan",
        method="filter_in_council_plan",
        empty_label="Any",
        choices=[("yes", "Yes"), ("no", "No"), ("not-stated", "Not stated")],
    )

    class Meta:
        model = Deliverable
        fields = [
            "council",
            "department",
            "plan",
            "council_priority",
            "section",
            "lead",
            "start_from",
            "start_to",
            "end_from",
            "end_to",
            "undated",
            "in_council_plan",
        ]
        form = DeliverableFilterForm

    def set_choices(self) -> None:
        priorities = self.queryset.order_by().values_list("council_priority", flat=True).distinct()
        self.filters["council_priority"].extra["choices"] = _choices(priorities)

    def filter_in_council_plan(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        flag = {"yes": True, "no": False}.get(value)
        return queryset.filter(in_council_plan__isnull=True) if flag is None else queryset.filter(in_council_plan=flag)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        for name in ("start", "end"):
            low, high = data.get(f"{name}_from"), data.get(f"{name}_to")
            if low is None and high is None:
                continue
            q = overlaps(name, low, high)
            if data.get("undated") == "include":
                q |= Q(**{f"{name}__isnull": True})
            queryset = queryset.filter(q)
        return queryset


class RiskFilter(PlanScopedFilterSet):
    type = django_filters.ChoiceFilter(label="Type", empty_label="Any type")
    owner = django_filters.CharFilter(lookup_expr="icontains", label="Owner contains", max_length=200)
    council_priority = django_filters.ChoiceFilter(label="Council priority", empty_label="Any")
    section = django_filters.ChoiceFilter(label="Part of the plan", empty_label="Any")

    class Meta:
        model = Risk
        fields = ["council", "department", "plan", "type", "owner", "council_priority", "section"]

    def set_choices(self) -> None:
        rows = list(self.queryset.order_by().values_list("type", "council_priority", "section").distinct())
        for i, name in enumerate(("type", "council_priority", "section")):
            self.filters[name].extra["choices"] = _choices(row[i] for row in rows)
