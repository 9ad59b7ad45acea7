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
