"""Set the tickets' kept "a clock breached" flag from their clocks (added empty by
tickets 0018); from now on the SLA clock services keep it."""

from django.db import migrations

FORWARD = """
UPDATE tickets_ticket SET sla_breached = TRUE
WHERE EXISTS (
    SELECT 1 FROM escalations_slaclock c
    WHERE c.ticket_id = tickets_ticket.id
      AND c.state IN ('breached_running', 'breached_paused', 'breached_met')
)
"""


def analyze(apps, schema_editor):
    # The new column has no statistics until autovacuum analyzes the table, which a
    # backfill of a few per cent of the rows does not trigger: without them the
    # planner guesses how many tickets are breached.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE tickets_ticket")


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0014_sla_clock_counting_index"),
        ("tickets", "0018_ticket_team_indexes_sla_breached"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, migrations.RunSQL.noop),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
