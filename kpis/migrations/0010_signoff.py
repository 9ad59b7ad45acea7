"""Sign-off of entered figures (issue 16): KpiValue.approval, who decided and when, the reason for a return, and
the append-only ApprovalEvent steps.

Every row that existed before sign-off is marked approved: the documents' figures are published as printed,
and the values leads had entered were already public, shown on every page, so hiding them now would take
figures away from readers without anyone deciding so. Only rows entered from now on wait for an approver.

ApprovalEvent rows feed the KPI page, so they move the data version like every such table (the triggers of
plans/migrations/0009_data_version_triggers.py, reused)."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


TRIGGERS = importlib.import_module("plans.migrations.0009_data_version_triggers")
TABLE = "kpis_approvalevent"
COUNCIL = TRIGGERS.PLAN.format(
    "(SELECT k.plan_id FROM kpis_kpivalue v JOIN kpis_kpi k ON k.id = v.kpi_id WHERE v.id = r.value_id)"
)
EVENTS = [
    ("ins", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("upd", "UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    ("del", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
]


def triggers_sql() -> str:
    statements = []
    for suffix, event, referencing in EVENTS:
        statements += TRIGGERS.trigger(TABLE, suffix, event, referencing, TRIGGERS.quoted(COUNCIL))
    statements += TRIGGERS.trigger(TABLE, "trunc", "TRUNCATE", "", "")
    return "\n".join(statements)


def drop_sql() -> str:
    return "\n".join(f"DROP TRIGGER IF EXISTS data_version_{s} ON {TABLE};" for s in ("ins", "upd", "del", "trunc"))


def existing_rows_approved(apps, schema_editor):
    apps.get_model("kpis", "KpiValue").objects.update(approval="approved")


class Migration(migrations.Migration):

    dependencies = [
        ('kpis', '0009_shown_value_and_target'),
        ('plans', '0010_dataversion_id_sequence'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApprovalEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.CharField(choices=[('entered', 'Entered'), ('approved', 'Approved'), ('returned', 'Returned'), ('reentered', 'Entered again after a return')], max_length=10)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('old', models.TextField(blank=True, help_text='The figure shown before the entry')),
                ('new', models.TextField(blank=True, help_text='The figure entered')),
                ('reason', models.TextField(blank=True, help_text="The entry's commentary, or why it was returned")),
            ],
            options={
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='kpivalue',
            name='approval',
            field=models.CharField(choices=[('awaiting', 'Awaiting approval'), ('approved', 'Approved'), ('returned', 'Returned')], default='awaiting', max_length=10),
        ),
        migrations.AddField(
            model_name='kpivalue',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='kpivalue',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='kpivalue',
            name='return_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddIndex(
            model_name='kpivalue',
            index=models.Index(condition=models.Q(('approval', 'awaiting')), fields=['kpi', 'entered_at'], name='kpivalue_awaiting_idx'),
        ),
        migrations.AddField(
            model_name='approvalevent',
            name='by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='approvalevent',
            name='value',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approval_events', to='kpis.kpivalue'),
        ),
        migrations.AddIndex(
            model_name='approvalevent',
            index=models.Index(fields=['value', '-at'], name='approvalevent_value_idx'),
        ),
        migrations.RunPython(existing_rows_approved, migrations.RunPython.noop),
        migrations.RunSQL(triggers_sql(), drop_sql()),
    ]
