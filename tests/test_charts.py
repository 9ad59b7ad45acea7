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


def test_a_property_outside_plotlys_schema_is_caught():
    from plans.charts import Figure, figure_dict

    figure = Figure(height=300)
    figure.add_bar(x=[1], y=["a"], marker={"colour": "#1d70b8"})  # British spelling: not a plotly property
    with pytest.raises(ValueError, match="colour"):
        go.Figure(figure_dict(figure))
