"""Which values each KPI's stored assessment rests on (Kpi.shown_value, Kpi.shown_target), for the KPI list.

They are filled by kpis.services.kpis_assess: `make run` reloads after a migration (the load fingerprint covers
migrations), `make serve` runs `manage.py assess_kpis` before serving, so no data step is needed here."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kpis', '0008_doubtful_values'),
    ]

    operations = [
        migrations.AddField(
            model_name='kpi',
            name='shown_target',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='kpis.kpivalue'),
        ),
        migrations.AddField(
            model_name='kpi',
            name='shown_value',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='kpis.kpivalue'),
        ),
    ]
