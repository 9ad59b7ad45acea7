"""The shapes of the API's answers (pydantic, via django-ninja): these make the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class Source(Schema):
    """Where a transcribed figure came from: the published document and its lines (see `url`)."""

    document: str
    line_from: int | None
    line_to: int | None
    url: str


class Paged(Schema):
    next_cursor: str | None
    next: str | None


class Council(Schema):
    slug: str
    name: str
    is_synthetic: bool


class Department(Schema):
    slug: str
    name: str
    council: str


class Plan(Schema):
    slug: str
    title: str
    kind: str
    period: str
    financial_year: int
    year_label: str
    status: str
    council: str
    department: str
    executive_director: str
    date: dt.date | None
    date_printed: str
    url: str
    source: Source


class Target(Schema):
    kind: str
    comparator: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    direction: str
    benchmark: str
    summary: str


class KpiFigure(Schema):
    year: int
    period: str  # "" the whole financial year, else Q1-Q4 or M01-M12 (M01 = April)
    year_label: str  # the period's label: "2025-26", "Q2 2026-27", "September 2026"
    kind: str  # actual, latest or target
    printed: str
    value: Decimal | None
    unit: str
    status: str
    note: str
    as_at: dt.date | None
    provisional: bool
    doubtful: str
    origin: str  # document, or entry (a performance lead entered it)
    entered_at: dt.datetime | None
    commentary: str
    target: Target | None
    source: Source


class Kpi(Schema):
    plan: str
    department: str
    key: str
    measure: str
    description: str
    unit: str
    higher_is_better: bool | None
    responsible: str
    status: str
    status_label: str
    status_doubtful: bool
    travel: str
    travel_label: str
    url: str
    source: Source
    figures: list[KpiFigure]


class Progress(Schema):
    status: str
    percent_complete: int | None
    as_of: dt.date
    commentary: str
    entered_at: dt.datetime


class Deliverable(Schema):
    id: int
    plan: str
    key: str
    label: str
    section: str
    council_priority: str
    title: str
    lead: str
    start_printed: str
    start: dt.date | None
    end_printed: str
    end: dt.date | None
    in_council_plan: bool | None
    parent: int | None
    url: str
    source: Source
    progress: list[Progress]


class Risk(Schema):
    id: int
    plan: str
    refs: list[str]
    description: str
    type: str
    mitigations: list[str]
    owner: str
    council_priority: str
    section: str
    source: Source


class BudgetCell(Schema):
    column: str
    role: str
    unit: str
    printed: str
    printed_value: Decimal | None
    value: Decimal | None
    reconciling: Decimal | None
    note: str


class BudgetRow(Schema):
    division: str
    group: str
    kind: str
    note: str
    source: Source
    cells: list[BudgetCell]


class BudgetTable(Schema):
    id: int
    plan: str
    title: str
    kind: str
    unit: str
    multiplier: int
    source: Source
    rows: list[BudgetRow]


class ProcurementRow(Schema):
    id: int
    plan: str
    table: str
    band: str
    group: str
    subgroup: str
    title: str
    value_printed: str
    value: Decimal | None
    value_status: str
    procurement_start_printed: str
    procurement_start: dt.date | None
    advert_printed: str
    advert: dt.date | None
    contract_start_printed: str
    contract_start: dt.date | None
    length_printed: str
    length_months: int | None
    statutory_printed: str
    statutory: bool | None
    source: Source


class Correction(Schema):
    id: int
    plan: str
    record: str
    field: str
    kind: str
    printed: str
    stored: str
    note: str
    source: Source


class Councils(Paged):
    items: list[Council]


class Departments(Paged):
    items: list[Department]


class Plans(Paged):
    items: list[Plan]


class Kpis(Paged):
    items: list[Kpi]


class Deliverables(Paged):
    items: list[Deliverable]


class Risks(Paged):
    items: list[Risk]


class BudgetTables(Paged):
    items: list[BudgetTable]


class ProcurementRows(Paged):
    items: list[ProcurementRow]


class Corrections(Paged):
    items: list[Correction]


class Problem(Schema):
    detail: str


class InvalidParameters(Schema):
    """A parameter of the wrong type or out of range (`loc` names it, `msg` says why)."""

    detail: list[dict[str, Any]]
