"""Writing escalation records: once per trigger, and always into the ticket's trail."""

from django.db import IntegrityError, transaction

from escalations.events import Step
from escalations.models import Escalation
from tickets import events
from tickets.models import Ticket, TicketEvent, User
from tickets.services import ticket_event_record


def record(
    ticket: Ticket,
    actor: User | None,
    escalation: Escalation,
    what: str,
    *,
    step: Step,
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
