"""Data versions moved by the database itself: a statement-level trigger on every table that feeds a page.

Before this, each write path (forms, the loader, commands, signals) had to remember to call DataVersion.bump();
the admin site, a shell or raw SQL could write without it, and a cached page then showed an old figure. Now any
INSERT, UPDATE, DELETE or TRUNCATE on these tables moves a version in the same transaction, whoever wrote.

Versions are per council (DataVersion.scope = the council's id), so a write in one council leaves the other
councils' cached pages warm. The trigger reads the rows written (transition tables) and follows their foreign
keys up to the council; a row it cannot place (a measure without a department, a doubt decision, a user or
role, a TRUNCATE) moves the global version (scope 0), which every page's key carries.

The triggers are ENABLE ALWAYS so they fire under session_replication_role = replica too (the synthetic data
generator turns ordinary triggers off that way to skip foreign-key checks)."""

from django.db import migrations, models

# How each table's written row `r` reaches its council id. None: the rows belong to no one council (global).
PLAN = "(SELECT d.council_id FROM plans_plan p JOIN plans_department d ON d.id = p.department_id WHERE p.id = {})"
COUNCIL_OF = {
    "plans_council": "r.id",
    "plans_department": "r.council_id",
    "plans_plan": "(SELECT d.council_id FROM plans_department d WHERE d.id = r.department_id)",
    "plans_statement": PLAN.format("r.plan_id"),
    "plans_division": PLAN.format("r.plan_id"),
    "plans_workforce": PLAN.format("r.plan_id"),
    "plans_outcome": PLAN.format("r.plan_id"),
    "plans_strategicobjective": PLAN.format("(SELECT o.plan_id FROM plans_outcome o WHERE o.id = r.outcome_id)"),
    "plans_deliverable": PLAN.format("r.plan_id"),
    "plans_risk": PLAN.format("r.plan_id"),
    "plans_discrepancy": PLAN.format("r.plan_id"),
    "plans_closedperiod": "(SELECT d.council_id FROM plans_department d WHERE d.id = r.department_id)",
    "plans_deliverableupdate": PLAN.format("(SELECT x.plan_id FROM plans_deliverable x WHERE x.id = r.deliverable_id)"),
    "kpis_measure": "(SELECT d.council_id FROM plans_department d WHERE d.id = r.department_id)",
    "kpis_kpi": PLAN.format("r.plan_id"),
    "kpis_kpivalue": PLAN.format("(SELECT k.plan_id FROM kpis_kpi k WHERE k.id = r.kpi_id)"),
    "kpis_benchmark": PLAN.format("(SELECT k.plan_id FROM kpis_kpi k WHERE k.id = r.kpi_id)"),
    "budgets_budgetheadline": PLAN.format("r.plan_id"),
    "budgets_servicepressure": PLAN.format("r.plan_id"),
    "budgets_saving": PLAN.format("r.plan_id"),
    "budgets_budgettable": PLAN.format("r.plan_id"),
    "budgets_budgetcolumn": PLAN.format("(SELECT t.plan_id FROM budgets_budgettable t WHERE t.id = r.table_id)"),
    "budgets_budgetrow": PLAN.format("(SELECT t.plan_id FROM budgets_budgettable t WHERE t.id = r.table_id)"),
    "budgets_budgetcell": PLAN.format("(SELECT t.plan_id FROM budgets_budgetrow w JOIN budgets_budgettable t "
                                      "ON t.id = w.table_id WHERE w.id = r.row_id)"),
    "procurement_procurementtable": PLAN.format("r.plan_id"),
    "procurement_procuremententry": PLAN.format("r.plan_id"),
    # Who may see and do what: a signed-in user's pages show it, in any council.
    "plans_role": None,
    "kpis_doubtdecision": None,
    "auth_user_groups": None,
    "auth_user_user_permissions": None,
    "auth_group_permissions": None,
}

