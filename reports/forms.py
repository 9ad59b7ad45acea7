from __future__ import annotations

import datetime as dt

from django import forms

from plans.models import Council
from plans.selectors import council_choices


class PublishForm(forms.Form):
    period = forms.CharField(max_length=60, label="Reporting period", help_text="For example Q2 2025-26")
    meeting_date = forms.DateField(
        label="Cabinet meeting date", help_text="For example 2025-12-11", input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    confirm = forms.BooleanField(
        label="I understand the pack cannot be changed once published",
        error_messages={"required": "Confirm that the pack cannot be changed once published"},
    )

    def __init__(self, *args, councils: list[Council], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].error_messages["required"] = "Enter the reporting period, for example Q2 2025-26"
        self.fields["meeting_date"].error_messages.update(
            required="Enter the cabinet meeting date, for example 2025-12-11",
            invalid="Enter the meeting date as year-month-day, for example 2025-12-11",
        )
        choices = council_choices(councils)
        if choices:
            self.fields["council"] = forms.ChoiceField(choices=choices, label="Council")
            self.order_fields(["council", "period", "meeting_date", "confirm"])

    def clean_meeting_date(self) -> dt.date:
        day = self.cleaned_data["meeting_date"]
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError("Enter a meeting date between 2000 and 2100")
        return day
