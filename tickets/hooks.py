"""Extension points of the tickets core other than events.

``tickets`` imports no other app. Apps that build on it register here from
their ``AppConfig.ready()``: the priority resolver (priority criteria) and what
they add to the ticket pages. Reactions to changes go through the event bus,
``tickets.events``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Q, QuerySet
    from django.http import HttpRequest

    from tickets.models import Ticket
    from tickets.notes import Note

# (ticket) -> (priority, reason: free text or a system note, ``tickets.notes``).
# Called before a ticket is saved, so it sees the ticket's new field values;
# without one the default matrix decides.
PriorityResolver = Callable[["Ticket"], tuple[str, "str | Note"]]
_priority_resolver: PriorityResolver | None = None


def set_priority_resolver(resolver: PriorityResolver | None) -> None:
    global _priority_resolver
    _priority_resolver = resolver


def priority_resolver() -> PriorityResolver | None:
    return _priority_resolver


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
    # Queue, agents' pages: read what the cells show for the page's tickets once the
    # page is known (one query for the page rather than a prefetch).
    queue_rows_prepare: Callable[[list[Ticket]], None] | None = None
    # The cells of each row of a page written in Python, the same HTML as
    # ``queue_cell_template`` gives (``tickets.queue_rows``); without it the template
    # is rendered per row.
    queue_cells: Callable[[list[Ticket]], list[str]] | None = None
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


# --- timeline values -----------------------------------------------------------------

# The audit trail keeps codes ("open", "breached_running"); the timeline shows
# their labels in the reader's language. Apps register the choices of the fields
# they write (a field name, or a prefix ending in ":" such as "sla:").
_value_choices: dict[str, type] = {}


def add_value_choices(field: str, choices: type) -> None:
    _value_choices[field] = choices


def value_label(field: str, value: str) -> str:
    """``value`` of ``field`` as people read it, or the value itself."""
    choices = _value_choices.get(field)
    if choices is None and ":" in field:
        choices = _value_choices.get(field.split(":", 1)[0] + ":")
    if choices is None:
        return value
    for code in (value, int(value) if value.isdigit() else None):
        try:
            return str(choices(code).label)
        except ValueError:
            continue
    return value


# --- read reach beyond the teams -----------------------------------------------------
# (user) -> Q on tickets: the tickets an agent takes part in through another app
# (escalations they asked for or work in). They give read access, internal notes
# and following; never the work on the ticket itself.
ReachFilter = Callable[[object], "Q"]
_reach_filters: list[ReachFilter] = []


def add_reach_filter(reach: ReachFilter) -> None:
    if reach not in _reach_filters:
        _reach_filters.append(reach)


def reach_filters() -> tuple[ReachFilter, ...]:
    return tuple(_reach_filters)
