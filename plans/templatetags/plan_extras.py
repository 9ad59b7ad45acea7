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
