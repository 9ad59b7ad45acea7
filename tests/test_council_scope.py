"""Several councils in one installation: council-wide pages show one council at a time (the first real one
unless ?council= names another), never a mix; an unknown council is not found."""

import pytest
from django.urls import reverse

from plans.models import Council, Deliverable, Department, Plan, Risk
from procurement.models import ProcurementEntry, ProcurementTable

pytestmark = pytest.mark.django_db

SOURCE = {"src_start": 1}


@pytest.fixture
def other_council(all_plans):
    """A second, synthetic council with one plan, one deliverable, one risk and one contract."""
    council = Council.objects.create(slug="syn-001", name="Synthetic County Council 001", is_synthetic=True)
    dept = Department.objects.create(council=council, slug="syn-001-place", name="Place (synthetic)")
    plan = Plan.objects.create(
        department=dept,
        slug="syn-001-place-2025-26",
        title="Synthetic plan",
        kind="service_plan",
        period="2025-26",
        financial_year=2025,
        document="synthetic",
        fixture="synthetic",
        **SOURCE,
    )
    Deliverable.objects.create(
        plan=plan, key="S1", title="Resurface the synthetic bypass", section="priority", order=1, **SOURCE
    )
    Risk.objects.create(plan=plan, description="Synthetic flood risk", order=1, **SOURCE)
    table = ProcurementTable.objects.create(plan=plan, title="Synthetic pipeline", order=1, **SOURCE)
    ProcurementEntry.objects.create(table=table, plan=plan, title="Synthetic gritting contract", order=1, **SOURCE)
    return council


@pytest.mark.parametrize(
    "name, text",
    [
        ("deliverable_list", "Resurface the synthetic bypass"),
        ("risk_list", "Synthetic flood risk"),
        ("procurement_pipeline", "Synthetic gritting contract"),
    ],
)
def test_each_list_shows_one_council_at_a_time(client, other_council, name, text):
    default = client.get(reverse(name)).content.decode()
    assert text not in default and "Synthetic County Council 001</option>" in default  # offered, not mixed in
    chosen = client.get(reverse(name), {"council": "syn-001"}).content.decode()
    body = chosen.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert text in body and "Children" not in body and "Place (synthetic)" in body
    assert client.get(reverse(name), {"council": "nope"}).status_code == 404
    assert client.get(reverse(name), {"council": "x\x00y"}).status_code == 404


def test_the_kpi_list_is_scoped_too(client, other_council):
    assert "0 measures shown." in client.get(reverse("kpi_list"), {"council": "syn-001"}).content.decode()
    # The department and plan choices are the chosen council's.
    page = client.get(reverse("kpi_list"), {"council": "syn-001"}).content.decode()
    assert "Place (synthetic)" in page and "Children&#x27;s Services</option>" not in page


def test_one_council_needs_no_council_choice(client, all_plans):
    assert 'name="council"' not in client.get(reverse("deliverable_list")).content.decode()


def test_a_synthetic_council_says_so_on_every_list(client, other_council):
    for name in ("home", "kpi_list", "deliverable_list", "risk_list", "procurement_pipeline"):
        page = client.get(reverse(name), {"council": "syn-001"}).content.decode()
        assert "Synthetic County Council 001 is synthetic benchmark data" in page, name
    assert "synthetic benchmark data" not in client.get(reverse("home")).content.decode()


def test_the_overview_is_scoped(client, other_council):
    page = client.get(reverse("home"), {"council": "syn-001"}).content.decode()
    assert "Place (synthetic)" in page and "Children&#x27;s Services" not in page


def test_search_keeps_the_council_it_was_asked_for(client, other_council):
    """The search form carries ?council= as a field, so searching again from the results page stays in that
    council (it used to fall back to the first real council)."""
    page = client.get(reverse("search"), {"council": "syn-001", "q": "flood"}).content.decode()
    assert '<option value="syn-001" selected>Synthetic County Council 001</option>' in page
    assert "Synthetic <mark>flood</mark> risk" in page
    assert "Synthetic <mark>" not in client.get(reverse("search"), {"q": "flood"}).content.decode()
    blank = client.get(reverse("search"), {"council": "syn-001"}).content.decode()
    assert '<option value="syn-001" selected>' in blank  # the scope is chosen before the first search
    assert client.get(reverse("search"), {"council": "nope", "q": "flood"}).status_code == 404


def test_one_council_needs_no_council_choice_in_search(client, all_plans):
    assert 'name="council"' not in client.get(reverse("search"), {"q": "foster"}).content.decode()
