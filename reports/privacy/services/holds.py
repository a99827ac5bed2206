"""Legal holds on tickets (organizations carry theirs on the organization form)."""

from django.db import transaction
from django.db.models import QuerySet

from tickets import notes
from tickets.models import Organization, Ticket, TicketEvent, User


def tickets_legal_hold_set(*, tickets: QuerySet[Ticket], on: bool, actor: User | None) -> int:
    """Set or lift the legal hold on ``tickets``; each change goes to the ticket's
    audit trail. Returns how many tickets changed."""
    with transaction.atomic():
        changed = list(
            tickets.select_for_update().exclude(legal_hold=on).values_list("pk", flat=True)
        )
        Ticket.objects.filter(pk__in=changed).update(legal_hold=on)
        note = notes.event_fields(notes.note("privacy.hold_set" if on else "privacy.hold_lifted"))
        TicketEvent.objects.bulk_create(
            TicketEvent(
                ticket_id=pk,
                actor=actor,
                kind=TicketEvent.Kind.CHANGED,
                field="legal_hold",
                old_value="no" if on else "yes",
                new_value="yes" if on else "no",
                **note,
            )
            for pk in changed
        )
    return len(changed)


def organizations_legal_hold_set(*, organizations: QuerySet[Organization], on: bool) -> int:
    """Set or lift the legal hold on ``organizations``; returns how many changed."""
    return organizations.exclude(legal_hold=on).update(legal_hold=on)
