"""Every chart the pages draw is a figure plotly itself accepts and would write out the same way: plans.charts
builds figures as plain data (no plotly objects per request), so this is where plotly's schema is applied."""

import json
import re

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from kpis.models import Kpi
from plans.models import Department, Plan

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'<script id="([^"]+-data)" type="application/json">(.*?)</script>', re.S)


def chart_pages() -> list[str]:
    urls = [reverse("home"), reverse("budget_index"), reverse("procurement_pipeline")]
    for department in Department.objects.all():
        urls += [department.get_absolute_url(), reverse("department_budget", args=[department.slug])]
    for plan in Plan.objects.all():
        urls += [reverse("plan_budget", args=[plan.slug]), reverse("plan_procurement", args=[plan.slug])]
    urls += [k.get_absolute_url() for k in Kpi.objects.filter(values__isnull=False).distinct()[:40]]
    return urls


def test_every_chart_is_a_valid_plotly_figure_written_as_plotly_writes_it(client, all_plans):
    seen = {"bar": 0, "scatter": 0}
    for url in chart_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        for chart_id, text in FIGURE.findall(response.content.decode()):
            figure = json.loads(text)
            # go.Figure raises ValueError on any property or value outside plotly's schema.
            checked = json.loads(go.Figure(figure).to_json())
            checked["layout"].pop("template", None)
            assert checked == figure, (url, chart_id)
            for trace in figure["data"]:
                seen[trace["type"]] += 1
    assert seen["bar"] > 20 and seen["scatter"] > 20  # the seed draws both kinds, many times


MONEY_TICK = re.compile(r"^-?£\d+(\.\d+)?(k|m|bn)?$")


def test_money_axes_read_as_round_sums_and_legends_sit_above_the_plot(client, all_plans):
    """£10m, not 10,000,000: every axis of pounds is labelled in round £k/£m/£bn; a legend below the plot
    overlapped the x axis title, so every legend sits above it."""
    money_axes = 0
    for url in chart_pages():
        for chart_id, text in FIGURE.findall(client.get(url).content.decode()):
            layout = json.loads(text)["layout"]
            assert layout["legend"]["y"] > 1 and layout["legend"]["yanchor"] == "bottom", (url, chart_id)
            for name in ("xaxis", "yaxis"):
                axis = layout.get(name, {})
                if axis.get("title", {}).get("text", "").endswith("(£)"):
                    money_axes += 1
                    assert "tickformat" not in axis and axis["tickmode"] == "array", (url, chart_id)
                    assert all(MONEY_TICK.match(t) for t in axis["ticktext"]), (url, chart_id, axis["ticktext"])
    assert money_axes > 10


def test_money_ticks_are_round_and_cover_every_bar():
    from plans.charts import money_ticks, short_money

    assert [short_money(v) for v in (0, 950, 40_000, 10_000_000, 12_500_000, 1_500_000_000, -2_000_000)] == [
        "£0",
        "£950",
        "£40k",
        "£10m",
        "£12.5m",
        "£1.5bn",
        "-£2m",
    ]
    ticks = money_ticks([175_771_766.0, 3_000_000.0, -4_200_000.0])
    assert ticks["ticktext"] == ["-£50m", "£0", "£50m", "£100m", "£150m", "£200m"]
    assert ticks["tickvals"][0] <= -4_200_000 and ticks["tickvals"][-1] >= 175_771_766


def test_headline_money_reads_at_a_glance():
    from decimal import Decimal

    from plans.templatetags.plan_extras import headline_money

    assert headline_money(Decimal("1999891567.40")) == "£2.00bn"
    assert headline_money(Decimal("175771766")) == "£175.77m"
    assert headline_money(Decimal("-950000")) == "-£950,000"
    assert headline_money(None) == ""


def test_a_small_sum_on_the_cabinet_summary_reads_in_pounds(client, load_plan):
    load_plan("cs-2022-23")
    page = client.get("/plans/cs-2022-23/summary/").content.decode()
    assert "£46,000</span> savings" in page and "£0.05m" not in page  # the one saving, line 404


def test_a_property_outside_plotlys_schema_is_caught():
    from plans.charts import Figure, figure_dict

    figure = Figure(height=300)
    figure.add_bar(x=[1], y=["a"], marker={"colour": "#1d70b8"})  # British spelling: not a plotly property
    with pytest.raises(ValueError, match="colour"):
        go.Figure(figure_dict(figure))
