"""SLA clocks get an explicit ``state`` in place of ``status``, whose breached
clocks were told apart only by which of ``met_at``, ``paused_at`` and
``resumed_at`` were set. The old columns are read once here, set by set."""

from itertools import product

from django.db import migrations, models

OLD_STATUSES = ("running", "paused", "met", "breached")


def state_for(status: str, *, met: bool, paused: bool, resumed: bool) -> str:
    """The state of a clock stored with ``status`` and the given timestamps set.

    Running, paused and met clocks keep their name. A breached clock was met late
    once ``met_at`` is set, and otherwise counted its overrun while ``resumed_at``
    was set (the old arithmetic looked at nothing else); one that was not counting
    is paused (``paused_at`` set, or, never written by the old code, neither)."""
    if status != "breached":
        return status
    if met:
        return "breached_met"
    if resumed:
        return "breached_running"
    return "breached_paused"


def _status_for(state: str) -> str:
    return "breached" if state.startswith("breached") else state


def fill_state(apps, schema_editor):
    SlaClock = apps.get_model("escalations", "SlaClock")
    for status, met, paused, resumed in product(OLD_STATUSES, *[(False, True)] * 3):
        state = state_for(status, met=met, paused=paused, resumed=resumed)
        SlaClock.objects.filter(
            status=status,
            met_at__isnull=not met,
            paused_at__isnull=not paused,
            resumed_at__isnull=not resumed,
        ).exclude(state=state).update(state=state)


def fill_status(apps, schema_editor):
    SlaClock = apps.get_model("escalations", "SlaClock")
    for state in ("running", "paused", "met", "breached_running", "breached_paused", "breached_met"):
        SlaClock.objects.filter(state=state).update(status=_status_for(state))


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0004_targets_at_most_a_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="slaclock",
            name="state",
            field=models.CharField(
                choices=[
                    ("running", "Running"),
                    ("paused", "Paused"),
                    ("met", "Met"),
                    ("breached_running", "Breached, overrun counting"),
                    ("breached_paused", "Breached, paused"),
                    ("breached_met", "Breached, then met"),
                ],
                default="running",
                max_length=16,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(fill_state, fill_status, elidable=False),
        migrations.RemoveIndex(model_name="slaclock", name="sla_clock_status_due"),
        migrations.RemoveField(model_name="slaclock", name="status"),
        migrations.AddIndex(
            model_name="slaclock",
            index=models.Index(fields=["state", "due_at"], name="sla_clock_state_due"),
        ),
    ]
