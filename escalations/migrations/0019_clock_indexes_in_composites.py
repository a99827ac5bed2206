"""A clock's ticket and an alert's clock need no index of their own: the unique (ticket, metric) and (clock, cycle, kind) serve them."""

import django.db.models.deletion
from django.db import migrations, models

from tickets.migration_ops import drop_index_by_name as _drop


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0018_python_defaults_for_system_text_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("escalations_slaclock", "escalations_slaclock_ticket_id_62562014", "ticket_id"),
                _drop(
                    "escalations_slaclockalert", "escalations_slaclockalert_clock_id_a6163fd1", "clock_id"
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="slaclock",
                    name="ticket",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="sla_clocks", to="tickets.ticket"),
                ),
                migrations.AlterField(
                    model_name="slaclockalert",
                    name="clock",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="alerts", to="escalations.slaclock"),
                ),
            ],
        ),
    ]
