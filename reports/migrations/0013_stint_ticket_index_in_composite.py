"""A level stint's ticket needs no index of its own: stint_ticket_time (ticket, entered_at) serves it."""

import django.db.models.deletion
from django.db import migrations, models

from tickets.migration_ops import drop_index_by_name as _drop


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0012_fill_new_rollups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("reports_levelstint", "reports_levelstint_ticket_id_05d08762", "ticket_id"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="levelstint",
                    name="ticket",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="level_stints", to="tickets.ticket"),
                ),
            ],
        ),
    ]
