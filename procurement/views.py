"""The procurement pipeline: council-wide, one plan's tables as printed, and the Procurement Act 2023
pipeline-notice view."""

from __future__ import annotations

import datetime as dt
import math

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from plans.charts import figure_dict, new_figure
from plans.models import Plan
from plans.selectors import council_get, council_pick, councils_in_order, plan_get
from plans.tables import PER_PAGE, table_export
from plans.templatetags.plan_extras import money
from procurement import notices, ocds, selectors
from procurement.filters import NoticeForm, PipelineFilter
from procurement.models import ProcurementEntry
from procurement.tables import PipelineTable, PrintedPipelineTable

BAR_COLOUR = "#1d70b8"
MODEBAR_BUTTONS = [
    "toImage",
    "sendDataToCloud",
    "sendChartToCloud",
    "zoom",
    "pan",
    "select",
    "lasso",
    "zoomIn",
    "zoomOut",
    "autoScale",
    "resetScale",
    "zoom2d",
    "pan2d",
    "zoomIn2d",
    "zoomOut2d",
    "autoScale2d",
    "resetScale2d",
    "hoverClosestCartesian",
    "hoverCompareCartesian",
    "toggleSpikelines",
]


def _short(text: str, size: int = 48) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _value_label(entry: ProcurementEntry) -> str:
    if entry.value is None:
        return selectors.shown_value(entry).export
    if entry.value >= 1_000_000:  # £450m, £2.1m, £1.28m
        return "£" + f"{entry.value / 1_000_000:,.2f}".rstrip("0").rstrip(".") + "m"
    return money(entry.value)


def _span(entry: ProcurementEntry) -> tuple[dt.date, dt.date]:
    """A bar's procurement start and contract start (pipeline_timeline gives a bar only to a row with both)."""
    start, end = entry.procurement_start, entry.contract_start
    if start is None or end is None:
        raise ValueError(f"{entry.title!r} has no bar: a date is not a real date")
    return start, end


def timeline_figure(bars: list[ProcurementEntry]) -> dict:
    """One horizontal bar per contract from procurement start to contract start, ordered by procurement start
    (first at the top), labelled with its value; bars are thicker for larger values (log scale)."""
    fig = new_figure(
        height=max(260, 90 + 30 * len(bars)),
        margin={"l": 20, "r": 90, "t": 20, "b": 50},
        showlegend=False,
        uniformtext={"minsize": 13, "mode": "show"},
        # No mode bar: its buttons would be focusable controls inside the chart's role="img"
        # (axe: nested-interactive). The table below the chart carries the figures.
        modebar={"remove": MODEBAR_BUTTONS},
    )
    logs = [math.log10(e.value) for e in bars if e.value and e.value > 0]
    low, high = (min(logs), max(logs)) if logs else (0, 0)

    def width(entry: ProcurementEntry) -> float:
        if not entry.value or entry.value <= 0 or high == low:
            return 0.5
        return round(0.3 + 0.55 * (math.log10(entry.value) - low) / (high - low), 3)

    day_ms = 86_400_000
    spans = [_span(e) for e in bars]
    fig.add_bar(
        orientation="h",
        y=list(range(len(bars))),
        base=[start.isoformat() for start, _end in spans],
        x=[(end - start).days * day_ms for start, end in spans],
        width=[width(e) for e in bars],
        marker={"color": BAR_COLOUR, "line": {"color": "#0b0c0c", "width": 1}},
        text=[_value_label(e) for e in bars],
        textposition="outside",
        textfont={"size": 13, "color": "#0b0c0c"},
        cliponaxis=False,
        customdata=[
            [e.title, e.procurement_start_printed, e.contract_start_printed, _value_label(e), e.plan.year_label]
            for e in bars
        ],
        hovertemplate="%{customdata[0]}<br>Procurement start %{customdata[1]}<br>Contract start %{customdata[2]}"
        "<br>Estimated value %{customdata[3]} (plan %{customdata[4]})<extra></extra>",
    )
    fig.update_xaxes(
        type="date", title={"text": "Procurement start to contract start"}, showgrid=True, gridcolor="#dddddd"
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(bars))),
        ticktext=[_short(e.title) for e in bars],
        autorange="reversed",
        automargin=True,
    )
    return figure_dict(fig)


