from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from tickets import arrays, hooks, timestamps
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
        connection_created.connect(arrays.register, dispatch_uid="tickets.text_arrays")
        connection_created.connect(timestamps.register, dispatch_uid="tickets.timestamps")
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                arrays.register(sender=None, connection=connection)
                timestamps.register(sender=None, connection=connection)
