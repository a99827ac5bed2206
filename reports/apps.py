from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from reports.metrics import sqlite
        from reports.pages import SURVEY_PAGES
        from reports.services import rollups, stints, surveys
        from tickets import events, hooks
        from tickets.events import Phase

        hooks.add_page_extension(SURVEY_PAGES)
        events.subscribe(events.TICKET_CREATED, stints.on_ticket_created, phase=Phase.FACTS)
        events.subscribe(events.TICKET_CHANGED, stints.on_ticket_changed, phase=Phase.FACTS)
        events.subscribe(
            events.TICKET_STATUS_CHANGED, stints.on_ticket_status_changed, phase=Phase.FACTS
        )
        # Facts and daily rollups, after the stints (every listener above has run).
        for event, listener in (
            (events.TICKET_CREATED, rollups.on_ticket_created),
            (events.TICKET_CHANGED, rollups.on_ticket_changed),
            (events.TICKET_STATUS_CHANGED, rollups.on_ticket_status_changed),
            (events.COMMENT_ADDED, rollups.on_comment_added),
            (events.SLA_BREACH, rollups.on_sla_breach),
            (events.SLA_RECOMPUTED, rollups.on_sla_recomputed),
            (events.ESCALATION_STEP, rollups.on_escalation_step),
        ):
            events.subscribe(event, listener, phase=Phase.FACTS)

        events.subscribe(
            events.TICKET_STATUS_CHANGED, surveys.on_ticket_status_changed, phase=Phase.NOTIFY
        )
        events.subscribe(events.ESCALATION_STEP, surveys.on_escalation_step, phase=Phase.NOTIFY)
        connection_created.connect(sqlite.register, dispatch_uid="reports.percentile_cont")
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                sqlite.register(sender=None, connection=connection)
