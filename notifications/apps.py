from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from escalations import events
        from notifications import checks, listeners  # noqa: F401  (checks: system checks)
        from tickets import hooks

        hooks.subscribe("created", listeners.on_ticket_created)
        hooks.subscribe("changed", listeners.on_ticket_changed)
        hooks.subscribe("commented", listeners.on_comment)
        events.subscribe(events.SLA_WARNING, listeners.on_sla_warning)
        events.subscribe(events.SLA_BREACH, listeners.on_sla_breach)
        events.subscribe(events.ESCALATION_STEP, listeners.on_escalation_step)
        from notifications.pages import STATUS_UPDATE_PAGES
        from notifications.services import plans

        hooks.subscribe("created", plans.on_ticket_created)
        hooks.subscribe("changed", plans.on_ticket_changed)
        hooks.subscribe("status_changed", plans.on_ticket_status_changed)
        hooks.add_page_extension(STATUS_UPDATE_PAGES)
