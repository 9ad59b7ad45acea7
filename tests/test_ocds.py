"""The UK1 pipeline notice as an OCDS 1.1 release package, validated against the vendored OCDS and UK extension
schemas (procurement/standards/)."""

from __future__ import annotations

import datetime as dt

import pytest

from procurement.models import ProcurementEntry
from procurement.ocds_schema import package_validator

pytestmark = pytest.mark.django_db
URL = "/procurement/pipeline-notice/ocds.json"


def errors_of(package: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in package_validator().iter_errors(package)]


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2022, 2023, 2025, 2026])
def test_every_years_package_is_valid_ocds_with_the_uk_extension(client, all_plans, year):
    response = client.get(URL, {"council": "derbyshire", "year": year})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert errors_of(response.json()) == []


def test_the_validator_refuses_what_the_schemas_refuse():
    package = {"uri": "https://x.example/p", "version": "1.1", "publishedDate": "2025-04-01T00:00:00Z"}
    release: dict[str, object] = {"ocid": "ocds-x-1", "id": "1", "date": "2025-04-01T00:00:00Z", "tag": ["planned"]}
    release |= {"initiationType": "tender", "planning": {"documents": [{"id": "1", "noticeType": 1}]}}
    found = errors_of({**package, "publisher": {"name": "A"}, "releases": [release]})
    assert any("'planned' is not one of" in e for e in found)  # the release tag codelist
    assert any("1 is not of type 'string', 'null'" in e for e in found)  # the UK extension's noticeType


def test_one_planning_release_per_contract_over_2m_starting_in_the_18_months(client, all_plans):
    package = client.get(URL, {"year": 2025}).json()
    assert package["version"] == "1.1" and package["publisher"] == {"name": "Derbyshire County Council"}
    assert package["uri"] == "http://testserver/procurement/pipeline-notice/ocds.json?council=derbyshire&year=2025"
    releases = {r["tender"]["title"]: r for r in package["releases"]}
    expected = ProcurementEntry.objects.filter(
        plan__department__council__slug="derbyshire",
        value__gt=2_000_000,
        contract_start__gte="2025-04-01",
        contract_start__lt="2026-10-01",
    )
    assert len(package["releases"]) == expected.count() == 10
    assert len({r["ocid"] for r in package["releases"]}) == 10
    holiday = releases["Provision of Derbyshire Holiday activities and food programme"]
    assert holiday["tag"] == ["planning"]
    assert holiday["buyer"]["name"] == "Derbyshire County Council"
    assert holiday["parties"] == [{**holiday["buyer"], "roles": ["buyer"]}]
    assert holiday["planning"]["documents"][0]["noticeType"] == "UK1"
    assert holiday["planning"]["documents"][0]["documentType"] == "plannedProcurementNotice"
    assert holiday["tender"]["value"] == {"amount": 12_000_000.0, "currency": "GBP"}
    assert holiday["tender"]["status"] == "planned"
    assert holiday["tender"]["contractPeriod"] == {"startDate": "2026-04-01T00:00:00+01:00", "durationInMonths": 48}
    assert holiday["tender"]["tenderPeriod"] == {"startDate": "2025-09-27T00:00:00+01:00"}


def test_a_length_printed_as_words_is_left_out_and_listed_as_needing_a_value(client, all_plans):
    package = client.get(URL, {"year": 2025}).json()
    care = next(r for r in package["releases"] if r["tender"]["title"].startswith("Emotional Health and Wellbeing"))
    assert "durationInMonths" not in care["tender"].get("contractPeriod", {})
    page = client.get("/procurement/pipeline-notice/", {"from": "2025-04-01"}).content.decode()
    assert (
        "<li>Emotional Health and Wellbeing for Children in Care (Children&#x27;s Services 2025-26): "
        "contract length printed “5 (3+2)”</li>"
    ) in page
    assert 'href="/procurement/pipeline-notice/ocds.json?council=derbyshire&amp;year=2025"' in page


def test_a_tbc_procurement_start_is_omitted_never_zero(client, all_plans):
    # Tibshelf prints procurement start "TBC" and no contract start; give it a contract start in the window.
    row = ProcurementEntry.objects.get(title="Tibshelf Primary School - New primary school")
    assert (row.procurement_start_printed, row.procurement_start, row.advert) == ("TBC", None, None)
    row.contract_start, row.contract_start_printed = dt.date(2025, 6, 1), "Jun 2025"
    row.save()
    package = client.get(URL, {"year": 2025}).json()
    release = next(r for r in package["releases"] if r["tender"]["title"] == row.title)
    assert "tenderPeriod" not in release["tender"]
    assert release["tender"]["value"] == {"amount": 7_000_000.0, "currency": "GBP"}
    assert errors_of(package) == []
    page = client.get("/procurement/pipeline-notice/", {"from": "2025-04-01"}).content.decode()
    assert (
        "Tibshelf Primary School - New primary school (Commissioning, Communities and Policy 2020-21): procurement start printed “TBC”"
        in page
    )


def test_bad_or_empty_requests_say_why(client, all_plans):
    bad = client.get(URL, {"year": "next"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("year: give the start year")
    assert client.get(URL, {"year": 2025, "council": "nowhere"}).status_code == 404
    empty = client.get(URL, {"year": 2024})
    assert empty.status_code == 404 and "nothing to publish" in empty.json()["detail"]
