"""Domain events raised by escalations (SLA warnings and breaches, ...).

Listeners (the escalation engine, notifications) subscribe from their
``AppConfig.ready()``. They run inside the transaction that raised the event,
so what they write (an escalation, an outbox row) commits with it, exactly once.
"""

from collections.abc import Callable
from typing import Any

_listeners: dict[str, list[Callable[..., Any]]] = {}

SLA_WARNING = "sla.warning"
SLA_BREACH = "sla.breach"
# Every recorded step of an escalation (opened, approved, rejected, monitoring...):
# payload ``escalation``, ``actor``, ``what``.
ESCALATION_STEP = "escalation.step"


def subscribe(event: str, listener: Callable[..., Any]) -> None:
    listeners = _listeners.setdefault(event, [])
    if listener not in listeners:
        listeners.append(listener)


def publish(event: str, **payload: Any) -> None:
    for listener in _listeners.get(event, ()):
        listener(**payload)
