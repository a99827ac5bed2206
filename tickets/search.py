"""Full-text search over tickets: title, description and every comment.

On PostgreSQL each ticket keeps a ``search_vector`` (weights: title A,
description B, comments C, in the ``simple`` configuration so any language
matches word for word), refreshed by the services that change those texts, and
searched through a GIN index with ranking. Elsewhere (SQLite) a plain
case-insensitive match over the same texts stands in.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from tickets.models import Comment, Ticket, User
from tickets.selectors import ticket_rows_narrowed

CONFIG = "simple"  # as written in _REFRESH and the index's migration
# A search lists at most this many matches, the newest: their ids are found first
# (through the full-text index), and only they are ordered and counted. Otherwise the
# planner may walk a list's order index row by row looking for matches (a rare word,
# or matches that sit at the end of that order) through a million tickets. For an
# agent the newest are found team by team (``ticket_rows_narrowed``), each walk
# bounded by the team's tickets.
SEARCH_LIMIT = 1000

_REFRESH = """
UPDATE tickets_ticket t SET search_vector =
    setweight(to_tsvector('simple', coalesce(t.title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(t.description, '')), 'B')
    || setweight(to_tsvector('simple', coalesce((
        SELECT string_agg(c.body, ' ') FROM tickets_comment c WHERE c.ticket_id = t.id
    ), '')), 'C')
WHERE t.id = ANY(%s)
"""


def full_text() -> bool:
    return connection.vendor == "postgresql"


def ticket_search_refresh(*, ticket_ids: list[int]) -> None:
    """Recompute the search vector of the tickets given (PostgreSQL only)."""
    if full_text() and ticket_ids:
        with connection.cursor() as cursor:
            cursor.execute(_REFRESH, [list(ticket_ids)])


def search_tickets(
    queryset: QuerySet[Ticket], text: str, extra: Q, *, user: User | None = None
) -> QuerySet[Ticket]:
    """Tickets whose title, description or comments hold the words of ``text`` (or
    that match ``extra``: reference, requester), best match first; on PostgreSQL the
    ``SEARCH_LIMIT`` newest of them (of the tickets ``user`` may see, when given)."""
    if full_text():
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        matches = queryset.filter(Q(search_vector=query) | extra).order_by("-created_at", "-id")
        if user is not None:
            matches = ticket_rows_narrowed(matches, user=user, rows=SEARCH_LIMIT)
        newest = matches.values("pk")[:SEARCH_LIMIT]
        return (
            queryset.filter(pk__in=newest)
            .annotate(search_rank=SearchRank("search_vector", query))
            .order_by("-search_rank", "-created_at", "-id")
        )
    in_comments = Comment.objects.filter(ticket=OuterRef("pk"), body__icontains=text)
    return queryset.filter(
        Q(title__icontains=text) | Q(description__icontains=text) | Exists(in_comments) | extra
    )