def _pipeline_page(request: HttpRequest, *, plan: Plan | None) -> HttpResponseBase:
    councils = councils_in_order() if plan is None else []
    council = council_pick(councils, request.GET.get("council")) if plan is None else None
    choices = selectors.filter_choices(plan=plan, council=council)
    filterset = PipelineFilter(
        request.GET or None,
        queryset=selectors.pipeline_queryset(plan=plan, council=council),
        choices=choices,
        one_plan=plan is not None,
        councils=councils,
    )
    valid = filterset.is_valid() or not filterset.is_bound
    queryset = filterset.qs if valid else ProcurementEntry.objects.none()
    sorted_by_user = bool(request.GET.get("sort"))
    if plan is None:
        table = PipelineTable(
            queryset, caption="Procurement pipeline: every contract matching the filters", order_by="procurement_start"
        )
        name = "procurement-pipeline"
    else:
        # Only the columns the plan's tables print (ETE prints no procurement start; only 2025-29 adverts).
        unprinted = [column for column in selectors.OPTIONAL_COLUMNS if column not in choices.columns]
        table = PrintedPipelineTable(
            queryset.order_by("order"),
            caption=f"Procurement pipeline: {plan}",
            printed_order=not sorted_by_user,
            plan_links=False,
            exclude=unprinted,
        )
        name = f"procurement-{plan.slug}"
    # The council-wide list is paged (a plan prints at most a few dozen rows, shown whole in printed order).
    if (export := table_export(request, table, name=name, per_page=PER_PAGE if plan is None else None)) is not None:
        return export
    if plan is None:
        rows = [row.record for row in table.page.object_list]  # the timeline draws the page's rows
        totals = selectors.pipeline_totals_of(queryset)
    else:
        rows = list(table.data.data)  # the table iterates these same fetched rows: no second query
        totals = selectors.pipeline_totals(rows)
        if not sorted_by_user:
            selectors.printed_order_sections(rows)
    timeline = selectors.pipeline_timeline(rows)
    ctx = {
        "plan": plan,
        "council": council,
        "filter": filterset,
        "table": table,
        "totals": totals,
        "timeline": timeline,
        "paged": plan is None and table.paginator.num_pages > 1,
        "figure": timeline_figure(timeline.bars) if timeline.bars else None,
        "date_fields": [selectors.DATE_LABELS[name] for name in filterset.filtered_dates],
        "undated": (
            selectors.undated_count(queryset=filterset.qs_without_dates(), fields=filterset.filtered_dates)
            if filterset.filtered_dates
            else None
        ),
        "sorted_by_user": sorted_by_user,
        "has_tables": bool(choices.tables or choices.empty_tables),
        "empty_tables": choices.empty_tables,
    }
    return render(request, "procurement/pipeline.html", ctx)


def pipeline(request: HttpRequest) -> HttpResponseBase:
    return _pipeline_page(request, plan=None)


def plan_procurement(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _pipeline_page(request, plan=plan_get(slug=slug))


def pipeline_notice(request: HttpRequest) -> HttpResponseBase:
    form = NoticeForm(request.GET or None)
    today = timezone.localdate()
    start = form.start(today)
    council = council_get(slug=request.GET.get("council"))
    over = list(notices.notice_queryset(council=council))
    notice = notices.pipeline_notice(start=start, rows=over)
    table = PipelineTable(
        notice.rows,
        caption="Contracts over £2m starting in the 18 months",
        exclude=("group", "table"),
        empty_text="No contract over £2m has a real contract start date in these 18 months.",
    )
    if (export := table_export(request, table, name=f"pipeline-notice-{start.isoformat()}")) is not None:
        return export
    # The OCDS download covers the 18 months from 1 April of the financial year the chosen day falls in; what its
    # contracts still need (TBA/TBC dates, the undated) is listed from the same rows, without another query.
    ocds_year = start.year if start.month >= 4 else start.year - 1
    ocds_notice = notices.pipeline_notice(start=dt.date(ocds_year, 4, 1), rows=over)
    ctx = {
        "ocds_year": ocds_year,
        "ocds_count": len(ocds_notice.rows),
        "missing": ocds.missing_values(ocds_notice),
        "form": form,
        "notice": notice,
        "table": table,
        "today": today,
        "threshold": notices.NOTICE_THRESHOLD,
        "council": council,
    }
    return render(request, "procurement/pipeline_notice.html", ctx)
