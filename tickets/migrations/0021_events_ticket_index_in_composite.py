"""The audit trail's ticket needs no index of its own: event_ticket_time (ticket, created_at) serves it."""

import django.db.models.deletion
from django.db import migrations, models

from tickets.migration_ops import drop_index_by_name as _drop


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0020_python_defaults_for_database_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("tickets_ticketevent", "tickets_ticketevent_ticket_id_b572d14b", "ticket_id"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="ticketevent",
                    name="ticket",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="events", to="tickets.ticket", verbose_name="ticket"),
                ),
            ],
        ),
    ]
