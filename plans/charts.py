"""Chart figures as plain dicts for `json_script`; static/js/charts.js draws them with plotly.js's strict
bundle. plotly is imported lazily: it costs half a second and most requests draw no chart."""

from __future__ import annotations

import json
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


def figure_dict(fig: Any) -> dict:
    """A plotly Figure as JSON-safe data (numbers, not numpy arrays)."""
    data = json.loads(fig.to_json())
    data.pop("config", None)
    data.setdefault("layout", {}).pop("template", None)
    return data


def new_figure(**layout: Any):
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.update_layout(**{**LAYOUT, **layout})
    return fig


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
                    text=counts, textposition="inside", hovertemplate="%{y}: %{x} " + word.lower() + "<extra></extra>")
    return figure_dict(fig)


def division_figure(rows: list[tuple[str, object, object]]) -> dict:
    """Horizontal bars of net budget by division: (division, gross, net) in pounds."""
    fig = new_figure(xaxis={"title": {"text": "Net budget (£)"}, "tickformat": ",.0f", "tickprefix": "£"},
                     yaxis={"automargin": True, "autorange": "reversed"}, height=120 + 40 * len(rows))
    fig.add_bar(y=[r[0] for r in rows], x=[float(r[2] or 0) for r in rows], orientation="h", name="Net budget",
                marker={"color": COLOURS["gross"]}, hovertemplate="%{y}: £%{x:,.0f}<extra></extra>")
    return figure_dict(fig)
