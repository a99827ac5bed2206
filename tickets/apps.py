from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from tickets import hooks
        from tickets.models import Impact, Organization, Status, TicketEvent, Tier, Urgency

        for field, choices in (
            ("status", Status),
            ("level", Tier),
            ("impact", Impact),
            ("urgency", Urgency),
            ("event_kind", TicketEvent.Kind),
            ("organization_tier", Organization.Tier),
        ):
            hooks.add_value_choices(field, choices)
