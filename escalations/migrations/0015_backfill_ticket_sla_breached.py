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


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0014_sla_clock_counting_index"),
        ("tickets", "0018_ticket_team_indexes_sla_breached"),
    ]

    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
