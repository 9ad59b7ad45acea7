"""A published pack refuses UPDATE in the database, and the data-version triggers (plans/migrations/0009_data_version_triggers.py) on the report pack tables: the pack
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


# A published pack never changes, whoever writes (the admin site, a shell, raw SQL): the database refuses.
IMMUTABLE = """
CREATE OR REPLACE FUNCTION report_pack_immutable() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION 'Report pack % is published and cannot be changed', OLD.slug;
END
$body$;
CREATE TRIGGER report_pack_immutable BEFORE UPDATE ON reports_reportpack
    FOR EACH ROW EXECUTE FUNCTION report_pack_immutable();
"""


def create_sql() -> str:
    statements = [IMMUTABLE]
    for table, council in COUNCIL_OF.items():
        for suffix, event, referencing in EVENTS:
            statements += triggers.trigger(table, suffix, event, referencing, triggers.quoted(council))
        statements += triggers.trigger(table, "trunc", "TRUNCATE", "", "")
    return "\n".join(statements)


def drop_sql() -> str:
    return "DROP TRIGGER IF EXISTS report_pack_immutable ON reports_reportpack;\n" + "\n".join(
        f"DROP TRIGGER IF EXISTS data_version_{suffix} ON {table};"
        for table in COUNCIL_OF
        for suffix in ("ins", "upd", "del", "trunc")
    ) + "\nDROP FUNCTION IF EXISTS report_pack_immutable();"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("plans", "0010_dataversion_id_sequence"),
    ]

    operations = [migrations.RunSQL(create_sql(), drop_sql())]