# A user row is shown by its name (who entered a value) and decides what its pages show by its flags; signing in
# writes last_login, which shows nowhere, and must not make every cached page stale.
USER_SHOWN = "username, first_name, last_name, is_active, is_staff, is_superuser"
USER_CHANGED = (f"SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id "
                f"WHERE ROW(n.{USER_SHOWN.replace(', ', ', n.')}) IS DISTINCT FROM ROW(o.{USER_SHOWN.replace(', ', ', o.')})")

FUNCTION = r"""
CREATE OR REPLACE FUNCTION data_version_move() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    written text;
BEGIN
    IF TG_NARGS = 0 OR TG_OP = 'TRUNCATE' THEN
        written := 'SELECT 0::bigint AS scope';
    ELSE
        -- The rows written; a second argument narrows an UPDATE's to those whose shown columns changed.
        written := format('SELECT DISTINCT COALESCE(%s, 0)::bigint AS scope FROM (%s) r', TG_ARGV[0],
            CASE WHEN TG_OP = 'INSERT' THEN 'SELECT * FROM new_rows'
                 WHEN TG_OP = 'DELETE' THEN 'SELECT * FROM old_rows'
                 WHEN TG_NARGS > 1 THEN TG_ARGV[1]
                 ELSE 'SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows' END);
    END IF;
    -- Rows locked in scope order, so two writers touching the same councils cannot deadlock on them.
    EXECUTE format($sql$
        INSERT INTO plans_dataversion AS v (scope, version, epoch)
        SELECT w.scope, 1, substr(md5(random()::text || clock_timestamp()::text), 1, 16) FROM (%s) w ORDER BY w.scope
        ON CONFLICT (scope) DO UPDATE SET version = v.version + 1$sql$, written);
    RETURN NULL;
END
$body$;
"""


def triggers_sql() -> str:
    statements = [FUNCTION]
    for table, council in COUNCIL_OF.items():
        arg = "" if council is None else quoted(council)
        events = [("ins", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
                  ("upd", "UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
                  ("del", "DELETE", "REFERENCING OLD TABLE AS old_rows")] if council else [
                  ("iud", "INSERT OR UPDATE OR DELETE", "")]
        for suffix, event, referencing in [*events, ("trunc", "TRUNCATE", "")]:
            statements += trigger(table, suffix, event, referencing, arg if event != "TRUNCATE" else "")
    statements += trigger("auth_user", "insdel", "INSERT OR DELETE", "", "")
    statements += trigger("auth_user", "upd", "UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
                          "'NULL', " + quoted(USER_CHANGED))
    statements += trigger("auth_user", "trunc", "TRUNCATE", "", "")
    return "\n".join(statements)


def quoted(sql: str) -> str:
    return "'" + sql.replace("'", "''") + "'"


def trigger(table: str, suffix: str, event: str, referencing: str, args: str) -> list[str]:
    name = f"data_version_{suffix}"
    create = (f"CREATE TRIGGER {name} AFTER {event} ON {table} {referencing} "
              f"FOR EACH STATEMENT EXECUTE FUNCTION data_version_move({args});")
    return [create, f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"]


def drop_sql() -> str:
    statements = []
    for table, council in COUNCIL_OF.items():
        for suffix in (["ins", "upd", "del"] if council else ["iud"]) + ["trunc"]:
            statements.append(f"DROP TRIGGER IF EXISTS data_version_{suffix} ON {table};")
    for suffix in ("insdel", "upd", "trunc"):
        statements.append(f"DROP TRIGGER IF EXISTS data_version_{suffix} ON auth_user;")
    statements.append("DROP FUNCTION IF EXISTS data_version_move();")
    return "\n".join(statements)


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0008_load_fingerprint"),
        ("kpis", "0008_doubtful_values"),
        ("budgets", "0004_headline_reconciling"),
        ("procurement", "0004_stored_search_document"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="scope",
            field=models.BigIntegerField(default=0, unique=True),
        ),
        migrations.RunSQL(triggers_sql(), drop_sql()),
    ]
