"""Demo data for every app, composed from each app's own demo module.

It lives in ``reports``, the top of the app chain (``reports -> notifications ->
escalations -> tickets``), because it is the one place allowed to import them all.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from escalations.demo import age_some_clocks, escalate_some, seed_sla
from escalations.demo_duty import seed_duty
from notifications.demo import seed_plans
from tickets.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create demo organizations, teams, users, SLA setup, communication plans "
        "and tickets (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (never on a production site).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: refusing to add demo data. Use --force to insist.")

        def before_tickets() -> None:
            seed_sla()
            seed_plans()

        result = seed_demo(before_tickets=before_tickets)
        seed_duty(password=DEMO_PASSWORD)  # duty: two regional service desks, on-call managers
        escalated = escalate_some() if result["tickets_created"] else 0
        aged = age_some_clocks() if result["tickets_created"] else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {result['tickets_created']} tickets created, "
                f"{result['tickets_total']} in all, {escalated} escalated, {aged} SLA clocks aged."
            )
        )
        self.stdout.write(
            f"Logins (password '{DEMO_PASSWORD}'): "
            "admin, agent1, agent2, agent3, agent4, manager, customer"
        )
