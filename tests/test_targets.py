"""Entered targets (kpis/targets.py, kpis/target_views.py): a lead proposes targets for a year's periods,
reads back how each was read before saving, copies last year's forward in one action; the assessment judges a
figure against the target for its own period and says "No target set for 2026-27" rather than dropping it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import Kpi, KpiValue
from kpis.periods import Period
from kpis.services import EntryData, kpi_entries_save, newest_entries
from kpis.targets import target_read, targets_copy_forward, targets_save
from tests.test_entry import (  # noqa: F401
    CS,
    PCT,
    fast_passwords,
    loaded_plans,
    plans,
    users,
)


def found(pattern: str, text: str, flags: int = 0, group: int = 0) -> str:
    match = re.search(pattern, text, flags)
    assert match is not None, pattern
    return match.group(group)


def kpi_of(plan, key) -> Kpi:
    return Kpi.objects.get(plan=plan, key=key)


def enter(kpi: Kpi, year: int, value: str, user, period: str = "") -> None:
    newest = newest_entries(kpis=[kpi]).get(kpi.pk)
    seen = newest.pk if newest else 0
    entry = EntryData(
        kpi=kpi, year=year, period=period, seen=seen, value=value, value_number=Decimal(value), commentary="entered"
    )
    kpi_entries_save(entries=[entry], user=user)


def fresh(kpi: Kpi) -> Kpi:
    return Kpi.objects.prefetch_related("values", "benchmarks").get(pk=kpi.pk)


def targets_url(year: int | None = None) -> str:
    url = reverse("department_targets", args=[CS])
    return f"{url}?year={year}" if year else url


# -- the assessment: a figure against its own period's target ------------------------------------------------


def test_an_off_track_kpi_stays_on_the_off_track_lists_when_a_new_years_value_has_no_target(
    client, plans, users, approve
):
    pct = kpi_of(plans.cs, PCT)  # percent, higher is better; 2025-26 target "80%"
    enter(pct, 2025, "70", users.lead)  # off track: missed by 10, beyond the 2-point tolerance
    assert fresh(pct).assessment().status == "off_track"
    enter(pct, 2026, "71", users.lead)  # 2026-27: the plan prints no target for it
    assessment = fresh(pct).assessment()
    assert assessment.label == "No target set"
    assert assessment.reason == "No target set for 2026-27 (last assessed off track in 2025-26)"
    assert assessment.watch_status == "off_track"
    assert approve() == 2  # the pages show approved figures only (issue 16's sign-off)

    department = client.get(reverse("department", args=[CS])).content.decode()
    needs = found(r'<ul [^>]*data-testid="needs-target">(.*?)</ul>', department, re.S, group=1)
    assert pct.description in needs
    assert "No target set for 2026-27 (last assessed off track in 2025-26)" in needs
    # The department's tables draw its status as the summary and the KPI page do (kpis.tables.status_html).
    assert '>No target set</strong> <span class="app-muted">for 2026-27; was off track</span>' in department
    kpi_page = client.get(pct.get_absolute_url()).content.decode()
    assert '>No target set</strong> <span class="app-muted">for 2026-27; was off track</span>' in kpi_page

    summary = client.get(reverse("plan_summary", args=[plans.cs.slug])).content.decode()
    # Still on the cabinet's off-track and near list, saying why.
    listed = found(r"Measures off track or near target</h2>(.*?)</table>", summary, re.S, group=1)
    assert pct.description in listed
    assert '>No target set</strong> <span class="app-muted">for 2026-27; was off track</span>' in listed


def set_target(kpi: Kpi, period: Period, text: str, user, tolerance: str | None = None) -> None:
    entry = target_read(kpi=kpi, period=period, text=text, tolerance=Decimal(tolerance) if tolerance else None)
    targets_save(entries=[entry], user=user)


def test_a_value_is_judged_against_its_own_periods_target_else_its_years(plans, users):
    pct = kpi_of(plans.cs, PCT)
    enter(pct, 2026, "71", users.lead, period="Q2")
    assert fresh(pct).assessment().reason == "No target set for Q2 2026-27 (last assessed on track in 2024-25)"
    set_target(pct, Period(2026), "70%", users.lead)
    assert fresh(pct).assessment().reason == "Target met: 71 (latest Q2 2026-27) against the 2026-27 target '70%'"
    set_target(pct, Period(2026, "Q2"), ">= 75%", users.lead)
    result = fresh(pct).assessment()
    assert (result.status, result.reason) == (
        "off_track",
        "Missed by 4: 71 (latest Q2 2026-27) against the Q2 2026-27 target '>= 75%'",
    )


def test_an_entered_targets_tolerance_decides_near(plans, users):
    pct = kpi_of(plans.cs, PCT)
    enter(pct, 2026, "71", users.lead)
    set_target(pct, Period(2026), "75%", users.lead)
    assert fresh(pct).assessment().status == "off_track"  # missed by 4: beyond the default 2 points
    set_target(pct, Period(2026), "75%", users.lead, tolerance="5")  # the newest entered target counts
    assert fresh(pct).assessment().status == "near"


def test_an_entered_target_sits_beside_the_printed_one(plans, users):
    pct = kpi_of(plans.cs, PCT)
    set_target(pct, Period(2025), "90%", users.lead)
    targets = KpiValue.objects.filter(kpi=pct, year=2025, kind="target").order_by("source")
    assert [(t.source, t.printed) for t in targets] == [("document", "80%"), ("entry", "90%")]


# -- the page ----------------------------------------------------------------------------------------------


def form_data(plans, year: int, **targets: tuple[str, str, str]) -> dict:
    data = {"plan": plans.cs.slug, "year": str(year)}
    for kpi in plans.cs.kpis.all():
        text, period, tolerance = targets.get(kpi.key.replace("-", "_"), ("", "", ""))
        data |= {f"kpi-{kpi.pk}-target": text, f"kpi-{kpi.pk}-period": period, f"kpi-{kpi.pk}-tolerance": tolerance}
    return data


@pytest.mark.parametrize(
    "who, status", [("viewer", 403), ("other_lead", 403), ("cabinet", 403), ("lead", 200), ("admin", 200)]
)
def test_only_the_departments_lead_or_an_administrator_may_set_targets(client, plans, users, who, status):
    client.force_login(getattr(users, who))
    assert client.get(targets_url()).status_code == status
    response = client.post(targets_url(), form_data(plans, 2026, rpr_children_in_care=("85%", "", "")) | {"check": "1"})
    assert response.status_code == status
    assert client.get(reverse("targets_copy", args=[CS])).status_code == status
    assert client.post(reverse("targets_copy", args=[CS]), {"plan": plans.cs.slug, "year": "2026"}).status_code == (
        302 if status == 200 else 403
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, plans):
    assert client.get(targets_url()).status_code == 302
    assert client.post(reverse("targets_copy", args=[CS])).status_code == 302
    assert not KpiValue.objects.filter(source="entry").exists()


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-12-05 12:00:00+00:00", tick=False)


def test_it_reads_each_target_back_before_saving_then_saves(client, plans, users, frozen):
    client.force_login(users.lead)
    pct = kpi_of(plans.cs, PCT)
    page = client.get(targets_url(2026)).content.decode()
    assert '<h1 class="govuk-heading-xl">Targets for 2026-27</h1>' in page
    assert re.findall(r'<option value="(\d+)"[^>]*>(\d{4}-\d\d)</option>', page) == [
        ("2026", "2026-27"),
        ("2027", "2027-28"),
        ("2028", "2028-29"),
    ]
    data = form_data(
        plans,
        2026,
        rpr_children_in_care=(">= 85%", "", "3"),
        rpr_foster_carers=("80-90", "", ""),
        send_complaints=("Better than England average", "", ""),
        residential_homes_good=("Maintain", "", ""),
    )
    checked = client.post(targets_url(), data | {"check": "1"})
    html = checked.content.decode()
    assert checked.status_code == 200
    assert re.findall(r'data-testid="read-as"><strong>Read as</strong> ([^<]*)</p>', html) == [
        "Range: between 80 and 90 (2026-27)",
        "Comparator: at least 85 (2026-27)",
        "Trend: maintain the previous year&#x27;s level (2026-27)",
        "Benchmark: above the national average (2026-27)",
    ]
    assert not KpiValue.objects.filter(source="entry").exists()  # nothing saved by checking
    saved = client.post(targets_url(), data | {"confirm": "1"}, follow=True)
    assert "4 targets saved for 2026-27." in saved.content.decode()
    target = KpiValue.objects.get(kpi=pct, source="entry")
    assert (target.year, target.period, target.kind, target.printed, target.target_kind, target.comparator) == (
        2026,
        "",
        "target",
        ">= 85%",
        "comparator",
        "ge",
    )
    assert (target.target_value, target.tolerance, target.entered_by) == (Decimal("85"), Decimal("3"), users.lead)


def test_a_target_the_rules_cannot_read_is_refused_naming_the_kpi_and_period(client, plans, users, frozen):
    client.force_login(users.lead)
    pct = kpi_of(plans.cs, PCT)
    data = form_data(
        plans, 2026, rpr_children_in_care=("as good as we can", "", ""), rpr_foster_carers=("90-80", "", "-1")
    )
    response = client.post(targets_url(), data | {"confirm": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<a href="#id_kpi-{pct.pk}-target">{pct.description} (2026-27): “as good as we can” is not a target the '
        "rules can read." in html
    )
    assert "Near-target tolerance (optional): The tolerance cannot be below zero" in html
    assert not KpiValue.objects.filter(source="entry").exists()  # all or nothing


def test_a_quarterly_kpi_takes_targets_for_its_quarters(client, plans, users, frozen):
    pct = kpi_of(plans.cs, PCT)
    Kpi.objects.filter(pk=pct.pk).update(frequency="quarterly")
    client.force_login(users.lead)
    page = client.get(targets_url(2026)).content.decode()
    select = found(rf'<select name="kpi-{pct.pk}-period".*?</select>', page, re.S, group=0)
    assert re.findall(r">([^<]+)</option>", select) == [
        "2026-27",
        "Q1 2026-27",
        "Q2 2026-27",
        "Q3 2026-27",
        "Q4 2026-27",
    ]
    client.post(targets_url(), form_data(plans, 2026, rpr_children_in_care=("90%", "Q3", "")) | {"confirm": "1"})
    assert KpiValue.objects.get(kpi=pct, source="entry").period_label == "Q3 2026-27"


# -- copying last year's targets forward ------------------------------------------------------------------------


def test_copying_forward_copies_each_missing_target_once(client, plans, users, frozen):
    client.force_login(users.lead)
    pct = kpi_of(plans.cs, PCT)
    set_target(kpi_of(plans.cs, "rpr-foster-carers"), Period(2026), "85%", users.lead)  # already has one: kept
    confirm = client.get(reverse("targets_copy", args=[CS]) + "?year=2026").content.decode()
    with_2025 = [
        k
        for k in plans.cs.kpis.all()
        if k.values.filter(kind="target", year=2025).exclude(printed__in=["", "-"]).exists()
    ]
    expected = len(with_2025) - 1
    assert f"{expected} measures have a 2025-26 target and none for 2026-27." in confirm
    response = client.post(reverse("targets_copy", args=[CS]), {"plan": plans.cs.slug, "year": "2026"}, follow=True)
    assert f"{expected} targets copied from 2025-26 to 2026-27." in response.content.decode()
    copy = KpiValue.objects.get(kpi=pct, year=2026, kind="target", source="entry")
    printed = KpiValue.objects.get(kpi=pct, year=2025, kind="target")
    assert (copy.printed, copy.target_kind, copy.target_value, copy.entered_by) == (
        printed.printed,
        printed.target_kind,
        printed.target_value,
        users.lead,
    )
    # A copied target is entered like any other: it waits for an approver, with its "entered" step audited.
    assert copy.approval == KpiValue.Approval.AWAITING
    assert list(copy.approval_events.values_list("step", "by")) == [("entered", users.lead.pk)]
    # Idempotent: nothing left to copy, though the copies still await approval.
    again = client.post(reverse("targets_copy", args=[CS]), {"plan": plans.cs.slug, "year": "2026"}, follow=True)
    assert "Nothing to copy: no measure has a 2025-26 target without one for 2026-27." in again.content.decode()
    assert KpiValue.objects.filter(kpi__plan=plans.cs, year=2026, kind="target", source="entry").count() == expected + 1


def test_copying_forward_is_all_or_nothing(plans, users, monkeypatch):
    from kpis import targets

    def fail(**kwargs):
        raise RuntimeError("the assessment failed")

    monkeypatch.setattr(targets, "kpis_assess", fail)
    with pytest.raises(RuntimeError):
        targets_copy_forward(plan=plans.cs, year=2025, user=users.lead)
    assert not KpiValue.objects.filter(source="entry").exists()


def test_the_last_assessed_status_is_found_across_several_periods_without_a_target(plans, users):
    pct = kpi_of(plans.cs, PCT)
    enter(pct, 2025, "70", users.lead)  # off track against the 2025-26 target 80%
    enter(pct, 2026, "71", users.lead, period="Q1")
    enter(pct, 2026, "72", users.lead, period="Q2")
    assessment = fresh(pct).assessment()
    assert assessment.reason == "No target set for Q2 2026-27 (last assessed off track in 2025-26)"
    assert assessment.watch_status == "off_track"
