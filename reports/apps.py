from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from reports.services import stints
        from tickets import events
        from tickets.events import Phase

        events.subscribe(events.TICKET_CREATED, stints.on_ticket_created, phase=Phase.FACTS)
        events.subscribe(events.TICKET_CHANGED, stints.on_ticket_changed, phase=Phase.FACTS)
        events.subscribe(
            events.TICKET_STATUS_CHANGED, stints.on_ticket_status_changed, phase=Phase.FACTS
        )
