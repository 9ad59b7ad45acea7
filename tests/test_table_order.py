"""Sorted council-wide lists put rows that tie on the sorted column in one order (their id), so the page, the
next page and the download list the same rows in the same order. PostgreSQL returns ties in whatever order
its plan gives; without the tie-break the risks download sorted by type once listed the 12 Children's
Services risks in a different order from the page (most of them have no printed type)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.tables import KpiTable
from plans.deliverable_tables import DeliverableTable, RiskTable
from procurement.tables import PipelineTable
from tests.test_deliverable_pages import csv_rows, shown

pytestmark = pytest.mark.django_db

LISTS = [
    ("kpi_list", KpiTable, "kpis_kpi"),
    ("deliverable_list", DeliverableTable, "plans_deliverable"),
    ("risk_list", RiskTable, "plans_risk"),
    ("procurement_pipeline", PipelineTable, "procurement_procuremententry"),
]


def sorts(table_class) -> list[str]:
    names = [name for name, column in table_class.base_columns.items() if column.orderable is not False]
    return [""] + [prefix + name for name in names for prefix in ("", "-")]


def listing_orders(queries: list[dict], db_table: str) -> list[str]:
    """The ORDER BY clause of each query that lists rows of `db_table` (not its count); a download reads
    through a server-side cursor (DECLARE ... CURSOR FOR SELECT)."""
    orders = []
    for query in queries:
        sql = query["sql"]
        if re.match(rf'(DECLARE .*? CURSOR FOR )?SELECT .*? FROM "{db_table}"', sql, re.S) and " ORDER BY " in sql:
            orders.append(sql.rsplit(" ORDER BY ", 1)[1])
    return orders


def orders_of(client, url: str, db_table: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:  # a download's rows are read while it streams
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    orders = listing_orders(captured.captured_queries, db_table)
    assert orders, f"{url} listed no rows"
    return orders


@pytest.mark.parametrize("url_name,table_class,db_table", LISTS)
def test_every_sort_of_every_list_breaks_ties_by_id(client, all_plans, url_name, table_class, db_table):
    # Pages of one row: the ORDER BY is what is checked. The download is ordered where the page is
    # (plans.tables.table_export), so one sort of it is asked for too.
    urls = [f"{reverse(url_name)}?sort={sort}&per_page=1" for sort in sorts(table_class)]
    urls.append(f"{reverse(url_name)}?sort={sorts(table_class)[2]}&_export=csv")  # first column, descending
    for url in urls:
        for order in orders_of(client, url, db_table):
            last = re.split(r",\s*", order.split(" LIMIT ")[0])[-1]
            assert last == f'"{db_table}"."id" ASC', f"{url}: ORDER BY {order}"


def test_the_pages_of_a_list_sorted_by_a_column_of_ties_hold_the_download_rows_in_its_order(client, all_plans):
    """Risks sorted by type: most types are blank, so the order is nearly all ties."""
    url = reverse("risk_list") + "?sort=type&per_page=5"
    paged = []
    for page in range(1, 9):  # 36 risks, 5 a page
        head, rows = shown(client.get(f"{url}&page={page}"))
        paged += rows
    download = csv_rows(client.get(url + "&_export=csv"))
    assert len(paged) == 36 and download == [head, *paged]
