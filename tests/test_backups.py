"""A backup and a restore keep every record, entered values and their history included; a restore never
overwrites a database that has data."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from kpis.models import Kpi, KpiValue
from plans.models import Deliverable, DeliverableUpdate, Role

TABLES = [
    "plans_plan",
    "plans_deliverable",
    "plans_deliverableupdate",
    "plans_role",
    "plans_discrepancy",
    "kpis_kpi",
    "kpis_kpivalue",
    "kpis_measure",
    "budgets_budgetcell",
    "procurement_procuremententry",
    "auth_user",
]


def counts(cursor) -> dict[str, int]:
    result = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        result[table] = cursor.fetchone()[0]
    return result


def connect(name: str):
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=name, host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None, autocommit=True
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_record_including_entries(tmp_path):
    from loader.services import plans_load

    plans_load(paths=[settings.FIXTURES_DIR / "cs-2022-23.yaml"])
    lead = User.objects.create_user("lead", password="a-long-test-password", first_name="Lee")
    Role.objects.create(user=lead, kind="lead", department_id=Kpi.objects.first().plan.department_id)
    kpi = Kpi.objects.get(plan__slug="cs-2022-23", description__startswith="Number of children living with Council")
    KpiValue.objects.create(
        kpi=kpi,
        year=2022,
        kind="latest",
        printed="402",
        value=402,
        source="entry",
        entered_by=lead,
        entered_at=timezone.now(),
        commentary="More carers recruited",
        previous_printed="319",
        order=10_000,
    )
    DeliverableUpdate.objects.create(
        deliverable=Deliverable.objects.filter(plan__slug="cs-2022-23").first(),
        status="on_track",
        percent_complete=40,
        commentary="Going well",
        as_of=dt.date(2022, 9, 30),
        entered_by=lead,
    )
    with connection.cursor() as cursor:
        before = counts(cursor)

    dump = tmp_path / "app.dump"
    call_command("backup", "--output", str(dump))
    target = f"test_restore_{uuid.uuid4().hex[:8]}"
    try:
        call_command("restore", str(dump), "--database", target)
        with connect(target) as restored, restored.cursor() as cursor:
            assert counts(cursor) == before
            cursor.execute("SELECT printed, commentary, previous_printed FROM kpis_kpivalue WHERE source = 'entry'")
            assert cursor.fetchall() == [("402", "More carers recruited", "319")]
            cursor.execute("SELECT percent_complete, commentary FROM plans_deliverableupdate")
            assert cursor.fetchall() == [(40, "Going well")]
        with pytest.raises(CommandError, match="is not empty"):
            call_command("restore", str(dump), "--database", target)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_a_missing_backup_file_is_reported(db, tmp_path):
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "nope.dump"), "--database", "test_never_created")
