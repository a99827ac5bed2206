"""The audit trail's ticket needs no index of its own: event_ticket_time (ticket, created_at) serves it."""

import django.db.models.deletion
from django.db import migrations, models


def _drop(table: str, index: str, column: str) -> migrations.RunSQL:
    # The index by its name only: altering the field would also drop any other
    # index on that single column (a partial unique one included) and check the
    # foreign key again over the whole table.
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"',
        reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
    )


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
