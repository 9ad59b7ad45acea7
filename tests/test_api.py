"""The read-only JSON API (/api/v1/): exact figures from the documents, cursors, ETags, filters and errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from kpis.models import Kpi
from plans.models import Council

pytestmark = pytest.mark.django_db

CS_DOCUMENT = "000_1696c8c63c149500.txt"  # Children's Services Service Plan 2021-2025, 2022-23 refresh


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()  # the rate limit counts in the default cache
    yield
    cache.clear()


def kpi_from(response, key: str) -> dict:
    return next(item for item in response.json()["items"] if item["key"] == key)


def test_it_gives_a_childrens_services_kpi_as_printed_with_status_and_source(client, all_plans):
    response = client.get("/api/v1/kpis", {"department": "childrens-services", "plan": "cs-2022-23"})
    assert response.status_code == 200
    kpi = kpi_from(response, "budget-savings-achieved")
    assert kpi["description"] == "Achievement of annual budget savings (%)"
    assert (kpi["status"], kpi["status_label"], kpi["travel_label"]) == ("off_track", "Off track", "Improving")
    # Line 293: "Achievement of annual budget savings (%)	72.1	38.2	66.9	100	100	100"
    figures = {(f["kind"], f["year_label"]): f for f in kpi["figures"]}
    latest = figures[("latest", "2021-22")]
    assert latest["printed"] == "66.9" and Decimal(latest["value"]) == Decimal("66.9")
    assert latest["origin"] == "document"
    assert latest["source"] == {
        "document": CS_DOCUMENT,
        "line_from": 293,
        "line_to": 293,
        "url": f"/sources/{CS_DOCUMENT}/?from=293&to=293#L293",
    }
    assert [figures[("actual", y)]["printed"] for y in ("2019-20", "2020-21")] == ["72.1", "38.2"]
    target = figures[("target", "2022-23")]
    assert target["printed"] == "100" and target["target"]["summary"] == "100"


def test_the_status_filter_is_the_kpi_pages_filter(client, all_plans):
    response = client.get("/api/v1/kpis", {"plan": "cs-2022-23", "status": "off_track"})
    keys = {item["key"] for item in response.json()["items"]}
    assert keys == set(Kpi.objects.filter(plan__slug="cs-2022-23", status="off_track").values_list("key", flat=True))
    assert "budget-savings-achieved" in keys and "sickness-absence" not in keys


def test_it_pages_with_a_cursor_through_every_row_once(client, all_plans):
    url, seen, pages = "/api/v1/kpis?department=childrens-services&limit=40", [], 0
    while url and pages < 50:  # bounded: a cursor that does not move on must fail, not hang
        body = client.get(url).json()
        assert len(body["items"]) <= 40
        seen += [(item["plan"], item["key"]) for item in body["items"]]
        url, pages = body["next"], pages + 1
    expected = set(Kpi.objects.filter(plan__department__slug="childrens-services").values_list("plan__slug", "key"))
    assert len(seen) == len(set(seen)) == len(expected) and set(seen) == expected
    assert pages == -(-len(expected) // 40)  # no empty page at the end


def test_a_row_added_between_pages_does_not_shift_the_next_page(client, all_plans):
    first = client.get("/api/v1/councils", {"limit": 1}).json()
    assert first["next"] is None  # one council: one page
    Council.objects.create(slug="a-first-by-name", name="A First By Name Council")
    again = client.get("/api/v1/councils", {"limit": 1}).json()
    # Keyset order is the id, so the new council comes after the first page, never before it.
    assert again["items"] == first["items"] and again["next_cursor"]
    rest = client.get("/api/v1/councils", {"limit": 1, "cursor": again["next_cursor"]}).json()
    assert [c["slug"] for c in rest["items"]] == ["a-first-by-name"] and rest["next"] is None


def test_it_answers_304_until_a_figure_changes(client, all_plans):
    first = client.get("/api/v1/kpis", {"plan": "cs-2022-23"})
    etag = first["ETag"]
    assert etag and "no-cache" in first["Cache-Control"]
    same = client.get("/api/v1/kpis", {"plan": "cs-2022-23"}, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b"" and same["ETag"] == etag
    kpi = Kpi.objects.get(plan__slug="cs-2022-23", key="sickness-absence")
    kpi.values.filter(kind="latest", year=2021).update(printed="4.9")  # any write moves the data version
    changed = client.get("/api/v1/kpis", {"plan": "cs-2022-23"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    latest = [f for f in kpi_from(changed, "sickness-absence")["figures"] if f["kind"] == "latest"]
    assert latest[0]["printed"] == "4.9"


def test_bad_input_is_refused_saying_what_and_where(client, all_plans):
    bad_status = client.get("/api/v1/kpis", {"status": "great"})
    assert bad_status.status_code == 400
    assert bad_status.json()["detail"].startswith("Bad filter. status: Select a valid choice.")
    bad_cursor = client.get("/api/v1/kpis", {"cursor": "not-a-cursor"})
    assert bad_cursor.status_code == 400 and bad_cursor.json()["detail"].startswith("cursor: ")
    assert client.get("/api/v1/kpis", {"council": "nowhere"}).status_code == 404
    assert client.get("/api/v1/kpis", {"limit": 501}).status_code == 422
    month = client.get("/api/v1/deliverables", {"start_from": "sometime"})
    assert month.status_code == 400 and "start_from: Enter a month and year" in month.json()["detail"]


def test_deliverables_risks_budgets_procurement_and_corrections_carry_their_print(client, all_plans):
    deliverables = client.get("/api/v1/deliverables", {"plan": "asch-2020-21", "limit": 1}).json()["items"]
    assert deliverables[0]["title"] == "Achieved budget savings of £46.8m (£20m departmental)"
    assert deliverables[0]["start_printed"] == "April 2019" and deliverables[0]["start"] == "2019-04-01"
    corrections = client.get("/api/v1/corrections", {"plan": "asch-2020-21"}).json()["items"]
    total = next(c for c in corrections if c["record"] == "Approved Controllable Budget: TOTAL BUDGET")
    assert total["printed"] == "7,212,077" and "sum to 6,058,683" in total["note"]
    tables = client.get("/api/v1/budget-tables", {"plan": "asch-2020-21"}).json()["items"]
    controllable = next(t for t in tables if t["title"] == "Approved Controllable Budget")
    assert controllable["source"]["line_from"] == 1628
    printed = {
        (row["division"], cell["column"]): cell["printed"] for row in controllable["rows"] for cell in row["cells"]
    }
    assert printed[("TOTAL BUDGET", "Unallocated Budgets")] == "7,212,077"
    rows = client.get("/api/v1/procurement", {"plan": "cs-2025-29", "q": "Holiday activities"}).json()["items"]
    assert [(r["title"], Decimal(r["value"]), r["contract_start"]) for r in rows] == [
        ("Provision of Derbyshire Holiday activities and food programme", Decimal("12000000"), "2026-04-01")
    ]
    risks = client.get("/api/v1/risks", {"plan": "asch-2020-21", "limit": 1}).json()["items"]
    assert risks[0]["description"] == "Continuing Health Care (CHC): cost pressures on Adult Care"


def test_the_openapi_document_and_the_docs_page_are_served_from_here(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/councils",
        "/api/v1/departments",
        "/api/v1/plans",
        "/api/v1/kpis",
        "/api/v1/deliverables",
        "/api/v1/risks",
        "/api/v1/budget-tables",
        "/api/v1/procurement",
        "/api/v1/corrections",
        "/api/v1/kpi-figures.csv",
        "/api/v1/kpi-figures.xlsx",
    } == set(document["paths"])
    scheme = document["components"]["securitySchemes"]["ApiAccess"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    docs = client.get("/api/v1/docs").content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in docs and "cdn" not in docs.lower()


@pytest.mark.parametrize("limit", [5, 200])
def test_a_page_of_kpis_costs_the_same_queries_whatever_its_size(client, all_plans, django_assert_num_queries, limit):
    # 1 the data version (ETag), 2 the councils (the filter's council), 3 the KPIs with plan, department and
    # measure, 4 their values, 5 their benchmarks.
    with django_assert_num_queries(5):
        response = client.get("/api/v1/kpis", {"limit": limit})
    assert len(response.json()["items"]) == limit
