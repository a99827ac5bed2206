"""Domain events raised by escalations (SLA warnings and breaches, ...).

Listeners (the escalation engine, notifications) subscribe from their
``AppConfig.ready()``. They run inside the transaction that raised the event,
so what they write (an escalation, an outbox row) commits with it, exactly once.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

_listeners: dict[str, list[Callable[..., Any]]] = {}

SLA_WARNING = "sla.warning"
SLA_BREACH = "sla.breach"
# Every recorded step of an escalation: payload ``escalation``, ``actor``, ``step``
# (a ``Step``) and ``what`` (the note written into the ticket's trail).
ESCALATION_STEP = "escalation.step"


class Step(StrEnum):
    ESCALATED = "escalated"  # the ticket moved up a level (functional)
    REQUESTED = "requested"  # a manual escalation awaits approval
    APPROVED = "approved"
    REJECTED = "rejected"
    OPENED = "opened"  # a managed (hierarchical) escalation opened
    MANAGER_CHANGED = "manager_changed"
    TEAM_CHANGED = "team_changed"
    ACTION = "action"  # an action-plan item added, done or reopened
    MONITORING = "monitoring"
    MONITORING_ENDED = "monitoring_ended"
    REOPENED = "reopened"
    CLOSED = "closed"
    REVIEW_REQUESTED = "review_requested"
    REVIEWED = "reviewed"


def subscribe(event: str, listener: Callable[..., Any]) -> None:
    listeners = _listeners.setdefault(event, [])
    if listener not in listeners:
        listeners.append(listener)


def publish(event: str, **payload: Any) -> None:
    for listener in _listeners.get(event, ()):
        listener(**payload)
