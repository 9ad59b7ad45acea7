"""Template filters for KPI pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def resting_on_doubt(pairs: list) -> list:
    """The (kpi, assessment) pairs whose assessment rests on a figure marked doubtful."""
    return [(kpi, assessment) for kpi, assessment in pairs or [] if assessment.doubtful]
