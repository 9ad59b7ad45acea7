"""The forms of a department's targets page (a proposed target per KPI) and its reporting page (how often each
KPI is reported and when its figure falls due)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from kpis.models import Kpi
from kpis.periods import Period, year_periods
from kpis.targets import TargetEntry, TargetError, target_read


class TargetForm(forms.Form):
    """A target proposed for one KPI: the period, the words (read by the documents' target parser) and an
    optional tolerance. Blank target: nothing for this KPI."""

    period = forms.ChoiceField(label="Period", required=False)  # "" is the whole year
    target = forms.CharField(required=False, max_length=100, label="Target")
    tolerance = forms.DecimalField(
        required=False, label="Near-target tolerance (optional)", max_digits=20, decimal_places=4, min_value=0
    )

    def __init__(self, *args, kpi: Kpi, periods: list[Period], **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi, self.periods = kpi, {p.code: p for p in periods}
        cast(forms.ChoiceField, self.fields["period"]).choices = [(p.code, p.label) for p in periods]
        self.fields["target"].error_messages["max_length"] = "The target is too long (at most 100 characters)"
        self.fields["tolerance"].error_messages["invalid"] = "Enter the tolerance as a number, like 2"
        self.fields["tolerance"].error_messages["min_value"] = "The tolerance cannot be below zero"
        css = {"period": "govuk-select", "target": "govuk-input govuk-input--width-20"}
        for name, field in self.fields.items():
            field.widget.attrs["class"] = css.get(name, "govuk-input govuk-input--width-5")
        self.entry: TargetEntry | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, text = data.get("period"), (data.get("target") or "").strip()
        if code not in self.periods or not text or self.has_error("target") or self.has_error("tolerance"):
            return data
        try:
            self.entry = target_read(
                kpi=self.kpi, period=self.periods[code], text=text, tolerance=data.get("tolerance")
            )
        except TargetError as exc:
            self.add_error("target", str(exc))
        return data


def target_forms(*, kpis: list[Kpi], year: int, data=None) -> list[TargetForm]:
    """One target form per KPI, for the periods of `year` its frequency reports (the whole year first). No
    query."""
    found = []
    for kpi in kpis:
        periods = [Period(year)] + [p for p in year_periods(year) if p.frequency == kpi.frequency]
        found.append(TargetForm(data, prefix=f"kpi-{kpi.pk}", kpi=kpi, periods=periods, initial={"period": ""}))
    return found


class ReportingForm(forms.Form):
    """How often one KPI is reported and how many working days after each period its figure falls due."""

    frequency = forms.ChoiceField(choices=Kpi.Frequency.choices, label="Reported")
    due_working_days = forms.IntegerField(
        min_value=1,
        max_value=60,
        label="Due (working days after the period ends)",
        error_messages={
            "invalid": "Enter a whole number of working days, like 15",
            "min_value": "Enter at least 1 working day",
            "max_value": "Enter at most 60 working days",
            "required": "Enter the number of working days, like 15",
        },
    )

    def __init__(self, *args, kpi: Kpi, **kwargs):
        kwargs.setdefault("initial", {"frequency": kpi.frequency, "due_working_days": kpi.due_working_days})
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.fields["frequency"].widget.attrs["class"] = "govuk-select"
        self.fields["due_working_days"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
