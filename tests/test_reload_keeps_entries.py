"""Reloading the fixtures (what `make run` does after the documents or the loader change) keeps everything
entered in the product: KPI values and benchmarks typed on the update page or uploaded, progress updates on
every kind of deliverable (council and departmental rows, CCP sub-actions, position-keyed rows, the 2025-29
outcome -> objective -> action tree), closed periods, roles and an administrator's doubt on a printed value. Each stays attached to the same KPI or
deliverable and is still shown. A fixture edit that removes a record carrying entries is refused, writing
nothing, with a message naming the record and its entries."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from kpis.models import Benchmark, DoubtDecision, Kpi, KpiValue
from loader.services import FixtureError, plans_load
from plans.models import (
    ClosedPeriod,
    DataVersion,
    Deliverable,
    DeliverableUpdate,
    Department,
    Outcome,
    Plan,
    Role,
    StrategicObjective,
)
from tests.conftest import fixture_path
from tests.test_entry import PCT, fast_passwords, fill, make_users, open_form, page_form, update_url  # noqa: F401
from tests.test_upload import csv_file, filled, post_file, template, upload_url

# A deliverable of every kind, by plan and key, with who (a lead of its department, or the administrator) updates it.
DELIVERABLES = [
    ("cs-2025-29", "so1-1", "lead", "2025-29 action, strategic objective 1"),
    ("cs-2025-29", "so14-2", "lead", "2025-29 action, strategic objective 14"),
    ("cs-2022-23", None, "lead", "council deliverable with refs"),
    ("cs-2023-24", "council-1", "lead", "council deliverable keyed by position"),
    ("ete-2020-21", "departmental", "other_lead", "departmental deliverable"),
    ("ccp-2020-21", "no-6.1", "admin", "CCP sub-action"),
    ("asch-2020-21", "departmental", "admin", "ASCH departmental priority"),
]
UPLOADED = "icpc-within-15-days"  # cs-2022-23: printed "89.1% (Dec 21)" for 2021-22


def deliverable_for(slug: str, key: str | None) -> Deliverable:
    items = Deliverable.objects.filter(plan__slug=slug).order_by("order")
    if key is None:
        return items.filter(section="council", parent__isnull=True).exclude(refs=[]).first()
    if key == "departmental":
        return items.filter(section="departmental", parent__isnull=True).first()
    return items.get(key=key)


def record_progress(client, item: Deliverable, commentary: str) -> None:
    url = reverse("deliverable_update", args=[item.plan.slug, item.pk])
    data = page_form(client.get(url).content.decode(), "Save update")
    data.update(status="at_risk", percent_complete="40", as_of="2025-11-27", commentary=commentary)
    assert client.post(url, data).status_code == 302


def snapshot() -> dict:
    """Every entry, with what it hangs off (by id: the same row, not a look-alike)."""
    return {
        "values": sorted(
            KpiValue.objects.filter(source="entry").values_list(
                "pk", "kpi_id", "kpi__key", "year", "printed", "commentary", "entered_by_id"
            )
        ),
        "benchmarks": sorted(Benchmark.objects.values_list("pk", "kpi_id", "year", "kind", "value", "entered_by_id")),
        "updates": sorted(
            DeliverableUpdate.objects.values_list(
                "pk", "deliverable_id", "deliverable__key", "deliverable__title", "commentary", "entered_by_id"
            )
        ),
        "closed": sorted(ClosedPeriod.objects.values_list("pk", "department_id", "year", "closed_by_id")),
        "roles": sorted(Role.objects.values_list("pk", "user_id", "kind", "department_id")),
        "doubts": sorted(
            DoubtDecision.objects.values_list("pk", "plan_slug", "kpi_key", "year", "printed", "doubtful")
        ),
        # Document values are written afresh by a load: what must survive is an administrator's judgement on them.
        "doubted": sorted(
            KpiValue.objects.filter(source="document")
            .exclude(doubtful="")
            .values_list("kpi__plan__slug", "kpi__key", "year", "kind", "printed", "doubtful")
        ),
    }


@pytest.fixture
def everything(db, fast_passwords):
    """Every fixture loaded (inside the test's transaction) and the fixed users."""
    plans_load()
    return make_users()


def test_a_reload_keeps_every_kind_of_entry_attached_and_shown(client, admin_client, everything):
    users = everything
    cs_new, cs_old = Plan.objects.get(slug="cs-2025-29"), Plan.objects.get(slug="cs-2022-23")

    # KPI value and benchmark on the update page.
    client.force_login(users.lead)
    data = fill(open_form(client, cs_new), cs_new, PCT, value="85", benchmark="70", commentary="Quarter 2 reviews")
    assert client.post(update_url(cs_new), data).status_code == 302
    # A KPI value from an uploaded template.
    rows = filled(
        template(client, cs_old, "csv"),
        {
            UPLOADED: {
                "Latest value": "92.4",
                "Financial year": "2021-22",
                "Commentary": "Year-end figure from the upload",
            }
        },
    )
    confirm = page_form(post_file(client, cs_old, csv_file(rows)).content.decode(), "Save all")
    assert client.post(upload_url(cs_old), {**confirm, "confirm": "1"}).status_code == 302
    # Progress on every kind of deliverable.
    items = {}
    for slug, key, who, what in DELIVERABLES:
        item = deliverable_for(slug, key)
        client.force_login(getattr(users, who))
        record_progress(client, item, f"Progress on the {what}")
        items[what] = item
    # A closed period and a role, made on the admin site.
    cs_dept = cs_new.department
    ete_dept = Department.objects.get(slug="economy-transport-environment")
    closed = admin_client.post("/admin/plans/closedperiod/add/", {"department": cs_dept.pk, "year": 2024})
    assert closed.status_code == 302
    assert (
        admin_client.post(
            "/admin/plans/role/add/", {"user": users.viewer.pk, "kind": "lead", "department": ete_dept.pk}
        ).status_code
        == 302
    )
    # A doubt marked by an administrator on a printed value the fixture does not doubt.
    printed = KpiValue.objects.filter(kpi__plan=cs_old, kpi__key=UPLOADED, source="document", doubtful="").first()
    marked = admin_client.post(
        reverse("admin:kpis_printedvalue_change", args=[printed.pk]),
        {"reason": "Checked against the return: the month is wrong", "is_doubtful": "on"},
    )
    assert marked.status_code == 302
    before = snapshot()
    assert (len(before["values"]), len(before["benchmarks"]), len(before["updates"])) == (2, 1, len(DELIVERABLES))
    assert len(before["doubts"]) == 1
    assert ("cs-2022-23", UPLOADED) in {d[:2] for d in before["doubted"]}

    plans_load()  # every fixture, again

    assert snapshot() == before
    # Shown where a reader looks for them. The update page and the KPI page:
    client.force_login(users.lead)
    kpi_html = client.get(Kpi.objects.get(plan=cs_new, key=PCT).get_absolute_url()).content.decode()
    assert "Quarter 2 reviews" in kpi_html and "Lena Lead" in kpi_html
    assert "70" in kpi_html[kpi_html.index(">Changes entered</h2>") :]
    old_html = client.get(Kpi.objects.get(plan=cs_old, key=UPLOADED).get_absolute_url()).content.decode()
    assert "Year-end figure from the upload" in old_html and "92.4" in old_html
    # Each deliverable's page, at the same address as before the reload.
    for what, item in items.items():
        page = client.get(reverse("deliverable", args=[item.plan.slug, item.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert f"Progress on the {what}" in html and item.title[:40] in html.replace("&#x27;", "'")
    # The closed year is still refused, and the viewer made an ETE lead can still open ETE's update page.
    data = fill(open_form(client, cs_old), cs_old, UPLOADED, value="93", year=2024, commentary="late")
    refused = client.post(update_url(cs_old), data)
    assert refused.status_code == 400 and "2024-25 is closed for Children&#x27;s Services" in refused.content.decode()
    client.force_login(users.viewer)
    ete = Plan.objects.filter(department=ete_dept).first()
    assert client.get(update_url(ete)).status_code == 200


# -- fixture edits that touch records with entries (the 2025-29 plan alone, from an edited copy) --------------------


def edited_plan(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(fixture_path("cs-2025-29").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "cs-2025-29.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def users_beside(slug: str):
    """The fixed users, with one plan loaded: the other departments they lead exist, planless."""
    from loader.services import DEPARTMENTS

    plans_load(paths=[fixture_path(slug)])
    council = Plan.objects.get(slug=slug).department.council
    for dept, name in DEPARTMENTS.items():
        Department.objects.get_or_create(council=council, slug=dept, defaults={"name": name})
    return make_users()


@pytest.fixture
def plan_with_progress(db, fast_passwords, client):
    """cs-2025-29 loaded, and a lead's progress update on action 14.2."""
    users = users_beside("cs-2025-29")
    action = Deliverable.objects.get(plan__slug="cs-2025-29", key="so14-2")
    client.force_login(users.lead)
    record_progress(client, action, "Two new foster carers approved")
    return action


def tree() -> list[tuple]:
    return list(
        Deliverable.objects.filter(section="objective")
        .order_by("pk")
        .values_list("pk", "key", "title", "objective__number", "objective__outcome__number")
    )


def test_an_edited_action_tree_is_updated_in_place(plan_with_progress, tmp_path):
    objectives = dict(StrategicObjective.objects.values_list("number", "pk"))
    outcomes = dict(Outcome.objects.values_list("number", "pk"))

    def edit(data):
        data["outcomes"][1]["objectives"][0]["title"] += " (corrected)"
        data["outcomes"][0]["objectives"][0]["actions"][0]["lead"] = "Someone else"

    plans_load(paths=[edited_plan(tmp_path, edit)])
    assert dict(StrategicObjective.objects.values_list("number", "pk")) == objectives
    assert dict(Outcome.objects.values_list("number", "pk")) == outcomes
    assert StrategicObjective.objects.get(number=14).title.endswith(" (corrected)")
    assert Deliverable.objects.get(key="so1-1").lead == "Someone else"
    update = DeliverableUpdate.objects.get()
    assert update.deliverable_id == plan_with_progress.pk and update.deliverable.objective.number == 14


def test_removing_an_action_with_progress_is_refused_and_writes_nothing(plan_with_progress, tmp_path):
    before, version = tree(), DataVersion.key()

    def edit(data):
        objective = data["outcomes"][1]["objectives"][0]
        assert objective["number"] == 14
        del objective["actions"][1]  # action 14.2, which carries the update
        data["outcomes"][0]["objectives"][0]["title"] = "A new title that must not be written"

    with pytest.raises(FixtureError) as exc:
        plans_load(paths=[edited_plan(tmp_path, edit)])
    message = str(exc.value)
    assert message.startswith("cs-2025-29.yaml: deliverables: so14-2: 14.2 ")
    assert "carries 1 progress updates entered in the product, newest 2025-11-27" in message
    assert (
        "Nothing was written: put it back (a load never deletes entries); if it was only edited, keep its key "
        "(so14-2: refs or number), or for a row without them its title or its place" in message
    )
    assert tree() == before and DataVersion.key() == version
    assert DeliverableUpdate.objects.get().deliverable_id == plan_with_progress.pk


def test_removing_a_whole_outcome_with_progress_is_refused(plan_with_progress, tmp_path):
    before = (tree(), list(Outcome.objects.values_list("pk", "title")))

    def edit(data):
        del data["outcomes"][1]  # outcome 3 and its objectives, one of whose actions carries the update

    with pytest.raises(FixtureError, match="deliverables: so14-2: .* carries 1 progress updates"):
        plans_load(paths=[edited_plan(tmp_path, edit)])
    assert (tree(), list(Outcome.objects.values_list("pk", "title"))) == before


def test_removing_an_objective_without_progress_removes_it(plan_with_progress, tmp_path):
    def edit(data):
        numbers = [o["number"] for o in data["outcomes"][0]["objectives"]]
        assert numbers == [1, 2]
        del data["outcomes"][0]["objectives"][1]

    plans_load(paths=[edited_plan(tmp_path, edit)])
    assert not StrategicObjective.objects.filter(number=2).exists()
    assert not Deliverable.objects.filter(key__startswith="so2-").exists()
    assert DeliverableUpdate.objects.get().deliverable_id == plan_with_progress.pk


def test_updates_follow_their_action_when_one_is_inserted_above(plan_with_progress, tmp_path):
    """Actions are keyed by position (so14-2): an action inserted above shifts the keys, and the update must
    stay on the action it describes, not pass to whichever action now holds position 2."""
    title = plan_with_progress.title

    def edit(data):
        actions = data["outcomes"][1]["objectives"][0]["actions"]
        actions.insert(0, copy.deepcopy(actions[0]) | {"title": "A newly inserted action"})

    report = plans_load(paths=[edited_plan(tmp_path, edit)])
    assert report.notices == []
    update = DeliverableUpdate.objects.get()
    assert (update.deliverable_id, update.deliverable.key, update.deliverable.title) == (
        plan_with_progress.pk,
        "so14-3",
        title,
    )
    assert Deliverable.objects.get(key="so14-1").title == "A newly inserted action"


def test_removing_an_action_above_does_not_move_the_updates(plan_with_progress, tmp_path):
    title = plan_with_progress.title

    def edit(data):
        del data["outcomes"][1]["objectives"][0]["actions"][0]  # 14.1: 14.2 becomes the first action

    plans_load(paths=[edited_plan(tmp_path, edit)])
    update = DeliverableUpdate.objects.get()
    assert (update.deliverable_id, update.deliverable.key, update.deliverable.title) == (
        plan_with_progress.pk,
        "so14-1",
        title,
    )
    html = Client().get(reverse("deliverable", args=["cs-2025-29", plan_with_progress.pk])).content.decode()
    assert "Two new foster carers approved" in html and "14.1" in html


def test_the_command_prints_the_notice(plan_with_progress, tmp_path, capsys):
    from django.core.management import call_command

    def edit(data):
        data["outcomes"][1]["objectives"][0]["actions"][1]["title"] = "Reworded action"

    call_command("load_plans", str(edited_plan(tmp_path, edit)))
    out = capsys.readouterr().out
    assert re.search(
        r"Check: cs-2025-29.yaml: deliverable so14-2 has progress updates and its title changed from "
        r"'.+' to 'Reworded action'",
        out,
    )


def test_removing_a_deliverable_with_progress_is_refused(db, fast_passwords, client, tmp_path):
    users = users_beside("ccp-2020-21")
    sub = Deliverable.objects.get(plan__slug="ccp-2020-21", key="no-6.1")
    client.force_login(users.admin)
    record_progress(client, sub, "Sub-action progress")
    data = yaml.safe_load(fixture_path("ccp-2020-21").read_text(encoding="utf-8"))
    parent = next(d for d in data["deliverables"] if str(d.get("number")) == "6")
    parent["sub_actions"] = parent["sub_actions"][1:]
    path = tmp_path / "ccp-2020-21.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(FixtureError, match=r"ccp-2020-21.yaml: deliverables: no-6.1: .* carries 1 progress updates"):
        plans_load(paths=[path])
    assert DeliverableUpdate.objects.get().deliverable_id == sub.pk
    assert dt.date(2025, 11, 27) == DeliverableUpdate.objects.get().as_of


def test_make_runs_local_accounts_leave_roles_an_administrator_changed(db, fast_passwords, monkeypatch):
    """`make run` creates the local accounts each time it starts; a role an administrator revoked or granted
    since stays as they left it."""
    from django.core.management import call_command

    monkeypatch.delenv("DATABASE_URL", raising=False)
    users_beside("ete-2020-21")
    call_command("seed_local_users")
    Role.objects.filter(user__username="lead.ete").delete()  # revoked by an administrator
    ete = Department.objects.get(slug="economy-transport-environment")
    Role.objects.create(user=Role.objects.get(user__username="viewer.local").user, kind="lead", department=ete)
    before = snapshot()["roles"]
    call_command("seed_local_users")
    assert snapshot()["roles"] == before
    assert not Role.objects.filter(user__username="lead.ete").exists()
