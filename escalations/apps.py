from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Escalations")

    def ready(self) -> None:
        from escalations import events
        from escalations.pages import SLA_PAGES
        from escalations.services import escalate, intake, managed, priority, sla
        from tickets import hooks

        hooks.set_priority_resolver(priority.priority_resolve)
        hooks.subscribe("created", sla.sla_ticket_created)
        hooks.subscribe("changed", sla.sla_ticket_changed)
        hooks.subscribe("status_changed", sla.sla_ticket_status_changed)
        hooks.subscribe("commented", sla.sla_comment_added)
        hooks.subscribe("created", intake.on_ticket_created)
        hooks.subscribe("changed", intake.on_ticket_changed)
        hooks.subscribe("status_changed", managed.on_ticket_status)
        events.subscribe(events.SLA_BREACH, escalate.on_clock_breach)
        hooks.add_page_extension(SLA_PAGES)
