from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications import checks, listeners  # noqa: F401  (checks: system checks)
        from notifications.pages import STATUS_UPDATE_PAGES
        from tickets import events, hooks
        from tickets.events import Phase

        hooks.add_page_extension(STATUS_UPDATE_PAGES)
        events.subscribe(
            events.TICKET_CREATED, listeners.cadence_on_ticket_created, phase=Phase.CADENCE
        )
        events.subscribe(
            events.TICKET_CHANGED, listeners.cadence_on_ticket_changed, phase=Phase.CADENCE
        )
        events.subscribe(
            events.TICKET_STATUS_CHANGED, listeners.cadence_on_status_changed, phase=Phase.CADENCE
        )
        events.subscribe(events.TICKET_CREATED, listeners.on_ticket_created, phase=Phase.NOTIFY)
        events.subscribe(events.TICKET_CHANGED, listeners.on_ticket_changed, phase=Phase.NOTIFY)
        events.subscribe(events.COMMENT_ADDED, listeners.on_comment, phase=Phase.NOTIFY)
        events.subscribe(events.SLA_WARNING, listeners.on_sla_warning, phase=Phase.NOTIFY)
        events.subscribe(events.SLA_BREACH, listeners.on_sla_breach, phase=Phase.NOTIFY)
        events.subscribe(events.ESCALATION_STEP, listeners.on_escalation_step, phase=Phase.NOTIFY)
        # Duty: shift-end hand-overs, and levels reached while all their teams are off duty.
        events.subscribe(events.TICKETS_HANDED_OVER, listeners.on_handed_over, phase=Phase.NOTIFY)
        events.subscribe(events.LEVEL_OFF_DUTY, listeners.on_level_off_duty, phase=Phase.NOTIFY)
