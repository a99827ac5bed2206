"""A clock's ticket and an alert's clock need no index of their own: the unique (ticket, metric) and (clock, cycle, kind) serve them."""

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
