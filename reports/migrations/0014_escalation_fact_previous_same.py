from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0013_stint_ticket_index_in_composite'),
    ]

    # The facts kept so far get it as the refresh computes it.
    operations = [
        migrations.AddField(
            model_name='escalationfact',
            name='previous_same_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(
            """
            UPDATE reports_escalationfact
            SET previous_same_at = w.previous_same_at
            FROM (
                SELECT escalation_id,
                       LAG(created_at) OVER (
                           PARTITION BY ticket_id, from_tier, root_cause
                           ORDER BY created_at, escalation_id
                       ) AS previous_same_at
                FROM reports_escalationfact
            ) w
            WHERE w.escalation_id = reports_escalationfact.escalation_id
              AND w.previous_same_at IS NOT NULL
            """,
            migrations.RunSQL.noop,
        ),
    ]
