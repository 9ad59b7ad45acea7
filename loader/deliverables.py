"""Reading a plan fixture's `deliverables` (with their sub-actions) and `outcomes` (the 2025-29 tree of strategic
objectives and their actions), and writing them all together, matched to the stored rows (loader/matching.py)
so progress updates stay attached."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models.functions import Cast, Concat

from loader.matching import deliverables_match
from loader.reader import FixtureReader
from loader.schema import ACTION_KEYS, DELIVERABLE_KEYS, OBJECTIVE_KEYS, OUTCOME_KEYS
from plans import parsing
from plans.models import Deliverable, DeliverableUpdate, Outcome, StrategicObjective


def dates(loader: FixtureReader, printed: str, record: str, fieldname: str, src: dict) -> tuple[dt.date | None, str]:
    parsed = parsing.parse_date(printed)
    if parsed.problem:
        loader.discrepancy(record, fieldname, printed, "", parsed.problem, None, src)
    return parsed.date, parsed.precision


def load_deliverables(loader: FixtureReader, items: list) -> set[str]:
    """Deliverables are read here and written, with the 2025-29 actions, by save_deliverables once all
    of them are known (they are matched to the stored rows all together: loader/matching.py)."""
    seen_refs: dict[str, str] = {}
    loader.loaded_deliverables = []  # (deliverable, keyed by position)
    tops: list[Deliverable] = []
    subs: list[Deliverable] = []
    order = 0

    def save(
        item: dict,
        record: str,
        parent: Deliverable | None,
        key: str,
        section: str,
        priority: str,
        part_default: str = "",
        positional: bool = True,
    ) -> Deliverable:
        nonlocal order
        order += 1
        src = loader.src(item, record)
        title = loader.text(item, "title", record, required=True)
        start_printed, end_printed = loader.text(item, "start", record), loader.text(item, "end", record)
        start, start_precision = dates(loader, start_printed, f"Deliverable {key}", "start", src)
        end, end_precision = dates(loader, end_printed, f"Deliverable {key}", "end", src)
        flag = item.get("in_council_plan")
        if flag is not None and not isinstance(flag, bool):
            loader.fail(record, "in_council_plan", "must be true, false or null")
        fields = dict(
            parent=parent,
            objective=None,
            refs=loader.texts(item, "refs", record),
            number=loader.text(item, "number", record),
            part=loader.text(item, "part", record) or part_default,
            section=section,
            council_priority=loader.text(item, "council_priority", record) or priority,
            title=title,
            lead=loader.text(item, "lead", record),
            start_printed=start_printed,
            start=start,
            start_precision=start_precision,
            end_printed=end_printed,
            end=end,
            end_precision=end_precision,
            resources=loader.texts(item, "resources", record),
            interdependencies=loader.texts(item, "interdependencies", record),
            success_measures=loader.texts(item, "success_measures", record),
            outcome=loader.text(item, "outcome", record),
            in_council_plan=flag,
            notes=loader.text(item, "notes", record),
            order=order,
            **src,
        )
        obj = Deliverable(plan=loader.plan, key=key, **fields)
        loader.loaded_deliverables.append((obj, positional))
        (subs if parent is not None else tops).append(obj)
        loader.report.add("deliverables")
        return obj

    for i, item in enumerate(items, 1):
        record = f"deliverables[{i}]"
        loader.check_keys(item, DELIVERABLE_KEYS, record)
        section = loader.text(item, "section", record) or "council"
        if section not in {"council", "departmental"}:
            loader.fail(record, "section", f"{section!r} is not council or departmental")
        refs = loader.texts(item, "refs", record)
        number = loader.text(item, "number", record)
        for ref in refs:
            if ref in seen_refs:
                loader.fail(record, "refs", f"{ref} is already used by {seen_refs[ref]} (refs are unique in a plan)")
            seen_refs[ref] = record
        part = loader.text(item, "part", record)
        numbered = f"no-{part + ' ' if part else ''}{number}"
        key = " ".join(refs) or (numbered if number else f"{section}-{i}")
        if number and numbered in seen_refs:
            loader.fail(
                record,
                "number",
                f"action {number} is already used by {seen_refs[numbered]} (numbers are "
                "unique within a plan, or within a `part` such as 'Public Health')",
            )
        if number:
            seen_refs[numbered] = record
        record = f"{record} ({key})"
        parent = save(item, record, None, key, section, "", positional=not (refs or number))
        for j, sub in enumerate(item.get("sub_actions") or [], 1):
            srecord = f"{record}.sub_actions[{j}]"
            loader.check_keys(sub, DELIVERABLE_KEYS - {"sub_actions"}, srecord)
            save(sub, srecord, parent, f"{key}.{j}", section, parent.council_priority, parent.part)
    loader.tops, loader.subs = tops, subs
    loader.next_order = order
    return {r for r in seen_refs if not r.startswith("no-")} | {r[3:] for r in seen_refs if r.startswith("no-")}


def load_outcomes(loader: FixtureReader, items: list) -> None:
    """The 2025-29 tree, updated in place: an outcome is matched by its number in the plan, an objective by
    its number in the plan (objective numbers run on across outcomes, and the action keys use them alone),
    an action by its key so<objective>-<position>. Outcomes and objectives the fixture no longer has are
    deleted only after their actions have been re-pointed or refused (refuse_dropped)."""
    order = loader.next_order
    actions: list[Deliverable] = []
    outcomes = {o.number: o for o in Outcome.objects.filter(plan=loader.plan)}
    objectives = {o.number: o for o in StrategicObjective.objects.filter(outcome__plan=loader.plan)}
    kept_outcomes: dict[int, str] = {}
    kept_objectives: dict[int, str] = {}
    for i, item in enumerate(items, 1):
        record = f"outcomes[{i}]"
        loader.check_keys(item, OUTCOME_KEYS, record)
        number = loader.whole_number(item, "number", record)
        if number in kept_outcomes:
            loader.fail(record, "number", f"outcome {number} is already used by {kept_outcomes[number]}")
        kept_outcomes[number] = record
        outcome = outcomes.get(number) or Outcome(plan=loader.plan, number=number)
        outcome.title = loader.text(item, "title", record, required=True)
        for name, value in loader.src(item, record).items():
            setattr(outcome, name, value)
        outcome.save()
        loader.report.add("outcomes")
        for j, obj_data in enumerate(item.get("objectives") or [], 1):
            orecord = f"{record}.objectives[{j}]"
            loader.check_keys(obj_data, OBJECTIVE_KEYS, orecord)
            onumber = loader.whole_number(obj_data, "number", orecord)
            if onumber in kept_objectives:
                loader.fail(
                    orecord,
                    "number",
                    f"objective {onumber} is already used by {kept_objectives[onumber]} "
                    "(objective numbers are unique within a plan)",
                )
            kept_objectives[onumber] = orecord
            objective = objectives.get(onumber) or StrategicObjective(number=onumber)
            fields = dict(
                outcome=outcome,
                title=loader.text(obj_data, "title", orecord, required=True),
                lead_directors=loader.texts(obj_data, "lead_directors", orecord),
                supporting_departments=loader.texts(obj_data, "supporting_departments", orecord),
                dates_printed=loader.text(obj_data, "dates", orecord),
                **loader.src(obj_data, orecord),
            )
            for name, field_value in fields.items():
                setattr(objective, name, field_value)
            objective.save()
            loader.report.add("objectives")
            for k, action in enumerate(obj_data.get("actions") or [], 1):
                arecord = f"{orecord}.actions[{k}]"
                loader.check_keys(action, ACTION_KEYS, arecord)
                src = loader.src(action, arecord)
                key = f"so{objective.number}-{k}"
                end_printed = loader.text(action, "end", arecord)
                end, end_precision = dates(loader, end_printed, f"Action {key}", "end", src)
                order += 1
                title = loader.text(action, "title", arecord, required=True)
                obj = Deliverable(
                    plan=loader.plan,
                    key=key,
                    parent=None,
                    objective=objective,
                    refs=[],
                    number=f"{objective.number}.{k}",
                    section=Deliverable.Section.OBJECTIVE,
                    council_priority=outcome.title,
                    title=title,
                    lead=loader.text(action, "lead", arecord),
                    start_printed="",
                    start=None,
                    start_precision="",
                    end_printed=end_printed,
                    end=end,
                    end_precision=end_precision,
                    supporting_departments=loader.texts(action, "supporting_departments", arecord),
                    support_required=loader.texts(action, "support_required", arecord),
                    timescale=loader.text(action, "timescale", arecord),
                    success_measures=loader.texts(action, "success_measures", arecord),
                    key_risks=loader.texts(action, "key_risks", arecord),
                    notes=loader.text(action, "notes", arecord),
                    order=order,
                    **src,
                )
                loader.loaded_deliverables.append((obj, True))
                actions.append(obj)
                loader.report.add("deliverables")
    save_deliverables(loader, actions)
    # Their actions are re-pointed or deleted by save_deliverables, so these cascade to nothing entered.
    StrategicObjective.objects.filter(outcome__plan=loader.plan).exclude(number__in=kept_objectives).delete()
    Outcome.objects.filter(plan=loader.plan).exclude(number__in=kept_outcomes).delete()


def save_deliverables(loader: FixtureReader, actions: list[Deliverable]) -> None:
    """Write every deliverable of the plan: each matched to the stored row it is (loader/matching.py) and
    updated in place, so progress updates stay on it; the rest inserted; stored rows the fixture no
    longer has deleted, or the load refused if one carries progress updates. About six statements."""
    stored = list(Deliverable.objects.filter(plan=loader.plan))
    updates = {
        row["deliverable_id"]: row
        for row in DeliverableUpdate.objects.filter(deliverable__plan=loader.plan)
        .values("deliverable_id")
        .annotate(entries=models.Count("pk"), newest=models.Max("as_of"))
    }
    matched = deliverables_match(stored=stored, loaded=loader.loaded_deliverables)
    for row in sorted(matched.dropped, key=lambda r: r.order):
        if row.pk in updates:
            loader.refuse_dropped(
                "deliverables",
                row,
                updates[row.pk]["entries"],
                updates[row.pk]["newest"],
                "progress updates",
                f"its key ({row.key}: refs or number), or for a row without them its title or its place",
            )
    for row, title in matched.retitled:
        if row.pk in updates:
            # Keyed by position (no refs or number): a corrected title, or another row in its place.
            loader.report.notices.append(
                f"{loader.file}: deliverable {row.key} has progress updates and its title changed from "
                f"{row.title[:80]!r} to {title[:80]!r}: check that its updates still describe it"
            )
    # Keys are unique in a plan: move the keys that change or go out of the way before writing the new ones.
    moving = matched.rekeyed + [row.pk for row in matched.dropped]
    if moving:
        Deliverable.objects.filter(pk__in=moving).update(
            key=Concat(models.Value("~"), Cast("id", output_field=models.CharField()))
        )
    loader.save_all(Deliverable, loader.tops)
    for sub in loader.subs:
        sub.parent = sub.parent  # re-point parent_id at the now-saved parent
    loader.save_all(Deliverable, loader.subs)
    loader.save_all(Deliverable, actions)
    Deliverable.objects.filter(pk__in=[row.pk for row in matched.dropped]).delete()
