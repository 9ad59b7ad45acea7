"""One synthetic council, department by department and year by year (perf/synthetic.py): the generator that
draws every record from its own seeded random.Random and adds it to the COPY tables."""

from __future__ import annotations

import datetime as dt
import random

from django.db import models
from django.utils.text import slugify

from kpis.assessment import assess
from kpis.models import Kpi, KpiValue, Measure
from perf.synthetic_copy import SYNTHETIC_DOCUMENT, WRITTEN, _parse_date, _Table, _Tables, _Values
from perf.synthetic_departments import DEPARTMENTS
from perf.synthetic_figures import _Measure, _series
from perf.synthetic_measures import CORPORATE_MEASURES, NUMERIC_ONLY, STYLES, M
from perf.synthetic_money import _Money
from perf.synthetic_statements import _Statements
from perf.synthetic_words import (
    COUNCIL_PRIORITIES,
    FIRST,
    INTERDEPENDENCIES,
    LAST,
    LOCALITIES,
    MONTH_ABBR,
    RESOURCES,
    SUCCESS,
    VERBS,
)
from plans import parsing
from plans.models import Council, Deliverable, Department, Plan

# -- One department, all its years ------------------------------------------------------------------------------


class _Writer(_Money, _Statements, _Tables):
    def __init__(self, *, seed: int, kpis: int, deliverables: int, procurement: int, years: range):
        self.seed = seed
        self.kpi_count, self.deliverable_count, self.procurement_count = kpis, deliverables, procurement
        self.years = years
        self.tables: dict[type[models.Model], _Table] = {m: _Table(m) for m in WRITTEN if m is not KpiValue}
        self.values = _Values()
        self.tables[KpiValue] = self.values
        self.loader = self.values.loader
        self.sub_actions = 0
        self.stores_assessment = {"status", "travel"} <= {f.attname for f in Kpi._meta.concrete_fields}
        self.assessed: dict[tuple, tuple[str, str, int | None, int | None, int | None]] = {}

    def t(self, model: type[models.Model]) -> _Table:
        return self.tables[model]

    def council(self, number: int, departments: int) -> None:
        rng = random.Random(f"synthetic-{self.seed}-council-{number}")
        slug = f"syn-{number:03d}"
        council_id = self.t(Council).add(slug=slug, name=f"Synthetic County Council {number:03d}", is_synthetic=True)
        ambition = rng.choice(
            [
                "We will work together with our partners and communities to be an enterprising council "
                "delivering value for money and enabling local people and places to thrive",
                "A county where everyone has the opportunity to live a healthy, safe and fulfilling life",
                "Working together for a greener, fairer and more prosperous county",
            ]
        )
        for index in range(departments):
            spec = DEPARTMENTS[index % len(DEPARTMENTS)]
            suffix = "" if index < len(DEPARTMENTS) else f"-{index // len(DEPARTMENTS) + 1}"
            self.department(
                rng_seed=f"synthetic-{self.seed}-council-{number}-dept-{index}",
                council_id=council_id,
                council_slug=slug,
                spec=spec,
                suffix=suffix,
                ambition=ambition,
            )

    def measures(self, rng: random.Random, spec: dict) -> list[tuple[M, str]]:
        """The department's KPIs as (measure, target style), the same in every year's plan. Once every measure
        is used, the same measures reported by locality follow."""
        pool: list[M] = list(spec["measures"]) + CORPORATE_MEASURES
        rng.shuffle(pool)
        candidates = pool + [(f"{m[0]} ({place})",) + m[1:] for place in LOCALITIES for m in pool]
        chosen: list[tuple[M, str]] = []
        used: set[str] = set()
        for position in range(self.kpi_count):
            style = STYLES[position % len(STYLES)]

            def fits(m: M, style: str = style) -> bool:
                if style == "rag":
                    return m[1] == "rag"
                if style in NUMERIC_ONLY:
                    return m[1] != "rag" and (m[2] is not None or style.startswith("benchmark"))
                return True

            pick = next((m for m in candidates if m[0] not in used and fits(m)), None)
            if pick is None:
                pick = next((m for m in candidates if m[0] not in used and m[1] != "rag"), None)
                style = "monitor"
            if pick is None:
                raise ValueError(f"at most {len(candidates)} KPIs per plan")
            used.add(pick[0])
            chosen.append((pick, style))
        return chosen

    def department(
        self, *, rng_seed: str, council_id: int, council_slug: str, spec: dict, suffix: str, ambition: str
    ) -> None:
        rng = random.Random(rng_seed)
        slug = f"{council_slug}-{spec['slug']}{suffix}"
        name = spec["name"] + (f" {suffix[1:]}" if suffix else "")
        department_id = self.t(Department).add(council_id=council_id, slug=slug, name=name)
        years = self.years
        history = range(years.start - 3, years.stop + 1)
        measures: list[_Measure] = []
        keys: set[str] = set()
        for position, (m, style) in enumerate(self.measures(rng, spec)):
            key = slugify(m[0])[:80].strip("-")
            while key in keys:
                key += "-2"
            keys.add(key)
            actual, latest, target = _series(rng, m, style, history)
            section = "council" if position % 3 != 2 else "departmental"
            group = rng.choice(COUNCIL_PRIORITIES) if section == "council" else "Departmental performance measures"
            measures.append(_Measure(key, m[0], m[1], m[2], m[5], style, group, section, actual, latest, target))
        measure_ids = {
            m.key: self.t(Measure).add(
                department_id=department_id,
                key=m.key,
                title=m.description,
                why="Synthetic benchmark measure: the same KPI in every year's plan",
            )
            for m in measures
        }
        director = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        for year in years:
            if rng.random() < 0.3:
                director = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            self.plan(
                rng,
                department_id=department_id,
                slug=slug,
                name=name,
                spec=spec,
                year=year,
                director=director,
                ambition=ambition,
                measures=measures,
                measure_ids=measure_ids,
            )

    # -- a plan ---------------------------------------------------------------------------------------------------
    def plan(
        self,
        rng: random.Random,
        *,
        department_id: int,
        slug: str,
        name: str,
        spec: dict,
        year: int,
        director: str,
        ambition: str,
        measures: list[_Measure],
        measure_ids: dict[str, int],
    ) -> None:
        cycle_start = year - (year - 2017) % 4
        label = parsing.fy_label(year)
        kind = Plan.Kind.SERVICE_PLAN if year == cycle_start else Plan.Kind.REFRESH
        title = f"Service Plan {cycle_start}-{str(cycle_start + 4)[-2:]}" + (
            "" if kind == Plan.Kind.SERVICE_PLAN else f" ({label} Refresh)"
        )
        day = dt.date(year, rng.choice([1, 2, 3]), rng.randint(1, 28))
        plan_id = self.t(Plan).add(
            department_id=department_id,
            slug=f"{slug}-{label}",
            title=title,
            kind=kind,
            period=f"{cycle_start}-{str(cycle_start + 4)[-2:]}",
            financial_year=year,
            executive_director=director,
            executive_director_title="Executive Director",
            date=day,
            date_printed=f"Approved by Cabinet: {day.day} {day:%B %Y}",
            status=Plan.Status.DRAFT if year == self.years.stop - 1 and rng.random() < 0.2 else Plan.Status.FINAL,
            document=SYNTHETIC_DOCUMENT,
            fixture=f"generate_scale --seed {self.seed}",
            notes=[
                f"Synthetic benchmark data generated by manage.py generate_scale (seed {self.seed}): an invented "
                "plan for load testing, not a real council's figures."
            ],
        )
        self.words(rng, plan_id, name, spec, ambition, year)
        refs = self.deliverables(rng, plan_id, spec, year)
        self.budget(rng, plan_id, spec, year)
        self.kpis(rng, plan_id, year, measures, measure_ids, refs)
        self.procurement(rng, plan_id, spec, year)

    def deliverables(self, rng: random.Random, plan_id: int, spec: dict, year: int) -> list[str]:
        titles = [verb.format(s=s) for verb in VERBS for s in spec["subjects"]]
        titles = [t[0].upper() + t[1:] for t in rng.sample(titles, min(self.deliverable_count, len(titles)))]
        while len(titles) < self.deliverable_count:
            text = rng.choice(VERBS).format(s=rng.choice(spec["subjects"]))
            titles.append(f"{text} (phase {len(titles) + 1})")
        table = self.t(Deliverable)
        refs: list[str] = []
        order = 0
        half = (self.deliverable_count + 1) // 2
        for i, title in enumerate(titles, 1):
            section = "council" if i <= half else "departmental"
            ref = f"CP-{i:02d}" if section == "council" else f"DP-{i - half:02d}"
            refs.append(ref)
            start_printed, end_printed = self.span(rng, year)
            fields = self.dated(start_printed, end_printed)
            order += 1
            priority = COUNCIL_PRIORITIES[i % len(COUNCIL_PRIORITIES)] if section == "council" else ""
            lead = f"Director of {rng.choice(spec['divisions'])}"
            parent = table.add(
                plan_id=plan_id,
                key=ref,
                refs=[ref],
                section=section,
                council_priority=priority,
                title=title,
                lead=lead,
                resources=[rng.choice(RESOURCES)],
                interdependencies=rng.sample(INTERDEPENDENCIES, 2),
                success_measures=rng.sample(SUCCESS, rng.randint(2, 4)),
                outcome=f"By {year + 4} we will have {title[0].lower() + title[1:]}, improving outcomes for residents",
                in_council_plan=rng.choice([True, False, None]),
                order=order,
                **fields,
            )
            if rng.random() < 0.15:
                for j in range(1, rng.randint(2, 3) + 1):
                    order += 1
                    self.sub_actions += 1
                    sub_start, sub_end = self.span(rng, year)
                    table.add(
                        plan_id=plan_id,
                        key=f"{ref}.{j}",
                        parent_id=parent,
                        refs=[],
                        section=section,
                        council_priority=priority,
                        title=f"Phase {j}: {rng.choice(SUCCESS).lower()}",
                        lead=lead,
                        success_measures=[rng.choice(SUCCESS)],
                        order=order,
                        **self.dated(sub_start, sub_end),
                    )
        return refs

    def span(self, rng: random.Random, year: int) -> tuple[str, str]:
        roll = rng.random()
        if roll < 0.1:
            return "Ongoing", "Ongoing"
        if roll < 0.2:
            return "Underway", f"Mar {year + 1}"
        if roll < 0.3:
            return f"01/04/{year}", f"31/03/{year + 1}"
        start = rng.randint(0, 8)
        end = start + rng.randint(3, 18)
        return (
            f"{MONTH_ABBR[(3 + start) % 12]} {year + (3 + start) // 12}",
            f"{MONTH_ABBR[(3 + end) % 12]} {year + (3 + end) // 12}",
        )

    @staticmethod
    def dated(start_printed: str, end_printed: str) -> dict:
        start, end = _parse_date(start_printed), _parse_date(end_printed)
        return {
            "start_printed": start_printed,
            "start": start.date,
            "start_precision": start.precision,
            "end_printed": end_printed,
            "end": end.date,
            "end_precision": end.precision,
        }

    def kpis(
        self,
        rng: random.Random,
        plan_id: int,
        year: int,
        measures: list[_Measure],
        measure_ids: dict[str, int],
        refs: list[str],
    ) -> None:
        table = self.t(Kpi)
        values = self.values
        for order, m in enumerate(measures, 1):
            links = [rng.choice(refs)] if refs and rng.random() < 0.2 else []
            kpi_id = table.next_id  # the row is added below, once its assessment is known
            # As the real plans print them: two years of actuals, the current year's latest, three targets.
            cells = [
                (year - 3, "actual", m.actual[year - 3]),
                (year - 2, "actual", m.actual[year - 2]),
                (year - 1, "latest", m.latest[year - 1]),
                (year - 1, "target", m.target[year - 1]),
                (year, "target", m.target[year]),
                (year + 1, "target", m.target[year + 1]),
            ]
            value_ids = [
                values.add_value(kpi_id, when, kind, printed, position)
                for position, (when, kind, printed) in enumerate(cells, 1)
            ]
            if self.stores_assessment:
                # The loader stores each KPI's assessment after writing its values (kpis.services.kpis_assess):
                # the same rules, run here on the values just written (all relative to the plan's year, so the
                # result is cached by what is printed).
                key = (m.unit, m.hib, tuple(c[2] for c in cells))
                result = self.assessed.get(key)
                if result is None:
                    parsed = [values.parsed(kind, printed, when) for when, kind, printed in cells]
                    assessment = assess(values=parsed, unit=m.unit, higher_is_better=m.hib, tolerance=None)
                    # Which cells the status rests on, by position (Kpi.shown_value, Kpi.shown_target).
                    value_at, target_at = (
                        next((i for i, p in enumerate(parsed) if p is shown), None)
                        for shown in (assessment.value, assessment.target)
                    )
                    # and which holds the newest figure (Kpi.newest_of: the latest year, the first of equals)
                    figures = [
                        i
                        for i, p in enumerate(parsed)
                        if p.kind != "target" and (p.value is not None or p.status == "rag")
                    ]
                    newest_at = max(figures, key=lambda i: parsed[i].year) if figures else None
                    result = self.assessed[key] = (assessment.status, assessment.travel, value_at, target_at, newest_at)
                status, travel, value_at, target_at, newest_at = result
                assessed = {
                    "status": status,
                    "travel": travel,
                    "shown_value_id": None if value_at is None else value_ids[value_at],
                    "shown_target_id": None if target_at is None else value_ids[target_at],
                    "newest_figure_id": None if newest_at is None else value_ids[newest_at],
                }
            else:
                assessed = {}
            added = table.add(
                plan_id=plan_id,
                measure_id=measure_ids[m.key],
                key=m.key,
                description=m.description,
                unit=m.unit,
                unit_note=m.unit_note,
                higher_is_better=m.hib,
                responsible="Executive Director" if m.section == "council" else "Service Director",
                section=m.section,
                group=m.group,
                links=links,
                order=order,
                **assessed,
            )
            assert added == kpi_id
