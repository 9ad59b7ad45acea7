"""Loading plan fixtures (fixtures/*.yaml, schema in fixtures/README.md) into the database.

`plans_load(paths=...)` validates and writes every file in one transaction: the first problem raises
FixtureError naming the file, the record and the field, and the database is left as it was. Loading is
idempotent: a plan is matched by slug; its KPIs, deliverables, outcomes, strategic objectives and actions by
stable keys, and updated in place, so everything entered in the product (KPI values and benchmarks, progress
updates, and the closed periods and roles that hang off departments) stays attached to the same record across
a reload. Everything else the fixture describes, which nobody can attach anything to, is replaced. A fixture
edit that removes a record carrying entries is refused (see FixtureReader.refuse_dropped).

Where each part of a fixture is read: loader/schema.py (the fields each section allows), loader/reader.py (the
checks every section uses), loader/plans.py (plan, statements, divisions, workforce, risks, discrepancies),
loader/deliverables.py (deliverables, outcomes), loader/budgets.py (budget headlines, pressures, savings),
loader/budget_tables.py (budget tables, capital programmes), loader/kpis.py (KPIs, their values and targets),
loader/procurement.py; measures.yaml here (measures_apply).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from django.conf import settings
from django.db import connection, transaction

from budgets.models import BudgetHeadline, BudgetTable, Saving, ServicePressure
from kpis.models import Kpi, KpiValue, Measure
from kpis.services import kpis_assess
from loader.budgets import load_budget
from loader.deliverables import load_deliverables, load_outcomes
from loader.fingerprint import fingerprint_forget, fingerprint_matches, fingerprint_record, fixtures_fingerprint
from loader.kpis import kpi_value, load_kpis
from loader.plans import load_discrepancies, load_divisions, load_plan, load_risks, load_statements, load_workforce
from loader.procurement import load_procurement
from loader.reader import FixtureReader
from loader.schema import (
    COUNCIL,
    DEPARTMENTS,
    MEASURE_KEYS,
    MEASURES_FILE,
    SAFE_LOADER,
    TOP_KEYS,
    FixtureError,
    LoadReport,
)
from plans.models import Council, Discrepancy, Division, Plan, Risk, Statement, Workforce
from procurement.models import ProcurementTable

# Imported from here by the commands, the tests and perf/synthetic.py.
__all__ = [
    "COUNCIL",
    "DEPARTMENTS",
    "FixtureError",
    "LoadReport",
    "PlanLoader",
    "fixture_paths",
    "measures_apply",
    "plans_load",
    "plans_load_if_changed",
]


class PlanLoader(FixtureReader):
    """Loads one plan file: each section in turn, by the section readers (loader/plans.py and the others)."""

    def load(self) -> Plan:
        try:
            data = yaml.load(self.path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise FixtureError(self.file, "YAML", where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        except OSError as exc:
            raise FixtureError(self.file, "", "", f"cannot read: {exc}") from exc
        data = self.check_keys(data, TOP_KEYS, "file")
        load_plan(self, self.require(data, "plan", "file"))
        self.clear()
        load_statements(self, data.get("statements") or [])
        load_divisions(self, data.get("divisions") or [])
        load_workforce(self, data.get("workforce") or [])
        load_budget(self, data.get("budget") or {}, data.get("capital_programmes") or [])
        refs = load_deliverables(self, data.get("deliverables") or [])
        load_outcomes(self, data.get("outcomes") or [])
        load_kpis(self, data.get("kpis") or [], refs)
        load_procurement(self, data.get("procurement") or [])
        load_risks(self, data.get("risks") or [])
        load_discrepancies(self, data.get("discrepancies") or [])
        self.report.plans.append(self.plan.slug)
        return self.plan

    def clear(self) -> None:
        """Remove what the fixture describes and nothing can hang off, wholesale. KPIs, deliverables, outcomes,
        objectives and actions are matched by key instead: progress updates and entered values hang off them
        (Outcome is not here: deleting it cascaded to the actions and tripped over their PROTECTed updates)."""
        plan = self.plan
        for model in (
            Statement,
            Division,
            Workforce,
            BudgetHeadline,
            ServicePressure,
            Saving,
            BudgetTable,
            ProcurementTable,
            Risk,
            Discrepancy,
        ):
            model.objects.filter(plan=plan).delete()
        # An explicit id list, not a join: on freshly loaded tables (no statistics yet) PostgreSQL plans the
        # joined form as a nested loop over the whole table.
        KpiValue.objects.filter(kpi_id__in=list(plan.kpis.values_list("id", flat=True)), source="document").delete()

    def kpi_value(self, kpi: Kpi, data: dict, record: str, order: int, kpi_src: dict) -> KpiValue:
        """One KPI value as the loader builds it, unsaved: perf/synthetic.py builds its generated values with it."""
        return kpi_value(self, kpi, data, record, order, kpi_src)


def measures_apply(*, path: Path, report: LoadReport, strict: bool) -> None:
    """Join KPI rows of different plans into one measure, as fixtures/measures.yaml says.
    With `strict` (a full load), every member must name a loaded plan and one of its KPIs."""
    file = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise FixtureError(file, "YAML", "", f"not valid YAML: {exc}") from exc
    items = data.get("measures") or []
    members = {
        (str(m.get("plan")), str(m.get("kpi")))
        for item in items
        if isinstance(item, dict)
        for m in item.get("members") or []
        if isinstance(m, dict)
    }
    loaded = {
        (k.plan.slug, k.key): k
        for k in Kpi.objects.select_related("plan").filter(plan__slug__in={plan for plan, _ in members})
    }
    loaded_plans = {plan for plan, _ in loaded}
    seen: set[str] = set()
    for i, item in enumerate(items, 1):
        record = f"measures[{i}]"
        if not isinstance(item, dict) or set(item) - MEASURE_KEYS:
            raise FixtureError(file, record, "", f"a measure has only {', '.join(sorted(MEASURE_KEYS))}")
        key = str(item.get("key") or "")
        if not key or key in seen:
            raise FixtureError(file, record, "key", "is required and must be unique")
        seen.add(key)
        kpis = []
        for j, member in enumerate(item.get("members") or [], 1):
            mrecord = f"{record} ({key}).members[{j}]"
            if not isinstance(member, dict) or set(member) != {"plan", "kpi"}:
                raise FixtureError(file, mrecord, "", "a member is {plan: <slug>, kpi: <key>}")
            kpi = loaded.get((str(member["plan"]), str(member["kpi"])))
            if kpi is None:
                if strict or member["plan"] in loaded_plans or Plan.objects.filter(slug=member["plan"]).exists():
                    raise FixtureError(file, mrecord, "kpi", f"no KPI {member['kpi']!r} in plan {member['plan']!r}")
                continue
            kpis.append(kpi)
        if not kpis:
            continue
        departments = {k.plan.department_id for k in kpis}
        if len(departments) > 1:
            raise FixtureError(file, f"{record} ({key})", "members", "members come from different departments")
        measure, _ = Measure.objects.update_or_create(
            department_id=departments.pop(),
            key=key,
            defaults={"title": str(item.get("title") or kpis[-1].description), "why": str(item.get("why") or "")},
        )
        Kpi.objects.filter(pk__in=[k.pk for k in kpis]).update(measure=measure)
        report.add("joined measures")
    Measure.objects.filter(kpis__isnull=True).delete()


def fixture_paths(directory: Path | None = None) -> list[Path]:
    directory = directory or settings.FIXTURES_DIR
    return sorted(p for p in directory.glob("*.yaml") if p.name != MEASURES_FILE)


@transaction.atomic
def plans_load(*, paths: Iterable[Path] | None = None, dry_run: bool = False) -> LoadReport:
    """Load the given plan files (all of fixtures/ by default) and apply measures.yaml, atomically.
    A full load records its fingerprint (loader.fingerprint), which plans_load_if_changed compares."""
    report = LoadReport()
    if Council.objects.filter(is_synthetic=True).exists():  # never real plans beside the scale benchmark's data
        raise FixtureError(
            f"database {connection.settings_dict['NAME']}",
            "",
            "",
            (
                "it holds synthetic benchmark councils (manage.py generate_scale). Real plans are never loaded beside "
                "synthetic data: load them into a database without it (the default, LOCAL_DATABASE_NAME unset)"
            ),
        )
    paths = list(paths) if paths is not None else fixture_paths()
    full = paths == fixture_paths()
    fingerprint = fixtures_fingerprint() if full else ""  # read before loading: a file saved meanwhile reloads
    slugs: dict[str, str] = {}
    for path in paths:
        plan = PlanLoader(path, report).load()
        if plan.slug in slugs:
            raise FixtureError(path.name, "plan", "slug", f"{plan.slug!r} is also the slug in {slugs[plan.slug]}")
        slugs[plan.slug] = path.name
    measures = (paths[0].parent if paths else settings.FIXTURES_DIR) / MEASURES_FILE
    if measures.exists():
        measures_apply(path=measures, report=report, strict=full)
    else:
        Measure.objects.filter(kpis__isnull=True).delete()
    kpis_assess(kpis=Kpi.objects.filter(plan__slug__in=slugs))
    if full:
        fingerprint_record(fingerprint=fingerprint, plans=list(slugs))
    else:
        fingerprint_forget()
    if dry_run:
        transaction.set_rollback(True)
    return report


def plans_load_if_changed(*, force: bool = False) -> tuple[LoadReport | None, str]:
    """Load every fixture unless the last full load read exactly what is there now (same fixture bytes, source
    documents, loader code and migrations, and its plans still in the database); `force` loads regardless.
    Returns (the report, or None when skipped; the fingerprint). A skipped load writes nothing, so cached
    pages (DataVersion) stay valid."""
    fingerprint = fixtures_fingerprint()
    if not force and fingerprint_matches(fingerprint):
        return None, fingerprint
    return plans_load(), fingerprint
