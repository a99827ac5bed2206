"""Fill the queue's sort key (rank, next due, next warning) of the tickets that
exist, from their counting clocks."""

from django.db import migrations
from django.db.models import Min
from django.utils import timezone

COUNTING = ["running", "breached_running"]


def backfill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    SlaClock = apps.get_model("escalations", "SlaClock")
    now = timezone.now()
    rows = (
        SlaClock.objects.filter(state__in=COUNTING)
        .values("ticket_id")
        .annotate(due=Min("due_at"), warn=Min("warn_at"))
    )
    for row in rows.iterator(chunk_size=2000):
        due, warn = row["due"], row["warn"]
        if due is None:
            rank = 3
        elif due <= now:
            rank = 0
        elif warn is not None and warn <= now:
            rank = 1
        else:
            rank = 2
        Ticket.objects.filter(pk=row["ticket_id"]).update(
            sla_rank=rank, sla_due_at=due, sla_warn_at=warn
        )


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0006_escalation_newest_index"),
        ("tickets", "0005_queue_urgency_key"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
