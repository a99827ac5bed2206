"""Writing escalation records: once per trigger, and always into the ticket's trail."""

from django.db import IntegrityError, transaction

from escalations import events
from escalations.models import Escalation
from tickets.models import Ticket, TicketEvent, User
from tickets.services import ticket_event_record


def record(
    ticket: Ticket,
    actor: User | None,
    escalation: Escalation,
    what: str,
    *,
    step: events.Step,
) -> None:
    """Note a step of ``escalation`` in the ticket's audit trail and publish it."""
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.ESCALATION,
        field=f"escalation:{escalation.pk}",
        old=escalation.from_tier,
        new=escalation.to_tier,
        note=what,
    )
    events.publish(events.ESCALATION_STEP, escalation=escalation, actor=actor, step=step, what=what)


def create_once(**fields) -> Escalation | None:
    """Insert the record; None when a uniqueness rule says it exists already
    (the same trigger, a second pending request, a second open managed escalation)."""
    try:
        with transaction.atomic():
            return Escalation.objects.create(**fields)
    except IntegrityError:
        return None


def lock_ticket(ticket: Ticket) -> Ticket:
    """Hold the ticket as the ticket services do (a no-key lock, so its trail can
    still grow). Escalation steps take it before any escalation row: everyone
    locks a ticket first, then what hangs off it, so nobody deadlocks."""
    return Ticket.objects.select_for_update(of=("self",), no_key=True).get(pk=ticket.pk)
