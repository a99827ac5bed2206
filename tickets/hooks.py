"""Extension points of the tickets core.

``tickets`` imports no other app. Apps that build on it (escalations,
notifications) register here from their ``AppConfig.ready()``. Hooks run
synchronously inside the ticket service's transaction, so whatever they write
commits or rolls back together with the ticket change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

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


# --- page extensions -----------------------------------------------------------------


@dataclass(frozen=True)
class PageExtension:
    """What an app adds to the ticket pages: templates to include, and the queryset
    preparation and context they need. Any part may be left empty."""

    # Queue: reorder / annotate / prefetch / filter the tickets listed.
    queue_prepare: Callable[[QuerySet, HttpRequest], QuerySet] | None = None
    queue_filters_template: str = ""
    queue_header_template: str = ""
    queue_cell_template: str = ""
    # Ticket page: a panel in the sidebar, with its context.
    detail_template: str = ""
    detail_context: Callable[[HttpRequest, Ticket], dict] | None = None
    # Beside the new-ticket form.
    create_aside_template: str = ""
    create_aside_context: Callable[[HttpRequest], dict] | None = None


_page_extensions: list[PageExtension] = []


def add_page_extension(extension: PageExtension) -> None:
    if extension not in _page_extensions:
        _page_extensions.append(extension)


def page_extensions() -> tuple[PageExtension, ...]:
    return tuple(_page_extensions)
