"""Extension points of the tickets core.

``tickets`` imports no other app. Apps that build on it (escalations,
notifications) register here from their ``AppConfig.ready()``. Hooks run
synchronously inside the ticket service's transaction, so whatever they write
commits or rolls back together with the ticket change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tickets.models import Comment, Ticket, User

# (ticket) -> (priority, reason). Called before a ticket is saved, so it sees
# the ticket's new field values; without one the default matrix decides.
PriorityResolver = Callable[["Ticket"], tuple[str, str]]
_priority_resolver: PriorityResolver | None = None
_listeners: dict[str, list[Callable[..., Any]]] = {
    "created": [],  # (ticket, actor)
    "changed": [],  # (ticket, actor, fields: set[str])
    "status_changed": [],  # (ticket, actor, old: str, new: str)
    "commented": [],  # (comment, actor, by_agent: bool)
}


def set_priority_resolver(resolver: PriorityResolver | None) -> None:
    global _priority_resolver
    _priority_resolver = resolver


def priority_resolver() -> PriorityResolver | None:
    return _priority_resolver


def subscribe(event: str, listener: Callable[..., Any]) -> None:
    """Call ``listener`` on every ``event`` (one of ``created``, ``changed``,
    ``status_changed``, ``commented``). Subscribing twice has no effect."""
    if listener not in _listeners[event]:
        _listeners[event].append(listener)


def notify_created(ticket: Ticket, actor: User | None) -> None:
    for listener in _listeners["created"]:
        listener(ticket, actor)


def notify_changed(ticket: Ticket, actor: User | None, fields: set[str]) -> None:
    for listener in _listeners["changed"]:
        listener(ticket, actor, fields)


def notify_status_changed(ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    for listener in _listeners["status_changed"]:
        listener(ticket, actor, old, new)


def notify_commented(comment: Comment, actor: User | None, by_agent: bool) -> None:
    for listener in _listeners["commented"]:
        listener(comment, actor, by_agent)
