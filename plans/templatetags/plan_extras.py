"""Formatting for figures: money, KPI values, financial years."""

from __future__ import annotations

from decimal import Decimal

from django import template

from plans.parsing import fy_label

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """£1,234,567 ; negatives as -£1,234 ; pence shown only when there are any."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    text = f"{amount:,.2f}" if amount != amount.to_integral() else f"{amount:,.0f}"
    return f"{sign}£{text}"


@register.filter
def millions(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{'-' if value < 0 else ''}£{abs(value) / Decimal(1_000_000):,.2f}m"


@register.filter
def number(value: Decimal | None) -> str:
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral():
        return f"{normal:,.0f}"
    return f"{normal:,f}"


@register.filter
def fy(year: int | None) -> str:
    return "" if year is None else fy_label(year)


@register.simple_tag
def govuk_widget(field) -> str:
    """Render a form field's widget naming its hint and its error in aria-describedby, with the GOV.UK
    error class when it has errors."""
    ids = []
    if field.help_text:
        ids.append(f"{field.id_for_label}-hint")
    if field.errors:
        ids.append(f"{field.id_for_label}-error")
    attrs = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        css = field.field.widget.attrs.get("class", "")
        base = css.split()[0] if css else "govuk-input"
        attrs["class"] = f"{css} {base}--error".strip()
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def export_query(context, export_format: str) -> str:
    """The current query string with `_export` set: the download keeps the filters and sort shown."""
    params = context["request"].GET.copy()
    params["_export"] = export_format
    return "?" + params.urlencode()
