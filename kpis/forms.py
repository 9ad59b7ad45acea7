"""Entering KPI values: one form per KPI on a department's update page, and the same form for each row of
a bulk upload, so a value is validated the same way however it arrives."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from django import forms
from django.utils import timezone

from kpis.assessment import OFF_TRACK, assess
from kpis.models import Benchmark, Kpi, KpiValue
from kpis.periods import Period, recent_periods, year_periods
from kpis.services import EntryData, figures_published, newest_entries
from plans.models import ClosedPeriod, Plan
from plans.parsing import fy_label, parse_value
from plans.widgets import DrawnWidgets

NUMBER_TOO_LONG = "Enter a number, like 12.5 (that is too long to be one)"


def month_label(day: dt.date) -> str:
    return day.strftime("%B %Y")


class KpiEntryForm(forms.Form):
    """The latest value of one KPI. Blank value and blank benchmark: nothing to save for this KPI."""

    default_renderer = DrawnWidgets  # a hundred of these on a large plan's form: widgets drawn in Python
    # The GOV.UK classes and the messages that name no KPI are set here, once, not on each of a hundred forms.
    value = forms.CharField(
        required=False,
        max_length=50,
        label="Latest value",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"max_length": NUMBER_TOO_LONG},
    )
    year = forms.TypedChoiceField(
        coerce=int,
        label="Financial year",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Choose the financial year the value is for"},
    )
    as_at = forms.CharField(
        required=False,
        max_length=7,
        label="As at (month)",
        help_text="For example 2025-12",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"max_length": "Enter the as-at month as year and month, like 2025-12"},
    )
    provisional = forms.BooleanField(
        required=False, label="Provisional", widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"})
    )
    commentary = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
        label="Commentary",
    )
    action = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
        label="Remedial action",
    )
    action_owner = forms.CharField(
        required=False,
        max_length=200,
        label="Action owner",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    action_due = forms.CharField(
        required=False,
        max_length=10,
        label="Action due by",
        help_text="For example 2027-01-31",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    benchmark = forms.CharField(
        required=False,
        max_length=50,
        label="National average (optional)",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"max_length": NUMBER_TOO_LONG},
    )
    seen = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Set by the spreadsheet upload on a valid row, for its preview: what the KPI shows for that year now.
    previous: str
    previous_by: str

    def __init__(
        self,
        *args,
        kpi: Kpi,
        years: list[int],
        closed: set[int],
        newest: KpiValue | None,
        reported: dict[int, tuple[int, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kpi, self.years, self.closed, self.newest = kpi, years, closed, newest
        # figures_published() for the form's KPIs, read once for all of them by whoever builds the forms
        self.reported = reported
        if kpi.frequency != Kpi.Frequency.ANNUAL:
            self.fields["period"] = period_field(kpi.frequency)
        # The stubs type self.fields as plain Fields; "year" is the TypedChoiceField declared above.
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [(y, fy_label(y)) for y in years]
        self.fields["year"].error_messages["invalid_choice"] = (
            f"That year is outside the years this plan covers ({fy_label(years[0])} to {fy_label(years[-1])})"
        )
        self.fields["value"].label = f"Latest value ({kpi.get_unit_display()})"
        self.benchmark_kind = benchmark_kind(kpi, years)
        self.benchmark_kind_label = Benchmark.Kind(self.benchmark_kind).label
        self.fields["benchmark"].label = f"{self.benchmark_kind_label} (optional)"

    @property
    def period_label(self) -> str:
        """The validated value's period: '2025-26', 'Q2 2026-27' (call after is_valid())."""
        return Period(self.cleaned_data["year"], self.cleaned_data.get("period") or "").label

    def has_entry(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("value_number") is not None or data.get("rating") or data.get("benchmark_number") is not None
        )

    def entry(self) -> EntryData:
        """The validated entry, as the save service takes it (call after is_valid())."""
        data = self.cleaned_data
        return EntryData(
            kpi=self.kpi,
            year=data["year"],
            period=data.get("period") or "",
            seen=data.get("seen") or 0,
            value=data.get("value") or "",
            value_number=data.get("value_number"),
            rating=data.get("rating") or "",
            as_at=data.get("as_at"),
            provisional=data.get("provisional", False),
            commentary=data.get("commentary", ""),
            action=data.get("action") or "",
            action_owner=data.get("action_owner") or "",
            action_due=data.get("action_due"),
            benchmark_number=data.get("benchmark_number"),
            benchmark_kind=self.benchmark_kind,
        )

    # -- field rules ------------------------------------------------------------------------------------
    def _number(self, raw: str, field: str) -> Decimal | None:
        raw = (raw or "").strip()
        if not raw:
            return None
        parsed = parse_value(raw)
        if parsed.value is None or not parsed.ok or parsed.note:
            raise forms.ValidationError(f"Enter a number, like 12.5, not “{raw[:40]}”", code="not_a_number")
        number = parsed.value
        if abs(number) >= Decimal("1e12"):
            raise forms.ValidationError("That number is too large", code="too_large")
        if self.kpi.unit == Kpi.Unit.PERCENT and not (0 <= number <= 100):
            raise forms.ValidationError("A percentage must be between 0 and 100", code="percent_range")
        if self.kpi.unit in {Kpi.Unit.COUNT, Kpi.Unit.DAYS} and number < 0:
            raise forms.ValidationError("A count cannot be below zero", code="negative")
        return number

    def clean_value(self) -> str:
        raw = (self.cleaned_data.get("value") or "").strip()
        self.cleaned_data["value_number"], self.cleaned_data["rating"] = None, ""
        if self.kpi.unit == Kpi.Unit.RAG:  # a RAG-rated measure takes a rating, not a number
            if raw and raw.lower() not in {"green", "amber", "red"}:
                raise forms.ValidationError(
                    f"Enter the rating as Green, Amber or Red, not “{raw[:40]}”", code="not_a_rating"
                )
            self.cleaned_data["rating"] = raw.title()
            return self.cleaned_data["value"]
        self.cleaned_data["value_number"] = self._number(raw, "value")
        return self.cleaned_data["value"]

    def clean_benchmark(self) -> str:
        self.cleaned_data["benchmark_number"] = self._number(self.cleaned_data.get("benchmark", ""), "benchmark")
        return self.cleaned_data["benchmark"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year not in self.years:  # choices already refuse this; kept for uploads, which pass any year
            raise forms.ValidationError(
                f"{fy_label(year)} is outside the years this plan covers ({fy_label(self.years[0])} to "
                f"{fy_label(self.years[-1])})",
                code="year_not_covered",
            )
        return year

    def clean_as_at(self) -> dt.date | None:
        raw = (self.cleaned_data.get("as_at") or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw + "-01")
        except ValueError:
            raise forms.ValidationError(
                "Enter the as-at month as year and month, like 2025-12", code="bad_month"
            ) from None

    def clean_action_due(self) -> dt.date | None:
        raw = (self.cleaned_data.get("action_due") or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(
                f"Enter the date the action is due as year-month-day, like 2027-01-31, not “{raw}”"
            ) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns (its stubs allow None)
        action = (data.get("action") or "").strip()
        if not action and ((data.get("action_owner") or "").strip() or data.get("action_due")):
            self.add_error("action", "Describe the remedial action that the owner and date are for")
        year, as_at = data.get("year"), data.get("as_at")
        value = data.get("value_number") if data.get("value_number") is not None else (data.get("rating") or None)
        if year is None:
            return data
        if value is None and data.get("benchmark_number") is None:
            # A value that is there but wrong has its own error already: do not also say it is missing.
            if (data.get("commentary") or as_at or action) and not (
                self.has_error("value") or self.has_error("benchmark")
            ):
                self.add_error("value", "Enter the latest value, or clear the other fields for this measure")
            return data
        if year in self.closed:
            self.add_error(
                "year",
                f"{fy_label(year)} is closed for {self.kpi.plan.department.name}: values for it "
                "can no longer be changed. Ask an administrator if it must be reopened",
            )
            return data
        if as_at is not None and not (dt.date(year, 4, 1) <= as_at <= dt.date(year + 1, 3, 1)):
            self.add_error(
                "as_at",
                f"The as-at month must be within {fy_label(year)} (April {year} to March "
                f"{year + 1}), not {month_label(as_at)}",
            )
        seen = data.get("seen") or 0
        newest = self.newest
        if newest is not None and newest.pk != seen and newest.is_entry:
            who = newest.entrant().get_full_name() or newest.entrant().username
            when = newest.entry_time().strftime("%-d %B %Y at %H:%M")
            self.add_error(
                None,
                forms.ValidationError(
                    f"{who} saved {newest.printed} for {newest.year_label} on {when}, after you opened this page. Your "
                    "value was not saved: check theirs, then save again if yours should replace it.",
                    code="conflict",
                ),
            )
            data["seen"] = newest.pk  # saving again replaces it knowingly
        if value is not None and not (data.get("commentary") or "").strip():
            shown = self.reported.get(self.kpi.pk)
            if shown is not None and year >= shown[0]:
                self.add_error(
                    "commentary",
                    f"Give the reason for the change: the published report pack “{shown[1]}” showed this measure",
                )
            elif self.would_be_off_track(data):
                self.add_error("commentary", "Explain the value: it is off track against its target")
        return data

    def would_be_off_track(self, data: dict[str, Any]) -> bool:
        rating = data.get("rating") or ""
        entry = KpiValue(
            kpi=self.kpi,
            year=data["year"],
            period=data.get("period") or "",
            kind=KpiValue.Kind.LATEST,
            value=data["value_number"],
            printed=data.get("value", ""),
            source="entry",
            entered_at=dt.datetime.max,
            order=10**9,
            status="rag" if rating else "",
            note=rating,
        )
        values = [v for v in self.kpi.values.all()] + [entry]
        prefetched = "benchmarks" in getattr(self.kpi, "_prefetched_objects_cache", {})
        benchmarks = self.kpi.benchmark_figures() if prefetched else {}
        if data.get("benchmark_number") is not None:
            benchmarks[data["year"]] = data["benchmark_number"]
        result = assess(
            values=values,
            unit=self.kpi.unit,
            higher_is_better=self.kpi.higher_is_better,
            tolerance=self.kpi.tolerance,
            benchmarks=benchmarks,
        )
        if rating:
            return result.status == OFF_TRACK  # a rating is judged from the newest rating, this one
        return result.status == OFF_TRACK and result.value is entry


class _CopiedWhereChanged(dict):
    """KpiEntryForm's declared fields. Django gives each form a deep copy of them so that one form's changes stay
    its own; an entry form changes only the fields named in `changed`, and a large plan's update page builds
    sixty forms (an upload one per row), so the others are shared: nothing changes a field or its widget
    once declared (rendering and validation read them)."""

    def __init__(self, fields: dict, *, changed: set[str]):
        super().__init__(fields)
        self.changed = frozenset(changed)

    def __deepcopy__(self, memo: dict) -> dict:
        return {name: copy.deepcopy(f, memo) if name in self.changed else f for name, f in self.items()}


# KpiEntryForm.__init__ sets the year's choices and message and the value's and benchmark's labels.
KpiEntryForm.base_fields = _CopiedWhereChanged(KpiEntryForm.base_fields, changed={"year", "value", "benchmark"})


@lru_cache(maxsize=4)
def period_field(frequency: str) -> forms.ChoiceField:
    """The period within the financial year a quarterly or monthly KPI's value is for ("" the whole year): one
    field per frequency, shared by the forms (none changes it)."""
    return forms.ChoiceField(
        choices=_period_choices(frequency),
        required=False,
        label="Period",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose a period from the list"},
    )


@lru_cache(maxsize=4)
def _period_choices(frequency: str) -> tuple[tuple[str, str], ...]:
    return (("", "Whole year"),) + tuple(
        (p.code, p.code if p.frequency == "quarterly" else p.label.split()[0])
        for p in year_periods(2000)
        if p.frequency == frequency
    )


def entry_forms(*, plan: Plan, kpis: list[Kpi], data=None) -> list[KpiEntryForm]:
    """One entry form per KPI of the plan. 2 queries (newest entries, closed years), and for posted data those
    that say which figures published report packs showed."""
    newest = newest_entries(kpis=kpis)
    reported = figures_published(kpis=kpis) if data is not None else {}
    closed = set(ClosedPeriod.objects.filter(department_id=plan.department_id).values_list("year", flat=True))
    years = plan.covered_years()
    forms = []
    for kpi in kpis:
        current = newest.get(kpi.pk)
        initial: dict[str, int | str] = {"year": plan.financial_year, "seen": current.pk if current else 0}
        if kpi.frequency != Kpi.Frequency.ANNUAL:  # the period ended most recently, when the plan covers its year
            recent = recent_periods(timezone.localdate(), kpi.frequency, 1)[0]
            if recent.year in years:
                initial |= {"year": recent.year, "period": recent.code}
        forms.append(
            KpiEntryForm(
                data,
                prefix=f"kpi-{kpi.pk}",
                kpi=kpi,
                years=years,
                closed=closed,
                newest=current,
                reported=reported,
                initial=initial,
            )
        )
    return forms


BENCHMARK_KIND = Benchmark.Kind.NATIONAL_AVERAGE
BENCHMARK_KINDS = frozenset(Benchmark.Kind.values)  # (the enum works its values list out afresh on each read)


def benchmark_kind(kpi: Kpi, years: list[int]) -> str:
    """The benchmark the KPI's targets are judged against ('Maintain upper-middle quartile performance' ->
    the upper-middle quartile boundary), preferring a target for a year the plan covers; the national
    average when no target names one. From prefetched values: no query."""
    named = sorted(
        ((v.year not in years, v.year), v.benchmark)
        for v in kpi.values.all()
        if v.kind == KpiValue.Kind.TARGET and v.benchmark in BENCHMARK_KINDS
    )
    return named[0][1] if named else BENCHMARK_KIND
