"""Apply retention now, or (``--dry-run``) say how many closed tickets would go."""

from django.core.management.base import BaseCommand

from reports.privacy.services.retention import retention_apply, retention_preview


class Command(BaseCommand):
    help = (
        "Pseudonymise or delete closed tickets past their retention period "
        "(as the beat task does); --dry-run only counts them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, dry_run: bool = False, batch_size: int | None = None, **options):
        if dry_run:
            preview = retention_preview()
            for row in preview["organizations"]:
                self.stdout.write(
                    f"{row['organization'] or '(no organization)'}: {row['tickets']} "
                    f"closed tickets older than {row['days']} days -> {row['action']}"
                )
            totals = preview["totals"]
            self.stdout.write(
                f"Would pseudonymise {totals['pseudonymise']} and delete {totals['delete']} "
                "tickets (dry run: nothing changed)."
            )
            return
        run = retention_apply(batch_size=batch_size)
        self.stdout.write(
            f"Pseudonymised {run.pseudonymised} and deleted {run.deleted} tickets in "
            f"{run.batches} batches; longest batch {run.longest_batch_ms} ms"
            + ("" if run.complete else "; time budget spent, the next run goes on")
            + "."
        )
