"""A performance lead's progress update on a deliverable: status, percentage complete, commentary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from plans.models import DeliverableUpdate


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, declared as a ChoiceField (form.fields holds any Field), for setting its choices."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a ChoiceField")
    return field


class DeliverableUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=[], label="Status")
    percent_complete = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        label="Percentage complete",
        help_text="Leave blank where a percentage does not make sense",
    )
    as_of = forms.DateField(
        label="As of",
        help_text="For example 2026-11-27",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%Y-%m-%d"),
    )  # shown as the hint says
    commentary = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Commentary",
        error_messages={"required": "Enter a commentary: what has happened and what is next"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = DeliverableUpdate.Status.choices
        self.fields["percent_complete"].error_messages.update(
            {
                "min_value": "The percentage complete must be between 0 and 100",
                "max_value": "The percentage complete must be between 0 and 100",
                "invalid": "Enter the percentage complete as a whole number, like 40",
            }
        )
        self.fields["as_of"].error_messages.update(
            {
                "invalid": "Enter the date as year-month-day, like 2026-11-27",
                "required": "Enter the date this update is as of",
            }
        )
        for name, field in self.fields.items():
            field.widget.attrs["class"] = {"status": "govuk-select", "commentary": "govuk-textarea"}.get(
                name, "govuk-input govuk-input--width-10"
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns; a subclass's clean may return None
        if data.get("status") == "complete" and data.get("percent_complete") not in (None, 100):
            self.add_error("percent_complete", "A complete deliverable is 100% complete, or leave it blank")
        as_of = data.get("as_of")
        if as_of and as_of > dt.date.today():
            self.add_error("as_of", "The date cannot be in the future")
        return data
