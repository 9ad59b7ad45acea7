"""The KPI history chart: actuals against targets over every year held, joined across plans."""

from __future__ import annotations

from decimal import Decimal

from kpis.models import KpiValue
from kpis.periods import period_of
from kpis.selectors import HistoryPoint
from plans.charts import COLOURS, figure_dict, new_figure

DOUBTFUL = " – doubtful figure"  # a probable printing or extraction error (KpiValue.doubtful), said in the hover


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _tops(trace: dict) -> list[float | None]:
    """The values a trace reaches: a band's top is its base plus its height."""
    if "base" in trace:
        return [b + h for b, h in zip(trace["base"], trace["y"], strict=False)]
    return list(trace["y"])


def history_figure(points: list[HistoryPoint], *, unit: str) -> dict | None:
    """Actual values as a line labelled with their printed figures; part-year 'latest' values as open markers
    (their printed text, with its as-at date, in the hover and the table: as a label it collided with the
    year's actual or ran off the chart); provisional values marked '(P)'; restated figures from older plans as
    separate markers; number targets as crosses and target ranges as shaded bands. None when there is nothing
    numeric to draw."""
    years = sorted({p.at for p in points}, key=lambda at: period_of(*at).sort_key)  # periods in time order
    labels = {p.at: p.year_label for p in points}
    suffix = "%" if unit == "percent" else ""
    fig = new_figure(
        xaxis={"type": "category", "title": {"text": "Period" if any(p.period for p in points) else "Financial year"}},
        yaxis={"title": {"text": "Value" + (" (%)" if suffix else "")}, "ticksuffix": suffix},
    )
    drawn = False

    def add(name, xs, ys, texts, hovers=None, **style):
        """`texts` label the points; `hovers` (default the same) is what hovering over one says."""
        nonlocal drawn
        if xs:
            drawn = True
            fig.add_scatter(
                x=xs,
                y=ys,
                name=name,
                text=texts,
                customdata=hovers or texts,
                hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>",
                **style,
            )

    for kind, name, style in (
        (
            KpiValue.Kind.ACTUAL,
            "Actual",
            {
                "mode": "lines+markers+text",
                "line": {"color": COLOURS["actual"], "width": 3},
                "marker": {"size": 9, "symbol": "circle"},
            },
        ),
        (
            KpiValue.Kind.LATEST,
            "Latest (part-year)",
            {
                "mode": "markers",
                "marker": {"size": 12, "symbol": "circle-open", "color": COLOURS["latest"], "line": {"width": 3}},
            },
        ),
    ):
        xs, ys, texts, hovers, restated_x, restated_y, restated_t = [], [], [], [], [], [], []
        for point in points:
            if point.kind != kind or not point.figures:
                continue
            shown = point.latest
            label = shown.printed.strip()
            if shown.provisional and "(p" not in label.lower():
                label += " (P)"
            xs.append(labels[point.at])
            ys.append(_f(shown.value))
            texts.append(label)
            hovers.append(label + (DOUBTFUL if shown.doubtful else ""))  # the label stays short: no clipping
            for other in point.values:
                if other.value is not None and other.value != shown.value:
                    restated_x.append(labels[point.at])
                    restated_y.append(_f(other.value))
                    restated_t.append(
                        f"{other.printed.strip()} (printed in the {other.kpi.plan.year_label} plan)"
                        f"{DOUBTFUL if other.doubtful else ''}"
                    )
        add(name, xs, ys, texts, hovers, textposition="top center", **style)
        add(
            f"{name}: earlier printed figure",
            restated_x,
            restated_y,
            restated_t,
            mode="markers",
            marker={"size": 10, "symbol": "x-thin-open", "color": "#505a5f", "line": {"width": 2}},
        )

    tx, ty, tt = [], [], []
    bx, bbase, bheight, btext = [], [], [], []
    for point in points:
        if point.kind != KpiValue.Kind.TARGET:
            continue
        target = point.values[-1]
        if (
            target.target_kind == KpiValue.TargetKind.RANGE
            and target.target_low is not None
            and target.target_high is not None
        ):
            bx.append(labels[point.at])
            bbase.append(_f(target.target_low))
            bheight.append(_f(target.target_high - target.target_low))
            btext.append(target.printed.strip())
        elif target.target_value is not None and target.target_kind in {
            KpiValue.TargetKind.NUMBER,
            KpiValue.TargetKind.COMPARATOR,
        }:
            tx.append(labels[point.at])
            ty.append(_f(target.target_value))
            tt.append(target.printed.strip() + (DOUBTFUL if target.doubtful else ""))
    if bx:
        drawn = True
        fig.add_bar(
            x=bx,
            y=bheight,
            base=bbase,
            name="Target range",
            text=btext,
            width=0.5,
            opacity=0.3,
            marker={"color": COLOURS["target"], "pattern": {"shape": "/"}},
            textposition="none",
            hovertemplate="%{x}: target range %{text}<extra></extra>",
        )
    add(
        "Target",
        tx,
        ty,
        tt,
        mode="markers+lines",
        line={"color": COLOURS["target"], "dash": "dash"},
        marker={"size": 11, "symbol": "x", "color": COLOURS["target"]},
    )
    if not drawn:
        return None
    fig.update_xaxes(categoryorder="array", categoryarray=[labels[y] for y in years])
    # Room above the highest point for its label (plotly's own range leaves none, so a top label was cut off).
    heights = [y for trace in fig.data for y in _tops(trace) if y is not None]
    if heights:
        low, high = min(0.0, *heights), max(0.0, *heights)
        fig.update_yaxes(range=[low, high + (high - low) * 0.15 or 1])
    return figure_dict(fig)
