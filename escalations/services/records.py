"""Writing escalation records: once per trigger, and always into the ticket's trail."""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from escalations.events import Step
from escalations.models import Escalation
from escalations.pipeline import check_initial
from tickets import batch, events, notes
from tickets.bulk import new_row
from tickets.models import Ticket, TicketEvent, User
from tickets.services import ticket_event_record


def escalation_step_record(
    *,
    ticket: Ticket,
    actor: User | None,
    escalation: Escalation,
    step: Step,
    what: str | notes.Note,
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


def handoff_columns(handoff: Mapping[str, str | notes.Note]) -> dict[str, Any]:
    """The hand-off fields of a record for ``handoff``: the texts (English for what
    the system wrote), and the notes it wrote them from in ``handoff_notes``."""
    texts, kept = notes.notes_map(dict(handoff))
    return {**texts, "handoff_notes": kept}


def escalation_create_once(**fields) -> Escalation | None:
    """Insert the record, in a status the pipeline starts it in; None when a
    uniqueness rule says it exists already (the same trigger, a second pending
    request, a second open managed escalation)."""
    check_initial(kind=fields["kind"], status=fields["status"])
    ticket, key = fields["ticket"], fields.get("trigger_key", "")
    if batch.current() is not None and key and fields["kind"] == Escalation.Kind.FUNCTIONAL:
        # A batch job holds the ticket: the keys it has used are known
        # (``trigger_keys_read_ahead``), and nobody else can add one meanwhile.
        used = batch.memo(
            ("escalation-keys", ticket.pk), lambda: _used_keys([ticket.pk])[ticket.pk]
        )
        if key in used:
            return None
        used.add(key)
        created = new_row(Escalation, **fields)
        # Inserted with the chunk's other records when the batch is flushed.
        if batch.insert_later(created, ahead=len(batch.current().tickets)):
            created.created_at = timezone.now()
        else:
            created.save(force_insert=True)
        if created.status == Escalation.Status.ACTIVE:
            batch.recall(("active-functional", ticket.pk), set()).add(created.pk)
        return created
    try:
        with transaction.atomic():
            return Escalation.objects.create(**fields)
    except IntegrityError:
        return None


def trigger_keys_read_ahead(*, ticket_ids: list[int]) -> None:
    """The trigger keys used on tickets a batch job holds, and their active
    functional escalations, in one query."""
    if batch.current() is None or not ticket_ids:
        return
    keys: dict[int, set[str]] = {pk: set() for pk in ticket_ids}
    active: dict[int, set[int]] = {pk: set() for pk in ticket_ids}
    rows = Escalation.objects.filter(ticket_id__in=ticket_ids)
    for ticket_id, key, pk, kind, status in rows.values_list(
        "ticket_id", "trigger_key", "pk", "kind", "status"
    ):
        if key:
            keys[ticket_id].add(key)
        if kind == Escalation.Kind.FUNCTIONAL and status == Escalation.Status.ACTIVE:
            active[ticket_id].add(pk)
    for ticket_id in ticket_ids:
        batch.remember(("escalation-keys", ticket_id), keys[ticket_id])
        batch.remember(("active-functional", ticket_id), active[ticket_id])


def _used_keys(ticket_ids: list[int]) -> dict[int, set[str]]:
    used: dict[int, set[str]] = {pk: set() for pk in ticket_ids}
    rows = Escalation.objects.filter(ticket_id__in=ticket_ids).exclude(trigger_key="")
    for ticket_id, key in rows.values_list("ticket_id", "trigger_key"):
        used[ticket_id].add(key)
    return used
