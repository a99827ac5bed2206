"""Reactions to new and changed tickets: routing, and severity-based escalation.

A priority criterion that names a level sends a matching ticket straight there
(recorded as a severity escalation), and one that asks for management opens a
managed escalation, at creation or when a change makes the ticket match. Each
criterion acts once per ticket.
"""

from django.utils import timezone

from escalations.models import Escalation
from escalations.services import routing
from escalations.services.automatic import ticket_escalate_automatically
from escalations.services.managed import managed_escalation_open
from escalations.services.priority import matching_criteria
from escalations.services.routing import TIER_ORDER
from tickets import notes
from tickets.models import Ticket, User

SEVERITY_INPUTS = {
    "priority",
    "category",
    "organization",
    "title",
    "description",
    "is_security",
    "is_safety",
    "is_legal",
    "is_major_outage",
}


def _apply_criteria(ticket: Ticket, actor: User | None) -> Ticket:
    """Act on the criteria the ticket matches; the ticket where they left it."""
    now = timezone.now()
    matched = matching_criteria(ticket)
    jumps = [c for c in matched if c.jump_to_level]
    if jumps:
        top = max(jumps, key=lambda c: TIER_ORDER.index(c.jump_to_level))
        route = routing.route_of(ticket)
        if route is not None and TIER_ORDER.index(top.jump_to_level) > TIER_ORDER.index(
            route.level.tier
        ):
            escalation = ticket_escalate_automatically(
                ticket=ticket,
                trigger=Escalation.Trigger.SEVERITY,
                key=f"criterion:{top.id}",
                why=notes.note("escalation.criterion", name=top.name),
                to_tier=top.jump_to_level,
                now=now,
            )
            if escalation is not None and escalation.kind == Escalation.Kind.FUNCTIONAL:
                ticket = escalation.ticket
    for criterion in matched:
        if criterion.notify_management:
            managed_escalation_open(
                ticket=Ticket.objects.get(pk=ticket.pk),
                actor=actor,
                trigger=Escalation.Trigger.SEVERITY,
                reason=notes.note("escalation.criterion", name=criterion.name),
                now=now,
                key=f"criterion-mgmt:{criterion.id}",
            )
    return ticket


def on_ticket_created(*, ticket: Ticket, actor: User | None) -> dict[str, Ticket]:
    """Route the new ticket, then act on the criteria it matches. Later listeners
    (notifications) see the ticket where it landed."""
    ticket = routing.route_new_ticket(ticket=ticket, actor=actor, now=timezone.now()) or ticket
    return {"ticket": _apply_criteria(ticket, actor)}


def on_ticket_changed(
    *, ticket: Ticket, actor: User | None, fields: set[str]
) -> dict[str, Ticket] | None:
    """A change that makes the ticket match a criterion acts on it now."""
    if SEVERITY_INPUTS & fields and ticket.is_open:
        return {"ticket": _apply_criteria(ticket, actor)}
    return None
