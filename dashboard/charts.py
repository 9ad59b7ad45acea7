"""The dashboard pages' charts (council overview, department dashboard), as plain figure dicts from
plans/charts.py for `json_script`."""

from __future__ import annotations

from dashboard.selectors import DivisionBudget
from kpis.assessment import STATUS_LABELS
from plans.charts import COLOURS, figure_dict, new_figure

STATUS_COLOURS = {"on_track": "#00703c", "near": "#ffdd00", "off_track": "#d4351c", "none": "#b1b4b6"}


def status_figure(rows: list[tuple[str, dict]]) -> dict:
    """Stacked bars: KPIs by assessment status for each (label, {status: count})."""
    # A count too wide for its segment is hidden, not shrunk to an unreadable size: the table after the chart
    # and the hover text carry every count.
    fig = new_figure(
        barmode="stack",
        xaxis={"title": {"text": "Number of KPIs"}},
        yaxis={"automargin": True, "autorange": "reversed"},
        height=140 + 45 * len(rows),
        legend={"traceorder": "normal"},
        uniformtext={"mode": "hide", "minsize": 12},
    )
    labels = [label for label, _ in rows]
    for status, word in STATUS_LABELS.items():
        counts = [counts.get(status, 0) for _, counts in rows]
        fig.add_bar(
            y=labels,
            x=counts,
            name=word,
            orientation="h",
            marker={"color": STATUS_COLOURS[status]},
            text=[str(n) if n else "" for n in counts],
            textposition="inside",
            insidetextanchor="middle",
            hovertemplate="%{y}: %{x} " + word.lower() + "<extra></extra>",
        )
    return figure_dict(fig)


def division_figure(rows: list[DivisionBudget]) -> dict:
    """Horizontal bars of net budget by division: (division, gross, net) in pounds."""
    fig = new_figure(
        xaxis={"title": {"text": "Net budget (£)"}},
        showlegend=False,
        yaxis={"automargin": True, "autorange": "reversed"},
        height=120 + 40 * len(rows),
    )
    fig.add_bar(
        y=[r[0] for r in rows],
        x=[float(r[2] or 0) for r in rows],
        orientation="h",
        name="Net budget",
        marker={"color": COLOURS["gross"]},
        hovertemplate="%{y}: £%{x:,.0f}<extra></extra>",
    )
    return figure_dict(fig)
