"""Remove attachment files no attachment row names (left by a process killed between
the storage write and the end of its transaction). Beat runs the same daily
(``tickets.tasks.remove_orphaned_attachments``); ``--dry-run`` lists them only."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from tickets.services import attachments_orphans_remove


class Command(BaseCommand):
    help = "Remove attachment files that no attachment names, stored over --hours ago."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=24.0, help="minimum age (24)")
        parser.add_argument("--dry-run", action="store_true", help="list, do not delete")

    def handle(self, *args, hours: float, dry_run: bool, **options):
        if hours < 0:
            self.stderr.write("--hours must be 0 or more.")
            raise SystemExit(2)
        names = attachments_orphans_remove(older_than=timedelta(hours=hours), dry_run=dry_run)
        for name in names:
            self.stdout.write(name)
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{len(names)} orphaned file(s) {verb}.")
