"""The plan page's KPI tables show every printed cell where the document printed it, with its reading, and a
status column (issue 14, items 1 and 3)."""

from __future__ import annotations

from collections import OrderedDict

import pytest

from kpis.models import Kpi
from plans.models import Plan
from plans.parsing import fy_label
from tests.test_deliverable_pages import tables_of

pytestmark = pytest.mark.django_db


def norm(text: str) -> str:
    return " ".join(text.split())


def kpi_rows(page: str) -> list[tuple[list[str], list[str]]]:
    """(header, row) for every row of the page's KPI tables, in page order."""
    found = []
    for table in tables_of(page):
        head = table["head"][0] if table["head"] else []
        if head[:1] == ["Measure"] and "Responsible" in head:
            found += [(head, row) for row in table["rows"]]
    return found


def kpis_in_page_order(plan: Plan) -> list[Kpi]:
    """The plan's KPIs as the plan page draws them: grouped by their printed group, groups in order of first use."""
    groups: OrderedDict[str, list[Kpi]] = OrderedDict()
    for kpi in plan.kpis.prefetch_related("values").order_by("order"):
        groups.setdefault(kpi.group or "", []).append(kpi)
    return [kpi for items in groups.values() for kpi in items]


def column_header(kind: str, year: int) -> str:
    return f"{kind.title()} {fy_label(year)}"


def test_it_shows_every_printed_value_of_every_plan_in_the_column_printed(client, all_plans):
    missing = []
    for plan in Plan.objects.filter(kpis__isnull=False).distinct().order_by("slug"):
        page = client.get(plan.get_absolute_url()).content.decode()
        rows = kpi_rows(page)
        kpis = kpis_in_page_order(plan)
        assert len(rows) == len(kpis), plan.slug
        for kpi, (head, row) in zip(kpis, rows, strict=False):
            assert row[0].startswith(norm(kpi.description)), (plan.slug, kpi.key)
            for value in kpi.values.all():
                printed = norm(value.printed)
                if value.source != "document" or not printed:
                    continue
                header = column_header(*value.printed_in)
                cell = row[head.index(header)] if header in head else ""
                if printed not in cell:
                    missing.append((plan.slug, kpi.key, value.kind, value.year, header, printed))
    assert not missing


def cell_of(page: str, description: str, header: str) -> str:
    head, row = next((h, r) for h, r in kpi_rows(page) if r[0].startswith(description))
    return row[head.index(header)]


def test_a_target_printed_in_the_latest_column_stays_there_read_as_a_target(client, all_plans):
    # ETE 2020-21 (003_...txt): the council greenhouse gas row prints "50% target" in the Latest 2019-20 column.
    page = client.get(Plan.objects.get(slug="ete-2020-21").get_absolute_url()).content.decode()
    kpi = Kpi.objects.get(plan__slug="ete-2020-21", key="council-ghg-reduction")
    cell = cell_of(page, norm(kpi.description), "Latest 2019-20")
    assert cell == "50% target (read as the 2019-20 target)"


def test_an_earlier_years_actual_in_brackets_stays_in_its_cell_read_as_that_year(client, all_plans):
    # ASCH 2020-21: the carers' satisfaction row prints "37.3% (2016-17)" in the Actual 2017-18 column.
    page = client.get(Plan.objects.get(slug="asch-2020-21").get_absolute_url()).content.decode()
    kpi = Kpi.objects.get(plan__slug="asch-2020-21", key="1a-carers-satisfaction")
    assert "37.3% (2016-17) (read as the 2016-17 actual)" in cell_of(page, norm(kpi.description), "Actual 2017-18")
    # CS 2022-23, line 322: "83.6% (90.5% 2018/19)" in the Actual 2019-2020 cell, both figures in that cell.
    page = client.get(Plan.objects.get(slug="cs-2022-23").get_absolute_url()).content.decode()
    cell = cell_of(page, "% of KS5 SEN cohort in any Education or Employment destination", "Actual 2019-20")
    assert cell.startswith("83.6%") and cell.endswith("(90.5% 2018/19) (read as the 2018-19 actual)")


def test_the_kpi_tables_have_a_status_column_in_words(client, all_plans):
    page = client.get(Plan.objects.get(slug="cs-2022-23").get_absolute_url()).content.decode()
    # 319 (2021-22 latest) against 397 (2020-21 actual), target "Increasing trend": off track.
    assert cell_of(page, "Number of children living with Council foster carers", "Status") == "Off track"
    statuses = {row[head.index("Status")] for head, row in kpi_rows(page)}
    assert statuses <= {"On track", "Near target", "Off track", "No assessment"} and len(statuses) > 1
