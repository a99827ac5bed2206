"""What every ticket write shares: the lock, the audit trail, the priority decision,
the assignee rule and telling the event bus what changed."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tickets import batch, events, hooks, notes
from tickets.bulk import new_row
from tickets.models import (
    Team,
    Ticket,
    TicketEvent,
    Tier,
    User,
)
from tickets.priority import default_priority
from tickets.selectors import assignable_users

FLAG_FIELDS = ("is_security", "is_safety", "is_legal", "is_major_outage")

PRIORITY_INPUTS = {
    "impact",
    "urgency",
    "category",
    "organization",
    "title",
    "description",
    *FLAG_FIELDS,
}


def priority_decide(ticket: Ticket) -> tuple[str, str | notes.Note]:
    """The priority a ticket should have now, and why."""
    if ticket.priority_override:
        return ticket.priority_override, notes.note("priority.by_hand")
    resolver = hooks.priority_resolver()
    if resolver is not None:
        return resolver(ticket)
    priority = default_priority(impact=ticket.impact, urgency=ticket.urgency)
    why = notes.note(
        "priority.matrix", priority=priority, impact=ticket.impact, urgency=ticket.urgency
    )
    return priority, why


def default_team() -> Team | None:
    """Where a ticket filed without a team lands: the first L1 team by name."""
    return Team.objects.filter(tier=Tier.L1).order_by("name").first()


def check_assignee(*, team: Team | None, assignee: User | None) -> None:
    """A ticket's assignee must be a member or the manager of the ticket's team."""
    if assignee is None:
        return
    if team is None:
        raise ValidationError({"assignee": _("Choose a team before assigning the ticket.")})
    if not assignable_users(team=team).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("%(user)s is not in team %(team)s.") % {"user": assignee, "team": team}}
        )


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def ticket_event_record(
    *,
    ticket: Ticket,
    actor: User | None,
    kind: str,
    field: str = "",
    old: Any = None,
    new: Any = None,
    note: str | notes.Note = "",
    note_public: bool = False,
) -> TicketEvent:
    """Append one entry to a ticket's audit trail (for this app and those built on it);
    inside a batch job, with the batch's other entries when it is flushed. ``note``
    is a person's text, or a system note (``tickets.notes``) kept language-neutral."""
    event = new_row(
        TicketEvent,
        ticket=ticket,
        actor=actor,
        kind=kind,
        field=field,
        old_value=_display(old),
        new_value=_display(new),
        note_public=note_public,
        **notes.event_fields(note),
    )
    if not batch.queue_event(event):
        event.save(force_insert=True)
    return event


# Changes to these fields may change the priority (matrix, criteria on category,
# organization tier, flags and keywords).


def tickets_locked(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` held as ``ticket_lock`` holds one (batch jobs lock in id order)."""
    return tickets.select_for_update(of=("self",), no_key=True)


def ticket_lock(ticket: Ticket | int) -> Ticket:
    """Hold the ticket against concurrent changes for the rest of the transaction,
    and return it as it is now.

    The one lock order of the whole system: the ticket first, then what hangs
    off it (its SLA clocks, escalations, cadences). The SLA sweep claims clocks
    together with their tickets the same way, so nobody waits in a cycle. It is
    a no-key lock: rows that only point at the ticket (its audit trail, its
    comments) can still be inserted meanwhile. A batch job holding the ticket
    already (``tickets.batch``) gets the ticket it holds."""
    held = batch.held(ticket if isinstance(ticket, int) else ticket.pk)
    if held is not None:
        return held
    return tickets_locked(Ticket.objects.select_related("team", "assignee", "organization")).get(
        pk=ticket if isinstance(ticket, int) else ticket.pk
    )


def changed_publish(*, ticket: Ticket, actor: User | None, fields: set[str]) -> Ticket:
    """Tell the listeners which fields changed; the ticket as they left it."""
    return events.publish(events.TICKET_CHANGED, ticket=ticket, actor=actor, fields=fields)[
        "ticket"
    ]


def priority_record(*, ticket: Ticket, actor: User | None, old: str, why: str | notes.Note) -> None:
    """Write a priority change, with why, into the ticket's trail."""
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.PRIORITY,
        field="priority",
        old=old,
        new=ticket.priority,
        note=why,
    )
