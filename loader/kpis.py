"""Reading a plan fixture's `kpis`: each KPI, its printed values and targets, and the measure it belongs to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from kpis.models import Kpi, KpiValue, Measure
from kpis.selectors import doubt_decisions
from loader.reader import FixtureReader
from loader.schema import KPI_KEYS, TARGET_KEYS, VALUE_KEYS
from plans import parsing
from plans.parsing import TargetKind


def load_kpis(loader: FixtureReader, items: list, refs: set[str]) -> None:
    """KPIs are matched by key (entries made later hang off them) and written in bulk."""
    existing = {k.key: k for k in Kpi.objects.filter(plan=loader.plan)}
    loader.doubt_decisions = doubt_decisions(plan_slug=loader.plan.slug)
    prefix = f"{loader.plan.slug}-"
    measures = {m.key: m for m in Measure.objects.filter(department=loader.plan.department, key__startswith=prefix)}
    kpis: list[Kpi] = []
    values: list[KpiValue] = []
    for i, item in enumerate(items, 1):
        record = f"kpis[{i}]"
        loader.check_keys(item, KPI_KEYS, record)
        key = loader.text(item, "key", record, required=True)
        record = f"{record} ({key})"
        if any(k.key == key for k in kpis):
            loader.fail(record, "key", "is used by another KPI of this plan")
        unit = loader.text(item, "unit", record, required=True)
        if unit not in Kpi.Unit.values:
            loader.fail(record, "unit", f"{unit!r} is not one of {', '.join(Kpi.Unit.values)}")
        hib = item.get("higher_is_better")
        if hib is not None and not isinstance(hib, bool):
            loader.fail(record, "higher_is_better", "must be true, false or null")
        links = loader.texts(item, "links", record)
        for link in links:
            if link not in refs:
                loader.fail(record, "links", f"{link} is not a deliverable ref or number in this plan")
        src = loader.src(item, record)
        description = loader.text(item, "description", record, required=True)
        measure_key = f"{prefix}{key}"[:120]
        if measure_key not in measures:
            measures[measure_key] = Measure(department=loader.plan.department, key=measure_key, title=description)
        kpi = existing.get(key) or Kpi(plan=loader.plan, key=key)
        fields = dict(
            measure=measures[measure_key],
            description=description,
            unit=unit,
            unit_note=loader.text(item, "unit_note", record),
            higher_is_better=hib,
            responsible=loader.text(item, "responsible", record),
            section=loader.text(item, "section", record),
            group=loader.text(item, "group", record),
            links=links,
            footnotes=loader.texts(item, "footnotes", record),
            tolerance=(
                None if item.get("tolerance") is None else loader.decimal(item["tolerance"], record, "tolerance")
            ),
            order=i,
            **src,
        )
        for name, field_value in fields.items():
            setattr(kpi, name, field_value)
        kpis.append(kpi)
        if not isinstance(item.get("values", []), list):
            loader.fail(record, "values", "must be a list")
        for j, value in enumerate(item.get("values") or [], 1):
            values.append(kpi_value(loader, kpi, value, f"{record}.values[{j}]", j, src))
    Measure.objects.bulk_create([m for m in measures.values() if m.pk is None])
    for kpi in kpis:
        kpi.measure = kpi.measure  # re-point measure_id at the now-saved measure
    loader.save_all(Kpi, kpis)
    dropped = Kpi.objects.filter(plan=loader.plan).exclude(pk__in=[k.pk for k in kpis])
    entered = models.Count("values", filter=models.Q(values__source="entry"), distinct=True)
    found = (
        dropped.annotate(entries=entered + models.Count("benchmarks", distinct=True))
        .filter(entries__gt=0)
        .order_by("order")
        .first()
    )
    if found is not None:
        loader.refuse_dropped(
            "kpis", found, found.entries, None, "entered values and benchmarks", f"its key ({found.key})"
        )
    dropped.delete()
    for value in values:
        value.kpi = value.kpi
    KpiValue.objects.bulk_create(values)
    loader.report.add("kpis", len(kpis))
    loader.report.add("kpi values", len(values))


def kpi_value(loader: FixtureReader, kpi: Kpi, data: dict, record: str, order: int, kpi_src: dict) -> KpiValue:
    loader.check_keys(data, VALUE_KEYS, record)
    kind = loader.text(data, "kind", record, required=True)
    if kind not in KpiValue.Kind.values:
        loader.fail(record, "kind", f"{kind!r} is not one of {', '.join(KpiValue.Kind.values)}")
    try:
        year = parsing.fy_start(loader.text(data, "year", record, required=True))
    except ValueError as exc:
        loader.fail(record, "year", str(exc))
    record = f"{record} ({kind} {parsing.fy_label(year)})"
    if "printed" not in data:
        loader.fail(record, "printed", 'is required (use "" for an empty cell)')
    printed = "" if data["printed"] is None else str(data["printed"])
    src = loader.src(data, record, required=False) if data.get("src") else kpi_src
    parsed = parsing.parse_value(printed)
    obj = KpiValue(
        kpi=kpi,
        year=year,
        kind=kind,
        printed=printed,
        column=loader.text(data, "column", record),
        approval=KpiValue.Approval.APPROVED,  # the documents' figures are published as printed: no sign-off
        order=order,
        value=parsed.value,
        unit=parsed.unit,
        as_at=parsed.as_at,
        as_at_precision=parsed.as_at_precision,
        provisional=parsed.provisional,
        status=parsed.status,
        note=parsed.note,
        footnote=parsed.footnote,
        **src,
    )
    qualitative = data.get("qualitative") is True
    if kind == KpiValue.Kind.TARGET:
        spec = parsing.parse_target(printed)
        if data.get("target") is not None:
            spec = explicit_target(loader, data["target"], record)
        if spec is None:
            if not qualitative:
                loader.fail(
                    record,
                    "target",
                    f"target {printed!r} is not understood: give target: {{kind: ...}} "
                    "(see fixtures/README.md) or qualitative: true",
                )
            spec = parsing.TargetSpec(TargetKind.NONE, reason="text")
        for column, value in KpiValue.target_columns(spec).items():
            setattr(obj, column, value)
        if spec.kind == TargetKind.RAG:
            obj.status, obj.note = KpiValue.Status.RAG, parsing.clean(printed)
        # A target row's `value` is the single figure aimed at, when there is one.
        obj.value = spec.value if spec.kind in {TargetKind.NUMBER, TargetKind.COMPARATOR} else None
        obj.note = ""
        if spec.kind not in {TargetKind.NUMBER, TargetKind.COMPARATOR}:
            obj.status = KpiValue.Status.TEXT if spec.kind != TargetKind.NONE else parsed.status
    elif not parsed.ok and not qualitative and not any(k in data for k in ("value", "status")):
        loader.fail(
            record, "printed", f"{printed!r} is not understood: give value/as_at/status explicitly or qualitative: true"
        )
    if qualitative and kind != KpiValue.Kind.TARGET:
        obj.status, obj.value, obj.note = KpiValue.Status.TEXT, None, parsing.clean(printed)
    if "value" in data:
        raw = data["value"]
        try:
            obj.value = None if raw is None else Decimal(str(raw))
        except Exception:
            loader.fail(record, "value", f"{raw!r} is not a number")
        if obj.value is not None and obj.status not in ("",):
            obj.status = ""
    if "as_at" in data:
        obj.as_at, obj.as_at_precision = as_at(loader, data["as_at"], record)
    if "provisional" in data:
        if not isinstance(data["provisional"], bool):
            loader.fail(record, "provisional", "must be true or false")
        obj.provisional = data["provisional"]
    if "status" in data:
        status = loader.text(data, "status", record)
        if status == "none":
            status = KpiValue.Status.NONE
        if status not in KpiValue.Status.values:
            allowed = ", ".join(v for v in KpiValue.Status.values if v)
            loader.fail(record, "status", f"{status!r} is not one of {allowed}")
        obj.status = status
    if "note" in data:
        obj.note = loader.text(data, "note", record)
    obj.doubtful = loader.text(data, "doubtful", record)
    # An administrator's later mark or clear (kpis.models.DoubtDecision) outlives the reload.
    decision = loader.doubt_decisions.get((kpi.key, year, kind, printed))
    if decision is not None:
        obj.doubtful = decision.reason if decision.doubtful else ""
    return obj


def as_at(loader: FixtureReader, raw: Any, record: str) -> tuple[dt.date | None, str]:
    if raw in (None, ""):
        return None, ""
    text = str(raw)
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01"), "month"
        return dt.date.fromisoformat(text), "day"
    except ValueError:
        loader.fail(record, "as_at", f"{text!r} is not YYYY-MM or YYYY-MM-DD")


def explicit_target(loader: FixtureReader, data: Any, record: str) -> parsing.TargetSpec:
    loader.check_keys(data, TARGET_KEYS, f"{record}.target")
    text = loader.text(data, "kind", f"{record}.target", required=True)
    if text not in TargetKind.values:
        loader.fail(record, "target.kind", f"{text!r} is not one of {', '.join(TargetKind.values)}")
    kind = TargetKind(text)

    def num(key: str) -> Decimal | None:
        if data.get(key) is None:
            return None
        try:
            return Decimal(str(data[key]))
        except Exception:
            loader.fail(record, f"target.{key}", f"{data[key]!r} is not a number")

    comparator = loader.text(data, "comparator", record)
    if comparator and comparator not in {"lt", "le", "gt", "ge", "eq"}:
        loader.fail(record, "target.comparator", f"{comparator!r} is not lt, le, gt, ge or eq")
    return parsing.TargetSpec(
        kind,
        comparator=comparator,
        value=num("value"),
        low=num("low"),
        high=num("high"),
        direction=loader.text(data, "direction", record),
        benchmark=loader.text(data, "benchmark", record),
        maintain=bool(data.get("maintain")),
        reason="text" if kind == TargetKind.NONE else "",
    )
