from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Escalations")

    def ready(self) -> None:
        from escalations.pages import SLA_PAGES
        from escalations.services import priority, sla
        from tickets import hooks

        hooks.set_priority_resolver(priority.priority_resolve)
        hooks.subscribe("created", sla.sla_ticket_created)
        hooks.subscribe("changed", sla.sla_ticket_changed)
        hooks.subscribe("status_changed", sla.sla_ticket_status_changed)
        hooks.subscribe("commented", sla.sla_comment_added)
        hooks.add_page_extension(SLA_PAGES)
