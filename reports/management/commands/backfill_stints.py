"""Rebuild level stints from the audit trail for tickets that have none."""

import time

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef

from reports.models import LevelStint
from reports.services.backfill import stints_backfill
from tickets.models import Ticket


class Command(BaseCommand):
    help = (
        "Rebuild the level stints of tickets that have none from their audit trail. "
        "Safe to stop and run again: it carries on with the tickets still without stints."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Tickets per transaction.")
        parser.add_argument(
            "--after-id",
            type=int,
            default=0,
            help="Start after this ticket id (default: the start).",
        )
        parser.add_argument("--quiet-progress", action="store_true", help="Only the summary.")

    def handle(self, *args, batch_size: int, after_id: int, quiet_progress: bool, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            return
        todo = Ticket.objects.filter(
            ~Exists(LevelStint.objects.filter(ticket=OuterRef("pk"))), pk__gt=after_id
        ).count()
        self.stdout.write(f"{todo} tickets without level stints.")
        started = time.monotonic()
        tickets = stints = 0
        for batch in stints_backfill(batch_size=batch_size, after_id=after_id):
            tickets += batch.tickets
            stints += batch.stints
            if not quiet_progress:
                elapsed = max(time.monotonic() - started, 1e-9)
                self.stdout.write(
                    f"{tickets}/{todo} tickets ({100 * tickets // max(todo, 1)} %), "
                    f"{stints} stints, {stints / elapsed:.0f} stints/s, "
                    f"last ticket id {batch.last_id}"
                )
        elapsed = max(time.monotonic() - started, 1e-9)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {tickets} tickets, {stints} stints in {elapsed:.1f} s "
                f"({stints / elapsed:.0f} stints/s, {tickets / elapsed:.0f} tickets/s)."
            )
        )
