"""The funnel's flags on the stints, set for the stints kept so far as the refresh sets them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('escalations', '0019_clock_indexes_in_composites'),
        ('reports', '0014_escalation_fact_previous_same'),
        ('tickets', '0021_events_ticket_index_in_composite'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='levelstint',
            name='stint_ticket_created',
        ),
        migrations.AddField(
            model_name='levelstint',
            name='first_at_level',
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name='levelstint',
            name='first_bounce',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='levelstint',
            name='first_of_ticket',
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunSQL(
            """
            UPDATE reports_levelstint SET first_of_ticket = w.first_of_ticket,
                first_at_level = w.first_at_level, first_bounce = w.first_bounce
            FROM (
                SELECT id,
                       ROW_NUMBER() OVER (PARTITION BY ticket_id ORDER BY entered_at, id) = 1
                           AS first_of_ticket,
                       ROW_NUMBER() OVER (PARTITION BY ticket_id, level ORDER BY entered_at, id) = 1
                           AS first_at_level,
                       how_left = 'de_escalated' AND ROW_NUMBER() OVER (
                           PARTITION BY ticket_id, how_left = 'de_escalated'
                           ORDER BY entered_at, id) = 1 AS first_bounce
                FROM reports_levelstint
            ) w
            WHERE reports_levelstint.id = w.id
              AND (reports_levelstint.first_of_ticket <> w.first_of_ticket
                   OR reports_levelstint.first_at_level <> w.first_at_level
                   OR reports_levelstint.first_bounce <> w.first_bounce)
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='levelstint',
            index=models.Index(fields=['ticket_created_at'], include=('level', 'team', 'how_left', 'ticket', 'first_of_ticket', 'first_at_level', 'first_bounce'), name='stint_ticket_created'),
        ),
    ]
