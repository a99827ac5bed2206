"""The event bus: every domain event, who listens to it, and in which order.

One registry for all apps. It lives in the lowest app and imports nothing from
the others, so ``tickets`` stays independent while ``escalations``,
``notifications`` and ``reports`` react to what happens here. Each app
subscribes its listeners from ``AppConfig.ready()``, naming the **phase** it
belongs to; a publication runs the listeners by phase (then in the order they
subscribed), so the routing and the clocks have done their work before anyone
is told about it.

Rules every listener can rely on:

- It runs synchronously inside the transaction of the change it reacts to, so
  what it writes commits or rolls back with that change, exactly once.
- It is called with keyword arguments: the payload declared for the event
  below (``EVENTS``); a publication with other keys is refused.
- It sees the state left by the listeners before it: a listener that changes
  an object of the payload (routing moves a new ticket to another team) returns
  ``{"ticket": moved}``, and every later listener gets that object instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any


class Phase(IntEnum):
    """When a listener runs, relative to the others of the same event."""

    CLOCKS = 10  # SLA clocks follow the ticket (escalations)
    ROUTING = 20  # routing, severity and time escalation, escalation records (escalations)
    CADENCE = 30  # communication-plan update cadences (notifications)
    NOTIFY = 40  # telling people: inbox, e-mail, webhooks (notifications)
    FACTS = 50  # facts kept for reports (reports)


# --- the events and their payloads -------------------------------------------------------

TICKET_CREATED = "ticket.created"
TICKET_CHANGED = "ticket.changed"
TICKET_STATUS_CHANGED = "ticket.status_changed"
COMMENT_ADDED = "comment.added"
SLA_WARNING = "sla.warning"
SLA_BREACH = "sla.breach"
ESCALATION_STEP = "escalation.step"
SLA_RECOMPUTED = "sla.recomputed"
# Duty (follow-the-sun): see ``escalations.services.duty``.
TICKETS_HANDED_OVER = "tickets.handed_over"
LEVEL_OFF_DUTY = "duty.level_off_duty"

EVENTS: dict[str, frozenset[str]] = {
    # A ticket was opened (``tickets.services.ticket_create``).
    TICKET_CREATED: frozenset({"ticket", "actor"}),
    # Fields of a ticket changed (edit, priority, routing); ``fields`` names them.
    TICKET_CHANGED: frozenset({"ticket", "actor", "fields"}),
    # The ticket moved along its status workflow from ``old`` to ``new``.
    TICKET_STATUS_CHANGED: frozenset({"ticket", "actor", "old", "new"}),
    # A public reply or internal note; ``by_agent`` tells who wrote it.
    COMMENT_ADDED: frozenset({"comment", "actor", "by_agent"}),
    # The SLA sweep recorded a warning or a breach of ``clock`` at ``now``.
    SLA_WARNING: frozenset({"clock", "now"}),
    SLA_BREACH: frozenset({"clock", "now"}),
    # The open clocks of ``tickets`` were re-targeted after a policy or calendar
    # edit (in the background, a batch at a time): due times moved, or clocks were
    # met because their policy no longer has the target.
    SLA_RECOMPUTED: frozenset({"tickets"}),
    # A recorded step of an escalation: ``step`` (``escalations.events.Step``) and
    # ``what``, the note written into the ticket's trail.
    ESCALATION_STEP: frozenset({"escalation", "actor", "step", "what"}),
    # A team's duty ended: ``handovers`` (``escalations.models.Handover`` rows, each
    # moving one ticket to the team taking over) were made together.
    TICKETS_HANDED_OVER: frozenset({"handovers"}),
    # A ticket entered ``level`` while none of its teams was on duty: it went to
    # the ticket's team, whose duty starts at ``starts_at`` (None: not scheduled).
    LEVEL_OFF_DUTY: frozenset({"ticket", "level", "starts_at"}),
}

Listener = Callable[..., Mapping[str, Any] | None]
_listeners: dict[str, list[tuple[Phase, int, Listener]]] = {name: [] for name in EVENTS}


def subscribe(event: str, listener: Listener, *, phase: Phase) -> None:
    """Call ``listener`` on every ``event``, in ``phase``. Subscribing twice has no effect."""
    if event not in EVENTS:
        raise ValueError(f"Unknown event {event!r}; declare it in tickets.events.EVENTS.")
    subscribed = _listeners[event]
    if any(known is listener for _phase, _order, known in subscribed):
        return
    subscribed.append((phase, len(subscribed), listener))
    subscribed.sort(key=lambda entry: (entry[0], entry[1]))


def unsubscribe(event: str, listener: Listener) -> None:
    """Stop calling ``listener`` (tests and benchmarks that add their own)."""
    _listeners[event] = [entry for entry in _listeners[event] if entry[2] is not listener]


def listeners(event: str) -> list[tuple[Phase, Listener]]:
    """The listeners of ``event`` in the order they run."""
    return [(phase, listener) for phase, _order, listener in _listeners[event]]


def publish(event: str, **payload: Any) -> dict[str, Any]:
    """Run the listeners of ``event`` in order; returns the payload as the last
    listener left it."""
    expected = EVENTS[event]
    if set(payload) != expected:
        raise TypeError(f"{event} takes {sorted(expected)}, not {sorted(payload)}.")
    for _phase, _order, listener in list(_listeners[event]):
        updates = listener(**payload)
        if updates:
            if not set(updates) <= expected:
                raise TypeError(f"{listener!r} returned {sorted(updates)} for {event}.")
            payload.update(updates)
    return payload
