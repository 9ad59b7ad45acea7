"""Before 0009 the one data-version row was created with an explicit id (get_or_create(pk=1)), which leaves the
table's id sequence behind it. From 0009 on, the triggers insert a row per council by the sequence, so on a
database that had ever written the first council row asked for id 1 again and every write failed with a
duplicate key (`load_plans`, the entry form: anything). The sequence is moved past the highest id."""

from django.db import migrations

SEQUENCE_SQL = ("SELECT setval(pg_get_serial_sequence('plans_dataversion', 'id'), "
                "COALESCE((SELECT MAX(id) FROM plans_dataversion), 0) + 1, false);")


class Migration(migrations.Migration):

    dependencies = [("plans", "0009_data_version_triggers")]

    operations = [migrations.RunSQL(SEQUENCE_SQL, migrations.RunSQL.noop)]
