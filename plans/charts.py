"""Chart figures as plain dicts for `json_script`; static/js/charts.js draws them with plotly.js's strict
bundle. The figures follow plotly's schema (checked by the tests with plotly itself), without building
plotly.graph_objects on each request."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
    "legend": {"orientation": "h", "y": -0.2},
    "hovermode": "closest",
    "plot_bgcolor": "#ffffff",
    "paper_bgcolor": "#ffffff",
}
# GOV.UK palette; shapes/dashes as well as colour tell series apart.
COLOURS = {"actual": "#1d70b8", "latest": "#003078", "target": "#d4351c", "range": "#f3f2f1",
           "income": "#00703c", "grants": "#4c2c92", "gross": "#1d70b8", "net": "#0b0c0c"}


class Figure:
    """A plotly figure as plain data (`data`: traces, `layout`), written as plotly.js reads it, with the parts of
    plotly.graph_objects' interface the charts use (add_bar/add_scatter, update_layout, update_x/yaxes; nested
    properties as nested dicts: marker={"color": ...}). plotly.graph_objects checked every property against
    plotly's schema on every request, which cost 20-40 ms a chart on each uncached page; the tests check every
    chart the pages draw against that schema instead (tests/test_charts.py)."""

    def __init__(self, **layout: Any):
        self.data: list[dict] = []
        self.layout: dict = copy.deepcopy({**LAYOUT, **layout})

    def add_trace(self, kind: str, **properties: Any) -> None:
        self.data.append({"type": kind, **properties})

    def add_bar(self, **properties: Any) -> None:
        self.add_trace("bar", **properties)

    def add_scatter(self, **properties: Any) -> None:
        self.add_trace("scatter", **properties)

    def update_layout(self, **properties: Any) -> None:
        _merge(self.layout, properties)

    def update_xaxes(self, **properties: Any) -> None:
        self.update_layout(xaxis=properties)

    def update_yaxes(self, **properties: Any) -> None:
        self.update_layout(yaxis=properties)


def _merge(into: dict, update: dict) -> None:
    """Nested dicts are merged, anything else replaced (as plotly's update_layout does)."""
    for name, value in update.items():
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            _merge(into[name], value)
        else:
            into[name] = copy.deepcopy(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} ({type(value).__name__}) cannot go into a chart")


def figure_dict(fig: Figure) -> dict:
    """The figure as JSON-safe data (sums of money as numbers, dates as ISO text) for json_script."""
    return json.loads(json.dumps({"data": fig.data, "layout": fig.layout}, default=_plain))


def new_figure(**layout: Any) -> Figure:
    return Figure(**layout)


STATUS_COLOURS = {"on_track": "#00703c", "near": "#ffdd00", "off_track": "#d4351c", "none": "#b1b4b6"}


def status_figure(rows: list[tuple[str, dict]]) -> dict:
    """Stacked bars: KPIs by assessment status for each (label, {status: count})."""
    from kpis.assessment import STATUS_LABELS

    fig = new_figure(barmode="stack", xaxis={"title": {"text": "Number of KPIs"}},
                     yaxis={"automargin": True, "autorange": "reversed"}, height=120 + 45 * len(rows))
    labels = [label for label, _ in rows]
    for status, word in STATUS_LABELS.items():
        counts = [counts.get(status, 0) for _, counts in rows]
        fig.add_bar(y=labels, x=counts, name=word, orientation="h", marker={"color": STATUS_COLOURS[status]},
                    text=[str(n) for n in counts], textposition="inside", hovertemplate="%{y}: %{x} " + word.lower() + "<extra></extra>")
    return figure_dict(fig)


def division_figure(rows: list[tuple[str, object, object]]) -> dict:
    """Horizontal bars of net budget by division: (division, gross, net) in pounds."""
    fig = new_figure(xaxis={"title": {"text": "Net budget (£)"}, "tickformat": ",.0f", "tickprefix": "£"},
                     yaxis={"automargin": True, "autorange": "reversed"}, height=120 + 40 * len(rows))
    fig.add_bar(y=[r[0] for r in rows], x=[float(r[2] or 0) for r in rows], orientation="h", name="Net budget",
                marker={"color": COLOURS["gross"]}, hovertemplate="%{y}: £%{x:,.0f}<extra></extra>")
    return figure_dict(fig)
