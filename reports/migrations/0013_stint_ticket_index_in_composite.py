"""A level stint's ticket needs no index of its own: stint_ticket_time (ticket, entered_at) serves it."""

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
