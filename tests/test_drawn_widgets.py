"""The widgets and form groups drawn in Python (plans.widgets.DrawnWidgets, plan_extras.form_group,
kpi_extras.entry_fieldset) give exactly the markup of the templates they stand in for, so the entry form
reads the same to a screen reader and a browser, escapes what a user typed, and keeps its errors."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.template import Context, Template

from plans.widgets import DrawnWidgets

HOSTILE = "<b>\"x\"</b> & 'y'"


class Everything(forms.Form):
    text = forms.CharField(max_length=50, required=False, help_text="For example 2025-12")
    number = forms.IntegerField(required=False)
    hidden = forms.IntegerField(required=False, widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    words = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    year = forms.TypedChoiceField(coerce=int, choices=[(2025, "2025-26"), (2026, "2026-27"), (2027, HOSTILE)])
    grouped = forms.ChoiceField(required=False, choices=[("Early", [("a", "A"), ("b", "B")]), ("c", "C")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.update({"class": "govuk-input", "autofocus": True, "spellcheck": False})


DATA = {"text": HOSTILE, "number": "12", "hidden": "7", "tick": "on", "words": HOSTILE, "year": "2027", "grouped": "b"}


@pytest.mark.parametrize(
    "data", [None, DATA, {"year": "1999", "number": "not a number"}], ids=["empty", "filled", "bad"]
)
def test_each_widget_is_drawn_as_its_template_draws_it(data):
    templated = Everything(data, renderer=TemplatesSetting())
    drawn = Everything(data, renderer=DrawnWidgets())
    for name in Everything.base_fields:
        assert str(drawn[name]) == str(templated[name]), name
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in str(drawn["text"]) or data is not DATA


@pytest.mark.parametrize(
    "data", [None, DATA, {"year": "1999", "number": "not a number"}], ids=["empty", "filled", "bad"]
)
def test_a_form_group_is_drawn_as_the_partial_drew_it(data):
    """partials/form_field.html now calls form_group; the markup it replaced is written out here."""
    old = Template(
        '{% load plan_extras %}<div class="govuk-form-group{% if field.errors %} govuk-form-group--error{% endif %}'
        '{% if inline %} app-inline-field{% endif %}">\n'
        '  <label class="govuk-label" for="{{ field.id_for_label }}">{{ label|default:field.label }}</label>\n'
        '  {% if field.help_text %}<div class="govuk-hint" id="{{ field.id_for_label }}-hint">{{ field.help_text }}'
        "</div>{% endif %}\n"
        '  {% for error in field.errors %}<p class="govuk-error-message" id="{{ field.id_for_label }}-error">'
        '<span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endfor %}\n'
        "  {% govuk_widget field %}\n</div>\n"
    )
    new = Template('{% include "partials/form_field.html" %}')
    form = Everything(data)
    for name in Everything.base_fields:
        for extra in ({}, {"label": HOSTILE, "inline": True}):
            context = {"field": form[name], **extra}
            assert new.render(Context(context)) == old.render(Context(context)), (name, extra)
