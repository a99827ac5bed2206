from django.db import migrations, models


def snapshot_existing(apps, schema_editor):
    """Existing clocks get the policy they point at as it is now: the best record
    there is of what applied to them."""
    SlaClock = apps.get_model("escalations", "SlaClock")
    batch = []
    for clock in SlaClock.objects.select_related("policy", "calendar").iterator(chunk_size=2000):
        policy, calendar = clock.policy, clock.calendar
        applied = {
            "target_minutes": int(clock.target.total_seconds() // 60),
            "warning_percent": clock.warning_percent,
            "calendar": calendar.name if calendar else "24x7",
            "time_zone": calendar.time_zone if calendar else "UTC",
        }
        if policy is not None:
            applied |= {
                "policy_id": policy.pk,
                "policy": policy.name,
                "first_response_minutes": policy.first_response_minutes,
                "next_update_minutes": policy.next_update_minutes,
                "resolution_minutes": policy.resolution_minutes,
            }
        clock.applied = applied
        batch.append(clock)
        if len(batch) >= 2000:
            SlaClock.objects.bulk_update(batch, ["applied"])
            batch = []
    if batch:
        SlaClock.objects.bulk_update(batch, ["applied"])


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0005_clock_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="slaclock",
            name="applied",
            field=models.JSONField(
                blank=True, default=dict, editable=False, verbose_name="policy applied"
            ),
        ),
        migrations.RunPython(snapshot_existing, migrations.RunPython.noop),
    ]
