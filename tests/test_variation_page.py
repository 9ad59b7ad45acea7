"""The KPI page's variation section (issue 16, item 7): with 12 or more yearly figures an XmR chart, its table and
an "Explain this status" panel beside the RAG status; with fewer, the one sentence why there is no chart."""

from __future__ import annotations

import csv
import io
import json
import re

import plotly.graph_objects as go  # type: ignore[import-untyped]
import pytest

from kpis.models import KpiValue

pytestmark = pytest.mark.django_db

# 2011-12 to 2024-25: seven years around 389 (380 and 398 in turn), then seven around 398.5 (397 and 400).
FIGURES = [380, 398, 380, 398, 380, 398, 380, 397, 400, 397, 400, 397, 400, 397]
# mean = (4 × 380 + 3 × 398 + 4 × 397 + 3 × 400) / 14 = (1520 + 1194 + 1588 + 1200) / 14 = 5502 / 14 = 393
# moving ranges: six of 18, |397 - 380| = 17, six of 3: (108 + 17 + 18) / 13 = 143 / 13 = 11
# limits = 393 ± 2.66 × 11 = 393 ± 29.26: 363.74 to 422.26
# The last seven (2018-19 to 2024-25) are all above 393: a shift. Higher is better, so an improvement. The
# 2024-25 target of 430 lies above the upper limit: it will be missed unless something changes.


def figure_of(page: str) -> dict:
    match = re.search(r'<script id="variation-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no variation chart"
    return json.loads(match.group(1))


@pytest.fixture
def kpi_with_14_years(load_plan):
    plan = load_plan("cs-2022-23")
    kpi = plan.kpis.get(description__startswith="Number of children living with Council foster carers")
    kpi.values.all().delete()
    kpi.higher_is_better = True
    kpi.save(update_fields=["higher_is_better"])
    for order, (year, figure) in enumerate(zip(range(2011, 2025), FIGURES, strict=True)):
        KpiValue.objects.create(kpi=kpi, year=year, kind="actual", printed=str(figure), value=figure, order=order)
    KpiValue.objects.create(
        kpi=kpi, year=2024, kind="target", printed="430", target_kind="number", target_value=430, order=20
    )
    return kpi


def test_it_shows_the_mean_limits_and_the_rule_that_fired_in_words(
    client, kpi_with_14_years, django_assert_num_queries
):
    # The same 5 queries as any KPI page (tests/test_kpi_pages.py): the variation is worked out from the history
    # the page has already read.
    with django_assert_num_queries(5):
        page = client.get(kpi_with_14_years.get_absolute_url()).content.decode()
    assert (
        "An XmR chart of the 14 yearly figures held: mean 393, natural process limits 363.74 to 422.26 (the mean "
        "± 2.66 × the average moving range, 11)."
    ) in page
    assert "<strong>Special cause variation: improvement.</strong>" in page
    # The explanation sits in the status box, before the page's first table.
    explain = page[page.index('id="explain-status"') : page.index("</details>")]
    assert page.index('id="explain-status"') < page.index("<table")
    assert "<summary" in explain and "Explain this status" in explain
    assert "show: <strong>Special cause variation: improvement</strong>" in explain
    assert (
        "<li>A shift: 7 or more points in a row on one side of the mean: 7 points in a row above the mean, 2018-19 "
        "to 2024-25 (special cause improvement).</li>"
    ) in explain
    assert "The figures have moved the better way by more than chance alone would explain" in explain
    assert (
        "The target of 430 lies above the upper process limit: the process will consistently miss the target "
        "unless something changes."
    ) in explain


def test_the_chart_marks_the_signalled_points_and_its_table_holds_every_figure(client, kpi_with_14_years):
    url = kpi_with_14_years.get_absolute_url()
    figure = figure_of(client.get(url).content.decode())
    # A figure plotly itself accepts and writes out the same way (as tests/test_charts.py checks every chart),
    # of scatter traces only: the strict bundle draws bar and scatter.
    checked = json.loads(go.Figure(figure).to_json())
    checked["layout"].pop("template", None)
    assert checked == figure
    assert {t["type"] for t in figure["data"]} == {"scatter"}
    traces = {t["name"]: t for t in figure["data"]}
    assert traces["Value"]["y"] == FIGURES
    assert traces["Value"]["x"][0] == "2011-12" and traces["Value"]["x"][-1] == "2024-25"
    assert traces["Mean"]["y"] == [393] * 14
    assert traces["Upper process limit"]["y"][0] == pytest.approx(422.26)
    assert traces["Lower process limit"]["y"][0] == pytest.approx(363.74)
    assert traces["Target"]["y"] == [430] * 14
    marked = traces["Special cause: improvement"]
    assert marked["x"] == [f"{y}-{(y + 1) % 100:02d}" for y in range(2018, 2025)]
    assert marked["marker"]["symbol"] == "diamond"  # a shape, not colour alone
    assert "Special cause: concern" not in traces
    rows = list(
        csv.reader(
            io.StringIO(client.get(url, {"_export": "csv", "_table": "variation"}).getvalue().decode("utf-8-sig"))
        )
    )
    assert rows[0] == [
        "Year",
        "Value",
        "Moving range",
        "Mean",
        "Lower process limit",
        "Upper process limit",
        "Rules triggered",
    ]
    assert rows[1] == ["2011-12", "380", "–", "393", "363.74", "422.26", "None"]
    assert rows[8] == ["2018-19", "397", "17", "393", "363.74", "422.26", "Shift (improvement)"]
    assert rows[14] == ["2024-25", "397", "3", "393", "363.74", "422.26", "Shift (improvement)"]
    assert len(rows) == 15


def test_with_fewer_than_12_figures_it_says_why_there_is_no_chart(client, load_plan):
    plan = load_plan("cs-2022-23")
    kpi = plan.kpis.get(description__startswith="Number of children living with Council foster carers")
    page = client.get(kpi.get_absolute_url()).content.decode()
    # 388 (2019-20), 397 (2020-21) and 319 (2021-22, part-year): three figures.
    assert '<h2 class="govuk-heading-m" id="variation">Variation</h2>' in page
    assert '<p class="govuk-body">XmR limits need at least 12 values; this measure has 3.</p>' in page
    assert "variation-data" not in page and "Explain this status" not in page
