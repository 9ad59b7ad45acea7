"""Reading a plan fixture's own sections: `plan`, `statements`, `divisions`, `workforce`, `risks` and
`discrepancies` (fixtures/README.md). Each function validates one section and writes it for loader.plan."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from loader.reader import FixtureReader
from loader.schema import (
    COUNCIL,
    DEPARTMENTS,
    DISCREPANCY_KEYS,
    DIVISION_KEYS,
    PLAN_KEYS,
    RISK_KEYS,
    STATEMENT_KEYS,
    WORKFORCE_KEYS,
)
from plans import parsing
from plans.models import Council, Department, Division, Plan, Risk, Statement, Workforce


def load_plan(loader: FixtureReader, data: dict) -> None:
    record = "plan"
    loader.check_keys(data, PLAN_KEYS, record)
    slug = loader.text(data, "slug", record, required=True)
    dept_slug = loader.text(data, "department", record, required=True)
    if dept_slug not in DEPARTMENTS:
        loader.fail(record, "department", f"unknown department {dept_slug!r} (known: {', '.join(DEPARTMENTS)})")
    kind = loader.text(data, "kind", record, required=True)
    if kind not in Plan.Kind.values:
        loader.fail(record, "kind", f"{kind!r} is not one of {', '.join(Plan.Kind.values)}")
    status = loader.text(data, "status", record) or "final"
    if status not in Plan.Status.values:
        loader.fail(record, "status", f"{status!r} is not one of {', '.join(Plan.Status.values)}")
    try:
        year = parsing.fy_start(loader.text(data, "financial_year", record, required=True))
    except ValueError as exc:
        loader.fail(record, "financial_year", str(exc))
    date = data.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            loader.fail(record, "date", f"{date!r} is not an ISO date (YYYY-MM-DD)")
    document = loader.text(data, "document", record, required=True)
    doc_path = settings.SOURCE_DOCUMENTS_DIR / document
    if not doc_path.exists():
        loader.fail(record, "document", f"{document!r} is not in {settings.SOURCE_DOCUMENTS_DIR}")
    loader.line_count = len(doc_path.read_text(encoding="utf-8").splitlines())
    loader.plan_range = (1, loader.line_count)
    plan_src = loader.src(data, record)
    start, end = plan_src["src_start"], plan_src["src_end"]
    if start is None or end is None:  # a required src gives both lines, or the load fails
        raise ValueError(f"{record}: src has no lines")
    loader.plan_range = (start, end)
    council, _ = Council.objects.get_or_create(slug=COUNCIL["slug"], defaults={"name": COUNCIL["name"]})
    department, _ = Department.objects.get_or_create(
        council=council, slug=dept_slug, defaults={"name": DEPARTMENTS[dept_slug]}
    )
    fields = dict(
        department=department,
        title=loader.text(data, "title", record, required=True),
        kind=kind,
        period=loader.text(data, "period", record, required=True),
        financial_year=year,
        executive_director=loader.text(data, "executive_director", record),
        executive_director_title=loader.text(data, "executive_director_title", record),
        date=date,
        date_printed=loader.text(data, "date_printed", record),
        status=status,
        document=document,
        notes=loader.texts(data, "notes", record),
        fixture=loader.file,
        **plan_src,
    )
    loader.plan, _ = Plan.objects.update_or_create(slug=slug, defaults=fields)


def load_statements(loader: FixtureReader, items: list) -> None:
    objs = []
    for i, item in enumerate(items, 1):
        record = f"statements[{i}]"
        loader.check_keys(item, STATEMENT_KEYS, record)
        kind = loader.text(item, "kind", record, required=True)
        if kind not in Statement.Kind.values:
            loader.fail(record, "kind", f"{kind!r} is not one of {', '.join(Statement.Kind.values)}")
        objs.append(
            Statement(
                plan=loader.plan,
                kind=kind,
                group=loader.text(item, "group", record),
                number=loader.text(item, "number", record),
                text=loader.text(item, "text", record, required=True),
                order=i,
                **loader.src(item, record),
            )
        )
    Statement.objects.bulk_create(objs)
    loader.report.add("statements", len(objs))


def load_divisions(loader: FixtureReader, items: list) -> None:
    objs = []
    for i, item in enumerate(items, 1):
        record = f"divisions[{i}]"
        loader.check_keys(item, DIVISION_KEYS, record)
        objs.append(
            Division(
                plan=loader.plan,
                name=loader.text(item, "name", record, required=True),
                director=loader.text(item, "director", record),
                order=i,
                **loader.src(item, record),
            )
        )
    Division.objects.bulk_create(objs)
    loader.report.add("divisions", len(objs))


def load_workforce(loader: FixtureReader, items: list) -> None:
    objs = []
    for i, item in enumerate(items, 1):
        record = f"workforce[{i}]"
        loader.check_keys(item, WORKFORCE_KEYS, record)
        headcount = loader.text(item, "headcount", record)
        fte = loader.text(item, "fte", record)
        objs.append(
            Workforce(
                plan=loader.plan,
                division=loader.text(item, "division", record),
                headcount_printed=headcount,
                headcount=loader.first_number(headcount, record, "headcount"),
                fte_printed=fte,
                fte=loader.first_number(fte, record, "fte"),
                note=loader.text(item, "note", record),
                order=i,
                **loader.src(item, record),
            )
        )
    Workforce.objects.bulk_create(objs)
    loader.report.add("workforce", len(objs))


def load_discrepancies(loader: FixtureReader, items: list) -> None:
    """Discrepancies that belong to no single figure (a total that does not match its parts)."""
    for i, item in enumerate(items, 1):
        record = f"discrepancies[{i}]"
        loader.check_keys(item, DISCREPANCY_KEYS, record)
        loader.discrepancy(
            loader.text(item, "record", record, required=True),
            loader.text(item, "field", record),
            loader.text(item, "printed", record),
            loader.text(item, "stored", record),
            loader.text(item, "note", record, required=True),
            None,
            loader.src(item, record),
        )


def load_risks(loader: FixtureReader, items: list) -> None:
    objs = []
    for i, item in enumerate(items, 1):
        record = f"risks[{i}]"
        loader.check_keys(item, RISK_KEYS, record)
        objs.append(
            Risk(
                plan=loader.plan,
                description=loader.text(item, "description", record, required=True),
                refs=loader.texts(item, "refs", record),
                type=loader.text(item, "type", record),
                mitigation_intro=loader.text(item, "mitigation_intro", record),
                mitigations=loader.texts(item, "mitigations", record),
                owner=loader.text(item, "owner", record),
                council_priority=loader.text(item, "council_priority", record),
                section=loader.text(item, "section", record),
                order=i,
                **loader.src(item, record),
            )
        )
    Risk.objects.bulk_create(objs)
    loader.report.add("risks", len(objs))
