"""What a plan fixture may hold (fixtures/README.md): the fields allowed in each section, the council and its
departments, and what a load reports: its result (LoadReport) or the first problem found (FixtureError)."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

COUNCIL = {"slug": "derbyshire", "name": "Derbyshire County Council"}
DEPARTMENTS = {
    "childrens-services": "Children's Services",
    "commissioning-communities-policy": "Commissioning, Communities and Policy",
    "economy-transport-environment": "Economy, Transport and Environment",
    "adult-social-care-health": "Adult Social Care and Health",
}
MEASURES_FILE = "measures.yaml"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster than pure Python

TOP_KEYS = {
    "plan",
    "statements",
    "divisions",
    "workforce",
    "budget",
    "deliverables",
    "outcomes",
    "kpis",
    "procurement",
    "risks",
    "capital_programmes",
    "discrepancies",
}
DISCREPANCY_KEYS = {"record", "field", "printed", "stored", "note", "src"}
PLAN_KEYS = {
    "slug",
    "department",
    "title",
    "kind",
    "period",
    "financial_year",
    "executive_director",
    "executive_director_title",
    "date",
    "date_printed",
    "status",
    "document",
    "src",
    "notes",
}
STATEMENT_KEYS = {"kind", "text", "group", "number", "src"}
DIVISION_KEYS = {"name", "director", "src"}
WORKFORCE_KEYS = {"division", "headcount", "fte", "note", "src"}
BUDGET_KEYS = {"headlines", "pressures", "savings", "tables"}
HEADLINE_KEYS = {"label", "printed", "src", "note", "value", "rows_sum"}
PRESSURE_KEYS = {"title", "amounts", "src"}
SAVING_KEYS = {"title", "printed", "description", "year", "src", "value", "note"}
TABLE_KEYS = {"title", "kind", "unit", "multiplier", "unit_note", "src", "columns", "rows", "notes", "rounding"}
ROW_KEYS = {"division", "group", "kind", "src", "cells", "note"}
DELIVERABLE_KEYS = {
    "refs",
    "number",
    "part",
    "section",
    "council_priority",
    "title",
    "lead",
    "start",
    "end",
    "resources",
    "interdependencies",
    "success_measures",
    "outcome",
    "in_council_plan",
    "notes",
    "src",
    "sub_actions",
}
OUTCOME_KEYS = {"number", "title", "src", "objectives"}
OBJECTIVE_KEYS = {"number", "title", "lead_directors", "supporting_departments", "dates", "src", "actions"}
ACTION_KEYS = {
    "title",
    "lead",
    "end",
    "supporting_departments",
    "support_required",
    "timescale",
    "success_measures",
    "key_risks",
    "src",
    "notes",
    "start",
}
KPI_KEYS = {
    "key",
    "description",
    "unit",
    "unit_note",
    "higher_is_better",
    "responsible",
    "section",
    "group",
    "links",
    "footnotes",
    "src",
    "values",
    "tolerance",
}
VALUE_KEYS = {
    "year",
    "kind",
    "printed",
    "column",
    "value",
    "as_at",
    "provisional",
    "status",
    "note",
    "qualitative",
    "target",
    "src",
    "doubtful",
}
TARGET_KEYS = {"kind", "comparator", "value", "low", "high", "direction", "benchmark", "maintain"}
PROCUREMENT_TABLE_KEYS = {"table", "band", "src", "printed_total", "total_note", "rows", "notes"}
PROCUREMENT_ROW_KEYS = {
    "title",
    "group",
    "subgroup",
    "value",
    "procurement_start",
    "advert",
    "contract_start",
    "length",
    "statutory",
    "notes",
    "src",
}
RISK_KEYS = {
    "description",
    "refs",
    "type",
    "mitigations",
    "mitigation_intro",
    "owner",
    "council_priority",
    "section",
    "src",
}
MEASURE_KEYS = {"key", "title", "why", "members"}


class FixtureError(Exception):
    """A fixture that cannot be loaded. The message names file, record and field."""

    def __init__(self, file: str, record: str, fieldname: str, message: str):
        self.file, self.record, self.field, self.message = file, record, fieldname, message
        where = ": ".join(part for part in (file, record, fieldname) if part)
        super().__init__(f"{where}: {message}")


@dataclass
class LoadReport:
    plans: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # things a person should check, printed by load_plans

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n
