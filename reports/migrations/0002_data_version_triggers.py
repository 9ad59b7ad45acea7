"""The data-version triggers (plans/migrations/0009_data_version_triggers.py) on the report pack tables: the pack
list and pages are cached like every page, so publishing a pack must move the council's version."""

import importlib

from django.db import migrations

triggers = importlib.import_module("plans.migrations.0009_data_version_triggers")

COUNCIL_OF = {
    "reports_reportpack": "r.council_id",
    "reports_packfigure": "(SELECT p.council_id FROM reports_reportpack p WHERE p.id = r.pack_id)",
}
EVENTS = [
    ("ins", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("upd", "UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    ("del", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
]


def create_sql() -> str:
    statements = []
    for table, council in COUNCIL_OF.items():
        for suffix, event, referencing in EVENTS:
            statements += triggers.trigger(table, suffix, event, referencing, triggers.quoted(council))
        statements += triggers.trigger(table, "trunc", "TRUNCATE", "", "")
    return "\n".join(statements)


def drop_sql() -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS data_version_{suffix} ON {table};"
        for table in COUNCIL_OF
        for suffix in ("ins", "upd", "del", "trunc")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("plans", "0010_dataversion_id_sequence"),
    ]

    operations = [migrations.RunSQL(create_sql(), drop_sql())]
