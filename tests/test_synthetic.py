"""The synthetic scale installation (manage.py generate_scale): exact counts, marked synthetic, globally unique
prefixed slugs, reproducible from the seed, targets of every kind parsed as the loader parses them, a spread of
statuses, refusals that write nothing, and the pages of a synthetic plan answering 200."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from budgets.models import BudgetCell, BudgetRow
from kpis.models import Kpi, KpiValue, Measure
from loader.services import FixtureError, plans_load
from perf import synthetic
from perf.synthetic import SYNTHETIC_DOCUMENT, SyntheticRefused, synthetic_generate
from plans import parsing
from plans.models import Council, Deliverable, Department, Plan
from procurement.models import ProcurementEntry

SMALL = {"councils": 2, "departments": 2, "years": 3, "kpis": 22, "deliverables": 6, "procurement": 8}


def generate(**overrides) -> dict[str, int]:
    return synthetic_generate(**{**SMALL, **overrides})


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Council, Department, Plan, Measure, Kpi, KpiValue, Deliverable, ProcurementEntry, BudgetCell)
    }


def snapshot() -> list[tuple]:
    """The generated rows without their ids, in a stable order."""
    rows: list[tuple] = []
    rows += Plan.objects.order_by("slug").values_list("slug", "title", "kind", "period", "date", "executive_director")
    rows += KpiValue.objects.order_by("kpi__plan__slug", "kpi__order", "order").values_list(
        "kpi__plan__slug",
        "kpi__key",
        "year",
        "kind",
        "printed",
        "value",
        "as_at",
        "provisional",
        "target_kind",
        "target_value",
        "target_low",
        "target_high",
    )
    rows += Deliverable.objects.order_by("plan__slug", "order").values_list(
        "plan__slug", "key", "title", "lead", "start_printed", "end_printed", "success_measures"
    )
    rows += ProcurementEntry.objects.order_by("plan__slug", "order").values_list(
        "plan__slug", "title", "value_printed", "value", "procurement_start_printed", "contract_start"
    )
    rows += BudgetCell.objects.order_by("row__table__plan__slug", "row__order", "column__order").values_list(
        "row__table__plan__slug", "row__division", "column__label", "printed", "value"
    )
    return rows


@pytest.fixture
def small(db):
    return generate()


def test_it_writes_exactly_the_counts_asked_for(small):
    plans = 2 * 2 * 3
    assert counts() == {
        "Council": 2,
        "Department": 4,
        "Plan": plans,
        "Measure": 4 * 22,
        "Kpi": plans * 22,
        "KpiValue": plans * 22 * 6,
        "Deliverable": plans * 6 + small["sub_actions"],
        "ProcurementEntry": plans * 8,
        "BudgetCell": small["budget_cells"],
    }
    assert Deliverable.objects.filter(parent__isnull=True).count() == plans * 6
    assert small["plans"] == plans and small["kpis"] == plans * 22 and small["kpi_values"] == plans * 22 * 6
    assert small["deliverables"] == plans * 6 and small["procurement_entries"] == plans * 8
    assert list(
        Plan.objects.filter(department__slug="syn-001-childrens-services")
        .order_by("financial_year")
        .values_list("financial_year", flat=True)
    ) == [2023, 2024, 2025]


def test_it_marks_everything_synthetic_with_prefixed_unique_slugs(small):
    assert list(Council.objects.order_by("slug").values_list("slug", "name", "is_synthetic")) == [
        ("syn-001", "Synthetic County Council 001", True),
        ("syn-002", "Synthetic County Council 002", True),
    ]
    departments = list(Department.objects.select_related("council"))
    assert len({d.slug for d in departments}) == len(departments)  # URLs use the department slug alone
    assert all(d.slug.startswith(f"{d.council.slug}-") for d in departments)
    assert {d.name for d in departments} == {"Children's Services", "Adult Social Care and Health"}
    for plan in Plan.objects.select_related("department"):
        assert plan.slug == f"{plan.department.slug}-{plan.year_label}"
        assert plan.document == SYNTHETIC_DOCUMENT and "Synthetic benchmark data" in plan.notes[0]
    # Source lines that no real document has: real lines start at 1.
    assert not KpiValue.objects.exclude(src_start=0).exists()
    assert not Deliverable.objects.exclude(src_start=0).exists()


def test_it_continues_each_kpi_across_years_as_one_measure(small):
    kpi = Kpi.objects.filter(plan__slug="syn-001-childrens-services-2025-26").order_by("order").first()
    members = Kpi.objects.filter(measure=kpi.measure).order_by("plan__financial_year")
    assert [k.plan.financial_year for k in members] == [2023, 2024, 2025]
    assert {k.key for k in members} == {kpi.key}
    # A year's figure printed as an actual by two plans is the same figure.
    actuals = KpiValue.objects.filter(kpi__measure=kpi.measure, kind="actual", year=2022)
    assert actuals.count() == 2 and len({v.printed for v in actuals}) == 1


def test_the_same_seed_gives_identical_data_and_another_seed_differs(db):
    generate(seed=7)
    first = snapshot()
    generate(seed=7, replace=True)
    assert snapshot() == first
    generate(seed=8, replace=True)
    assert snapshot() != first


def test_targets_of_every_kind_parse_as_the_loader_parses_them(small):
    targets = KpiValue.objects.filter(kind="target")
    assert set(targets.values_list("target_kind", flat=True)) == {
        "number",
        "comparator",
        "range",
        "trend",
        "benchmark",
        "rag",
        "none",
    }
    assert {"monitor", "tbc", "not_set", "baseline", "not_applicable"} <= set(
        targets.filter(target_kind="none").values_list("target_reason", flat=True)
    )
    assert targets.filter(target_kind="comparator", maintain=True, printed__startswith="Maintain >").exists()
    assert targets.filter(
        target_kind="trend", printed__in=["Increasing trend", "Increase on the previous year"]
    ).exists()
    assert targets.filter(target_kind="trend", direction="maintain").exists()
    assert targets.filter(target_kind="benchmark", benchmark="national_average", target_value__isnull=False).exists()
    assert targets.filter(target_kind="benchmark", benchmark__endswith="quartile").exists()
    for value in targets:
        spec = parsing.parse_target(value.printed)
        assert spec is not None and spec.kind == value.target_kind, value.printed
        assert (spec.comparator, spec.low, spec.high) == (value.comparator, value.target_low, value.target_high)
    # Latest figures are part-year, as at a date, some provisional; the printed text is kept beside the value.
    latest = KpiValue.objects.filter(kind="latest", value__isnull=False)
    assert not latest.filter(as_at__isnull=True).exists()
    assert latest.filter(provisional=True).exists() and latest.filter(provisional=False).exists()
    sample = latest.filter(unit="percent").first()
    assert sample.printed.startswith(f"{sample.value:.1f}%")


def test_the_assessment_spreads_across_statuses(small):
    kpis = Kpi.objects.prefetch_related("values", "benchmarks")
    statuses = [kpi.assessment().status for kpi in kpis]
    assert {"on_track", "near", "off_track", "none"} <= set(statuses)
    assert statuses.count("on_track") > statuses.count("off_track") > 0
    if hasattr(Kpi, "travel"):  # the stored assessment is the one the rules give
        assert all(kpi.status == kpi.assessment().status and kpi.travel == kpi.assessment().travel for kpi in kpis)
        # and so are the values it rests on, which the KPI list shows
        assert all(
            (kpi.shown_value_id, kpi.shown_target_id)
            == (getattr(kpi.assessment().value, "pk", None), getattr(kpi.assessment().target, "pk", None))
            for kpi in kpis
        )
        assert sum(kpi.shown_value_id is not None for kpi in kpis) > len(kpis) / 2
        assert all(kpi.newest_figure_id == getattr(Kpi.newest_of(list(kpi.values.all())), "pk", None) for kpi in kpis)


def test_budget_tables_reconcile(small):
    table = (
        Plan.objects.get(slug="syn-002-adult-social-care-health-2024-25")
        .budget_tables.prefetch_related("columns", "rows__cells__column")
        .get()
    )
    assert table.reconciliation() == []
    assert table.rows.filter(kind=BudgetRow.Kind.TOTAL).count() == 1


def test_it_refuses_a_database_with_real_councils_and_writes_nothing(db):
    Council.objects.create(slug="derbyshire", name="Derbyshire County Council")
    before = counts()
    with pytest.raises(CommandError, match="LOCAL_DATABASE_NAME=app_scale") as error:
        call_command("generate_scale", "--councils", "1", "--departments", "1", "--years", "1")
    assert "Derbyshire County Council" in str(error.value) and "Nothing was written" in str(error.value)
    assert counts() == before


def test_it_refuses_to_generate_twice_unless_replacing(small):
    before = counts()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_scale", "--councils", "1", "--departments", "1", "--years", "1")
    assert counts() == before
    call_command(
        "generate_scale",
        "--councils",
        "1",
        "--departments",
        "1",
        "--years",
        "1",
        "--kpis",
        "3",
        "--deliverables",
        "2",
        "--procurement",
        "2",
        "--replace",
    )
    assert counts()["Council"] == 1 and counts()["Kpi"] == 3


def test_a_failed_run_leaves_the_database_as_it_was(small, monkeypatch):
    before, rows = counts(), snapshot()

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(synthetic._Writer, "procurement", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(seed=3, replace=True)
    assert counts() == before and snapshot() == rows


def test_the_loader_refuses_real_plans_beside_synthetic_data(small, settings):
    before = counts()
    with pytest.raises(FixtureError, match="synthetic benchmark councils"):
        plans_load(paths=[settings.FIXTURES_DIR / "cs-2022-23.yaml"])
    with pytest.raises(CommandError, match="Nothing was loaded.*synthetic"):
        call_command("load_plans", str(settings.FIXTURES_DIR / "cs-2022-23.yaml"))
    assert counts() == before


def test_the_pages_of_a_synthetic_plan_answer(small, client):
    plan = Plan.objects.select_related("department").get(slug="syn-001-childrens-services-2025-26")
    kpi = plan.kpis.order_by("order").first()
    pages = [
        reverse("department", args=[plan.department.slug]),
        reverse("plan", args=[plan.slug]),
        reverse("kpi", args=[plan.slug, kpi.key]),
        reverse("plan_summary", args=[plan.slug]),
        reverse("plan_procurement", args=[plan.slug]),
        reverse("plan_budget", args=[plan.slug]),
        reverse("measure", args=[plan.department.slug, kpi.key]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Synthetic benchmark data" in client.get(reverse("plan", args=[plan.slug])).content.decode()
    # The synthetic document is not a source document: its page is a 404, not an error.
    assert client.get(reverse("source_document", args=[SYNTHETIC_DOCUMENT])).status_code == 404


def test_it_refuses_impossible_sizes(db):
    with pytest.raises(ValueError):
        synthetic_generate(councils=0)
    with pytest.raises(SyntheticRefused):
        Council.objects.create(slug="real", name="A Real Council")
        synthetic_generate(councils=1, departments=1, years=1, kpis=1, deliverables=1, procurement=1)
