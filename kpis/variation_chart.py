"""The KPI page's variation section: the XmR chart (values, mean, process limits, signalled points) as plain
plotly data for json_script, drawn by static/js/charts.js like every other chart, and its table of the same
numbers. Built from the history the page has already loaded: no queries."""

from __future__ import annotations

from dataclasses import dataclass

import django_tables2 as tables

from kpis.assessment import Assessment
from kpis.models import Kpi, KpiValue
from kpis.selectors import HistoryPoint
from kpis.variation import CONCERN, IMPROVEMENT, NEUTRAL, RULE_SHORT, Variation, fmt, history_series, variation
from plans.charts import COLOURS, figure_dict, new_figure
from plans.page_table import NUMERIC, PageTable, page_table

# Signalled points are marked by shape as well as colour (and named in the legend and the table): a reader who
# cannot tell the colours apart still sees which points fired a rule and which way.
SIGNAL_STYLES = {
    IMPROVEMENT: ("Special cause: improvement", "diamond", "#1d70b8"),
    CONCERN: ("Special cause: concern", "square", "#b14000"),
    NEUTRAL: ("Special cause (no stated better direction)", "star", "#4c2c92"),
}
MEANING_WORDS = {IMPROVEMENT: "improvement", CONCERN: "concern", NEUTRAL: "no stated better direction"}


@dataclass
class VariationSection:
    variation: Variation
    figure: dict | None
    table: PageTable | None

    @property
    def tables(self) -> list[PageTable]:
        return [self.table] if self.table is not None else []


def _target(assessment: Assessment) -> float | None:
    """The figure the status is judged against, when it is one number (a number or 'at least/at most' target)."""
    target = assessment.target
    if target is None or target.target_value is None:
        return None
    if target.target_kind not in {KpiValue.TargetKind.NUMBER, KpiValue.TargetKind.COMPARATOR}:
        return None
    return float(target.target_value)


def kpi_variation(*, kpi: Kpi, history: list[HistoryPoint], assessment: Assessment) -> VariationSection:
    """The variation section of a KPI's page, from its measure's history (one figure per year)."""
    found = variation(history_series(history), higher_is_better=kpi.higher_is_better, target=_target(assessment))
    if not found.has_limits:
        return VariationSection(found, None, None)
    return VariationSection(found, variation_figure(found, unit=kpi.unit), variation_table(found))


def _line(fig, name: str, labels: list[str], level: float, **line) -> None:
    fig.add_scatter(
        x=labels,
        y=[level] * len(labels),
        name=name,
        mode="lines",
        line=line,
        hovertemplate=f"{name}: {fmt(level)}<extra></extra>",
    )


def variation_figure(v: Variation, *, unit: str) -> dict:
    """The XmR chart: the values as a line, the mean, both process limits and any numeric target as level lines,
    and each signalled point marked again by a shape naming which way it signals."""
    assert v.mean is not None and v.upper is not None and v.lower is not None
    suffix = "%" if unit == "percent" else ""
    fig = new_figure(
        xaxis={"type": "category", "title": {"text": "Financial year"}},
        yaxis={"title": {"text": "Value" + (" (%)" if suffix else "")}, "ticksuffix": suffix},
    )
    rules = [", ".join(RULE_SHORT[r] for r in v.rules_at(i)) or "No signal" for i in range(v.count)]
    fig.add_scatter(
        x=v.labels,
        y=v.values,
        name="Value",
        mode="lines+markers",
        line={"color": "#505a5f", "width": 2},
        marker={"size": 7, "symbol": "circle", "color": "#505a5f"},
        customdata=rules,
        hovertemplate="%{x}: %{y}<br>%{customdata}<extra></extra>",
    )
    _line(fig, "Mean", v.labels, v.mean, color="#0b0c0c", width=2)
    _line(fig, "Upper process limit", v.labels, v.upper, color="#505a5f", dash="dash", width=2)
    _line(fig, "Lower process limit", v.labels, v.lower, color="#505a5f", dash="dash", width=2)
    if v.target is not None:
        _line(fig, "Target", v.labels, v.target, color=COLOURS["target"], dash="dot", width=2)
    for meaning, (name, symbol, colour) in SIGNAL_STYLES.items():
        marked = [i for i in range(v.count) if meaning in v.meanings_at(i)]
        if marked:
            fig.add_scatter(
                x=[v.labels[i] for i in marked],
                y=[v.values[i] for i in marked],
                name=name,
                mode="markers",
                marker={"size": 13, "symbol": symbol, "color": colour, "line": {"width": 1, "color": "#0b0c0c"}},
                customdata=[rules[i] for i in marked],
                hovertemplate="%{x}: %{y}<br>%{customdata}<extra>" + name + "</extra>",
            )
    fig.update_xaxes(categoryorder="array", categoryarray=v.labels)
    return figure_dict(fig)


def variation_table(v: Variation) -> PageTable:
    """The chart's numbers, one row per point: value, moving range, mean, limits and the rules it triggered."""
    rows = []
    for i, label in enumerate(v.labels):
        fired = v.rules_at(i)
        meanings = sorted(MEANING_WORDS[m] for m in v.meanings_at(i))
        rows.append(
            {
                "year": label,
                "value": fmt(v.values[i]),
                "moving_range": fmt(v.moving_ranges[i]) if v.moving_ranges[i] is not None else "–",
                "mean": fmt(v.mean),
                "lower": fmt(v.lower),
                "upper": fmt(v.upper),
                "rules": ("; ".join(RULE_SHORT[r] for r in fired) + f" ({', '.join(meanings)})" if fired else "None"),
            }
        )
    numeric = {"attrs": NUMERIC}
    return page_table(
        "variation",
        rows,
        [
            ("year", tables.Column(verbose_name="Year")),
            ("value", tables.Column(verbose_name="Value", **numeric)),
            ("moving_range", tables.Column(verbose_name="Moving range", **numeric)),
            ("mean", tables.Column(verbose_name="Mean", **numeric)),
            ("lower", tables.Column(verbose_name="Lower process limit", **numeric)),
            ("upper", tables.Column(verbose_name="Upper process limit", **numeric)),
            ("rules", tables.Column(verbose_name="Rules triggered")),
        ],
        label="Variation: values, moving ranges, process limits and rules triggered",
        caption="Values, moving ranges, process limits and the rules each point triggered",
        region="Variation: values, moving ranges, process limits and rules triggered",
    )
