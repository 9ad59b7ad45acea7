"""What changed since a pack: its stored rows against the same selectors now ("Restated since"), and one pack
against another (compare)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kpis.models import DoubtDecision
from plans.models import LoadFingerprint
from reports.models import ReportPack
from reports.snapshot import council_content

Row = dict


def shown(row: Row | None) -> str:
    """A measure's figure, target and status as one line, the way the restatement lists it."""
    if row is None:
        return "No longer in the plan"
    figure = f"{row['figure']} ({row['year_label']})" if row["figure"] else "No figure"
    target = f"target {row['target']}" if row["target"] else "no target"
    return f"{figure}, {target}: {row['status_word']}"


def _day(value: dt.datetime | str | None) -> str:
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(when).strftime("%-d %B %Y %H:%M")


@dataclass
class Restatement:
    old: Row
    new: Row | None
    who: str
    when: str
    why: str

    @property
    def was(self) -> str:
        return shown(self.old)

    @property
    def now(self) -> str:
        return shown(self.new)


def _differs(old: Row, new: Row | None) -> bool:
    if new is None:
        return True
    fields = ("figure", "year_label", "target", "target_year_label", "status_word")
    return any(old[f] != new[f] for f in fields)


def restated_since(*, pack: ReportPack) -> list[Restatement]:
    """Every measure whose figure, target or status as the pack showed it differs from what the same plan's
    page shows now, with who changed it, when and why: an entry's author, time and commentary; an administrator's
    doubt decision; otherwise the source documents as last reloaded. The queries of council_content for the
    pack's plans, plus 2."""
    slugs = [d["plan_slug"] for d in pack.departments]
    current = council_content(council=pack.council, plan_slugs=slugs)
    now = {(m["plan_slug"], m["key"]): m for d in current["departments"] for m in d["measures"]}
    changed = [(old, now.get((old["plan_slug"], old["key"]))) for old in pack.measures]
    changed = [(old, new) for old, new in changed if _differs(old, new)]
    if not changed:
        return []
    decisions: dict[tuple[str, str], DoubtDecision] = {}
    for d in DoubtDecision.objects.filter(
        plan_slug__in=slugs, kpi_key__in={old["key"] for old, _ in changed}, decided_at__gt=pack.published_at
    ).select_related("decided_by"):
        decisions.setdefault((d.plan_slug, d.kpi_key), d)  # newest first (Meta.ordering)
    reload = LoadFingerprint.objects.order_by("-loaded_at").values_list("loaded_at", flat=True).first()
    found = []
    for old, new in changed:
        decision = decisions.get((old["plan_slug"], old["key"]))
        same_figures = new is not None and all(
            old[f] == new[f] for f in ("figure", "year_label", "target", "target_year_label")
        )
        if new is None:
            who, when, why = "the source documents", "", "The measure is no longer in the plan"
        elif new["source"] == "entry" and new["entered_at"] and new["entered_at"] != old["entered_at"]:
            who, when, why = new["entered_by"], _day(new["entered_at"]), new["entry_reason"]
        elif decision is not None and old["doubt"] != new["doubt"]:
            who = decision.decided_by.get_full_name() or decision.decided_by.get_username()
            verb = "Marked doubtful" if decision.doubtful else "Doubt cleared"
            when, why = _day(decision.decided_at), f"{verb}: {decision.reason}"
        elif same_figures:
            who, when = "", ""
            why = "The status was worked out again: a benchmark was entered or the assessment rules changed"
        elif new["source"] == "document" and new["value_id"] != old["value_id"]:
            later = reload if reload is not None and reload > pack.published_at else None
            who = f"the source documents, reloaded {_day(later)}" if later else "the source documents, reloaded"
            when, why = _day(later), "The plan's figures as loaded again from the source documents"
        else:
            who, when, why = "", "", "Changed in the database directly: no record of who or why"
        found.append(Restatement(old, new, who or "Not recorded", when, why or "No reason recorded"))
    return found


def compare_packs(*, first: ReportPack, second: ReportPack) -> dict:
    """Measures of `second` against `first`, matched by department and KPI key: which changed status, whose target
    moved, which are new and which were dropped. No queries."""
    before = {(m["department_slug"], m["key"]): m for m in first.measures}
    after = {(m["department_slug"], m["key"]): m for m in second.measures}
    both = [(before[k], after[k]) for k in after if k in before]
    return {
        "status_changed": [(a, b) for a, b in both if a["status_word"] != b["status_word"]],
        "targets_moved": [
            (a, b) for a, b in both if (a["target"], a["target_year_label"]) != (b["target"], b["target_year_label"])
        ],
        "new": [m for k, m in after.items() if k not in before],
        "dropped": [m for k, m in before.items() if k not in after],
    }
