"""Chart figures as plain dicts for `json_script`; static/js/charts.js draws them with plotly.js's strict
bundle. The figures follow plotly's schema (checked by the tests with plotly itself), without building
plotly.graph_objects on each request."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
    # The legend sits above the plot, left-aligned, where it pushes the top margin open as it needs: below
    # the plot it overlapped the x axis title.
    "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
    # Axes make room for their tick labels (long or wrapped) before placing their titles.
    "xaxis": {"automargin": True},
    "yaxis": {"automargin": True},
    "hovermode": "closest",
    "plot_bgcolor": "#ffffff",
    "paper_bgcolor": "#ffffff",
}
# GOV.UK palette; shapes/dashes as well as colour tell series apart.
COLOURS = {
    "actual": "#1d70b8",
    "latest": "#003078",
    "target": "#d4351c",
    "range": "#f3f2f1",
    "income": "#00703c",
    "grants": "#4c2c92",
    "gross": "#1d70b8",
    "net": "#0b0c0c",
}


class Figure:
    """A plotly figure as plain data (`data`: traces, `layout`), written as plotly.js reads it, with the parts of
    plotly.graph_objects' interface the charts use (add_bar/add_scatter, update_layout, update_x/yaxes; nested
    properties as nested dicts: marker={"color": ...}). plotly.graph_objects checked every property against
    plotly's schema on every request, which cost 20-40 ms a chart on each uncached page; the tests check every
    chart the pages draw against that schema instead (tests/test_charts.py)."""

    def __init__(self, **layout: Any):
        self.data: list[dict] = []
        self.layout: dict = copy.deepcopy(LAYOUT)
        _merge(self.layout, layout)  # legend={"traceorder": ...} keeps the default legend's place

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
    """The figure as JSON-safe data (sums of money as numbers, dates as ISO text) for json_script. A money
    axis (its title ends "(£)") gets ticks written £10m / £1.5bn rather than 10,000,000."""
    figure = json.loads(json.dumps({"data": fig.data, "layout": fig.layout}, default=_plain))
    for axis, values in (("xaxis", "x"), ("yaxis", "y")):
        layout = figure["layout"].get(axis) or {}
        if str((layout.get("title") or {}).get("text", "")).endswith("(£)"):
            drawn = [v for trace in figure["data"] for v in trace.get(values) or () if isinstance(v, (int, float))]
            layout.pop("tickformat", None)
            layout.pop("tickprefix", None)
            layout.update(money_ticks(drawn))
    return figure


def short_money(value: float) -> str:
    """A round sum as a reader says it: £250m, £1.5bn, £40k, -£2m."""
    sign, amount = ("-" if value < 0 else ""), abs(value)
    for size, unit in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if amount >= size:
            return f"{sign}£{amount / size:,.2f}".rstrip("0").rstrip(".") + unit
    return f"{sign}£{amount:,.0f}"


def money_ticks(values: list[float], *, count: int = 4) -> dict:
    """Axis properties for about `count` evenly spaced round ticks covering `values` and zero (bars start at
    zero), labelled with short_money."""
    low, high = min([0.0, *values]), max([0.0, *values])
    if high == low:
        return {}
    rough = (high - low) / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    first, last = math.floor(low / step), math.ceil(high / step)
    ticks = [round(n * step, 6) for n in range(first, last + 1)]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [short_money(t) for t in ticks]}


def new_figure(**layout: Any) -> Figure:
    return Figure(**layout)
