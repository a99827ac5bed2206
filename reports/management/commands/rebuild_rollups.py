"""Bring the escalation facts and their daily rollups up to date for every ticket."""

import time

from django.core.management.base import BaseCommand, CommandError

from reports.services.rollups import rollups_rebuild
from tickets.models import Ticket


class Command(BaseCommand):
    help = (
        "Refresh the escalation facts and daily rollups of every ticket, in ranges of "
        "ticket ids, one transaction each. Safe to stop and run again (--after-id carries "
        "on from the last range reported); a range already up to date changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=50_000, help="Ticket ids per transaction."
        )
        parser.add_argument("--after-id", type=int, default=0, help="Start after this ticket id.")
        parser.add_argument(
            "--from-scratch",
            action="store_true",
            help="Empty the facts and rollups first (when they no longer agree).",
        )
        parser.add_argument("--quiet-progress", action="store_true", help="Only the summary.")

    def handle(self, *args, batch_size, after_id, from_scratch, quiet_progress, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if after_id < 0:
            raise CommandError("--after-id must not be negative.")
        last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.stdout.write(f"Tickets {after_id + 1} to {last}.")
        started = time.monotonic()
        rows = 0
        for step in rollups_rebuild(
            batch_size=batch_size, after_id=after_id, from_scratch=from_scratch
        ):
            rows += step.rows
            if not quiet_progress:
                elapsed = max(time.monotonic() - started, 1e-9)
                done = step.tickets_to - after_id
                self.stdout.write(
                    f"up to ticket {step.tickets_to} ({100 * done // max(last - after_id, 1)} %), "
                    f"{rows} rollup rows changed, {done / elapsed:.0f} tickets/s"
                )
        elapsed = max(time.monotonic() - started, 1e-9)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {rows} rollup rows changed in {elapsed:.1f} s "
                f"({rows / elapsed:.0f} rows/s, {(last - after_id) / elapsed:.0f} tickets/s)."
            )
        )
