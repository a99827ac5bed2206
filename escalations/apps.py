from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Escalations")

    def ready(self) -> None:
        from escalations import selectors
        from escalations.clockstates import ClockState
        from escalations.pages import SLA_PAGES
        from escalations.services import automatic, intake, priority, resolution
        from escalations.services.sla import reactions as sla_reactions
        from tickets import events, hooks
        from tickets.events import Phase

        hooks.set_priority_resolver(priority.priority_resolve)
        hooks.add_page_extension(SLA_PAGES)
        hooks.add_value_choices("sla:", ClockState)
        # Choices inside system notes (``tickets.notes``), read in the reader's language.
        from escalations.models import EscalationTeamMember, SlaClock, TeamAssignment

        hooks.add_value_choices("metric", SlaClock.Metric)
        hooks.add_value_choices("assignment_mode", TeamAssignment.Mode)
        hooks.add_value_choices("team_role", EscalationTeamMember.Role)
        from escalations.views.duty_ticket import DUTY_PAGES

        hooks.add_page_extension(DUTY_PAGES)
        hooks.add_reach_filter(selectors.ticket_reach)
        # Clocks first: they start on the new ticket, and follow the moves that
        # routing makes (each move publishes its own ticket.changed).
        events.subscribe(events.TICKET_CREATED, sla_reactions.on_ticket_created, phase=Phase.CLOCKS)
        events.subscribe(events.TICKET_CHANGED, sla_reactions.on_ticket_changed, phase=Phase.CLOCKS)
        events.subscribe(
            events.TICKET_STATUS_CHANGED, sla_reactions.on_ticket_status_changed, phase=Phase.CLOCKS
        )
        events.subscribe(events.COMMENT_ADDED, sla_reactions.on_comment_added, phase=Phase.CLOCKS)
        events.subscribe(events.TICKET_CREATED, intake.on_ticket_created, phase=Phase.ROUTING)
        events.subscribe(events.TICKET_CHANGED, intake.on_ticket_changed, phase=Phase.ROUTING)
        events.subscribe(
            events.TICKET_STATUS_CHANGED, resolution.on_ticket_status_changed, phase=Phase.ROUTING
        )
        events.subscribe(events.SLA_BREACH, automatic.on_clock_breach, phase=Phase.ROUTING)
        # Duty: a ticket entering a team is assigned by the team's rule, after routing.
        from escalations.services.duty import assignment

        events.subscribe(events.TICKET_CREATED, assignment.on_ticket_created, phase=Phase.ROUTING)
        events.subscribe(events.TICKET_CHANGED, assignment.on_team_entered, phase=Phase.ROUTING)
