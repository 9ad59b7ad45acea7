"""plans.html draws exactly what Django's conditional_escape and format_html draw, for every kind of value the
pages escape: text with each character HTML treats specially, safe strings, lazy translations, numbers, money,
dates, None, enums and objects drawing their own HTML."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import html as django_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from kpis.models import KpiValue
from plans import html


class Drawn:
    def __html__(self) -> str:
        return "<em>drawn</em>"

    def __str__(self) -> str:
        return "<not this>"


class Text(str):
    """A str subclass (as a model's choices label can be)."""


VALUES = [
    "plain",
    "",
    "<script>alert('x')</script> & \"quoted\" 'single' >",
    "£1,234 – 5½% ✓ العربية",
    Text("<b>subclass</b>"),
    mark_safe("<b>safe</b>"),
    SafeString("&amp; already"),
    gettext_lazy("Financial year"),
    lazy(lambda: "<lazy & unsafe>", str)(),
    12,
    -3,
    True,
    None,
    Decimal("1234.50"),
    12.5,
    dt.date(2026, 3, 31),
    KpiValue.Kind.TARGET,
    Drawn(),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_matches_django(value):
    assert html.conditional_escape(value) == django_html.conditional_escape(value)


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_format_html_matches_django(value):
    template = '<a href="/x/{}/" title="{}">{} {}</a>'
    args = (value, "a&b", value, mark_safe("<br>"))
    ours, theirs = html.format_html(template, *args), django_html.format_html(template, *args)
    assert ours == theirs
    assert type(ours) is SafeString and hasattr(ours, "__html__")


def test_escape_is_not_a_pass_through():
    """The comparison above would pass for two functions that both did nothing."""
    assert html.conditional_escape("<a>&'\"") == "&lt;a&gt;&amp;&#x27;&quot;"
