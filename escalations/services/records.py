"""Writing escalation records: once per trigger, and always into the ticket's trail."""

from django.db import IntegrityError, transaction

from escalations.events import Step
from escalations.models import Escalation
from escalations.pipeline import check_initial
from tickets import events
from tickets.models import Ticket, TicketEvent, User
from tickets.services import ticket_event_record


def escalation_step_record(
    *, ticket: Ticket, actor: User | None, escalation: Escalation, step: Step, what: str
) -> None:
    """Every step of an escalation is noted in its ticket's audit trail (``what``)
    and published on the event bus (``ESCALATION_STEP``), in the step's transaction."""
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


def escalation_create_once(**fields) -> Escalation | None:
    """Insert the record, in a status the pipeline starts it in; None when a
    uniqueness rule says it exists already (the same trigger, a second pending
    request, a second open managed escalation)."""
    check_initial(kind=fields["kind"], status=fields["status"])
    try:
        with transaction.atomic():
            return Escalation.objects.create(**fields)
    except IntegrityError:
        return None
