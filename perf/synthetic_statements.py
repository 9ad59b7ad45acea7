"""A synthetic plan's words (perf/synthetic.py): its ambition, values, priorities, overview and achievements, its
divisions and workforce, and its risks. A method of the generator (perf/synthetic_writer.py), apart so each module
stays short."""

from __future__ import annotations

import random
from typing import Protocol

from django.db import models

from loader.services import PlanLoader
from perf.synthetic_copy import _Table
from perf.synthetic_words import ACHIEVEMENTS, COUNCIL_PRIORITIES, RISKS, VALUES
from plans import parsing
from plans.models import Division, Risk, Statement, Workforce


class _Host(Protocol):
    """What _Statements uses of the generator it is mixed into (perf.synthetic_writer._Writer)."""

    loader: PlanLoader

    def t(self, model: type[models.Model]) -> _Table: ...


class _Statements:
    """A plan's statements, divisions, workforce and risks, for _Writer (which provides t() and loader)."""

    def words(self: _Host, rng: random.Random, plan_id: int, name: str, spec: dict, ambition: str, year: int) -> None:
        add = self.t(Statement).add
        order = 0

        def statement(kind: str, text: str, group: str = "") -> None:
            nonlocal order
            order += 1
            add(plan_id=plan_id, kind=kind, text=text, group=group, order=order)

        statement("ambition", ambition)
        for value in rng.sample(VALUES, 3):
            statement("value", value, "The way we work – we will")
        for priority in COUNCIL_PRIORITIES:
            statement("council_priority", priority, "Our Council priorities are")
        statement(
            "overview",
            f"{name} delivers a wide range of services to residents, working closely with "
            f"partners across the county. This plan sets out how the department will contribute to "
            f"the council's priorities in {parsing.fy_label(year)} and the resources it will use.",
        )
        for text in rng.sample(ACHIEVEMENTS, 2):
            statement("achievement", text.format(s=rng.choice(spec["subjects"]), m=f"£{rng.randint(2, 40) * 50:,},000"))
        for subject in rng.sample(spec["subjects"], 3):
            statement("departmental_priority", f"Deliver {subject}")
        for i, division in enumerate(spec["divisions"], 1):
            self.t(Division).add(plan_id=plan_id, name=division, director=f"Director of {division}", order=i)
        total = 0
        rows = []
        for division in spec["divisions"]:
            heads = rng.randint(80, 1500)
            total += heads
            rows.append((division, f"{heads}", f"{heads * rng.uniform(0.78, 0.92):,.1f}"))
        rows.insert(0, ("", f"approximately {round(total, -2):,}", ""))
        for i, (division, headcount, fte) in enumerate(rows, 1):
            self.t(Workforce).add(
                plan_id=plan_id,
                division=division,
                headcount_printed=headcount,
                headcount=self.loader.first_number(headcount, "synthetic", "headcount"),
                fte_printed=fte,
                fte=self.loader.first_number(fte, "synthetic", "fte"),
                note="including relief workers" if not division else "",
                order=i,
            )
        for i, (description, type_, mitigations) in enumerate(rng.sample(RISKS, rng.randint(3, 5)), 1):
            self.t(Risk).add(
                plan_id=plan_id,
                description=description,
                type=type_,
                mitigations=mitigations,
                mitigation_intro="To manage the risk through:",
                owner="Executive Director",
                order=i,
            )
