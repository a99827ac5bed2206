"""Full-text search over tickets: title, description and every comment.

On PostgreSQL each ticket keeps a ``search_vector`` (weights: title A,
description B, comments C, in the ``simple`` configuration so any language
matches word for word), refreshed by the services that change those texts, and
searched through a GIN index with ranking. Elsewhere (SQLite) a plain
case-insensitive match over the same texts stands in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from tickets.models import Comment, Ticket, User
from tickets.selectors import ticket_visibility_branches
from tickets.selectors_narrowed import ticket_rows_narrowed

CONFIG = "simple"  # as written in _REFRESH and the index's migration
# A search lists at most this many matches, the newest: their ids are found first
# (through the full-text index), and only they are ordered and counted. Otherwise the
# planner may walk a list's order index row by row looking for matches (a rare word,
# or matches that sit at the end of that order) through a million tickets. For an
# agent the newest are found team by team (``ticket_rows_narrowed``, ``_newest_matches``).
SEARCH_LIMIT = 1000
# How many of a team's newest tickets a search reads one by one before it asks the
# full-text index for the team's older matches (``_newest_matches``).
WALK = 5000

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
    ``SEARCH_LIMIT`` newest of them (of the tickets ``user`` may see, when given:
    found team by team, in a query of their own)."""
    if full_text():
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        matches = queryset.filter(Q(search_vector=query) | extra).order_by("-created_at", "-id")
        newest = matches.values("pk")[:SEARCH_LIMIT]
        if user is not None and ticket_visibility_branches(user):
            matches = ticket_rows_narrowed(
                matches, user=user, rows=SEARCH_LIMIT, first_rows=_newest_matches
            )
            # Read once, a query of its own: the list's count and its page would each
            # run the search team by team again. Passed as an array (``unnest``), which
            # the planner takes for a few rows to look up one by one; a list of a
            # thousand literals made it read the team's index alongside.
            found = list(matches.values_list("pk", flat=True)[:SEARCH_LIMIT])
            newest = RawSQL("SELECT unnest(%s::bigint[])", (found,)) if found else []
        return (
            queryset.filter(pk__in=newest)
            .annotate(search_rank=SearchRank("search_vector", query))
            .order_by("-search_rank", "-created_at", "-id")
        )
    in_comments = Comment.objects.filter(ticket=OuterRef("pk"), body__icontains=text)
    return queryset.filter(
        Q(title__icontains=text) | Q(description__icontains=text) | Exists(in_comments) | extra
    )


def _newest_matches(part: QuerySet, *, branch: Q, rows: int) -> tuple[str, tuple]:
    """SQL of ids holding the ``rows`` newest matches of one branch (a team) of an
    agent's search: its ``WALK`` newest tickets read newest first, and only when they
    hold fewer than ``rows`` matches, its older matches found through the full-text
    index and sorted.

    Why both: walking the team's index alone reads every ticket of the team when the
    word is common elsewhere and rare in the team (the planner takes the team and the
    word as independent and expects a match every few rows); the full-text index alone
    reads and sorts every match of a team whose tickets all hold the word. The walk
    stops after ``WALK`` tickets, and the older matches are only looked for when it
    found too few, so each costs at most ``WALK`` tickets or the team's older matches
    past them. The two parts split the branch at one creation time, so together they
    hold its ``rows`` newest matches, as the plain walk would."""
    newest = Ticket.objects.filter(branch).order_by("-created_at", "-id").values("created_at")
    # (No WALK-th ticket: the branch is short, and the walk reads all of it.)
    edge = Coalesce(Subquery(newest[WALK - 1 : WALK]), Value(datetime.min.replace(tzinfo=UTC)))
    walked, walked_params = (
        part.filter(created_at__gte=edge)
        .order_by("-created_at", "-id")
        .values("pk")[:rows]
        .query.sql_with_params()
    )
    # Ordered on an expression no index holds, so the planner reads the matches through
    # the full-text index and sorts them instead of walking the team's index again.
    unwalked = ExpressionWrapper(
        F("created_at") + Value(timedelta(0)), output_field=DateTimeField()
    )
    short = RawSQL("(SELECT COUNT(*) FROM walked) < %s", (rows,), output_field=BooleanField())
    older, older_params = (
        part.filter(short, created_at__lt=edge)
        .order_by(unwalked.desc(), F("id").desc())
        .values("pk")[:rows]
        .query.sql_with_params()
    )
    # PostgreSQL runs the second part only when the walk came back short (a one-time
    # filter on the count of the materialized walk).
    # (SQL Django compiled, its values passed apart: nothing is spliced in.)
    # (``walked.id``: a bare ``id`` would name the outer query's ticket.)
    head = f"WITH walked (id) AS MATERIALIZED ({walked}) SELECT walked.id FROM walked"  # noqa: S608
    sql = f"{head} UNION ALL ({older})"
    return sql, (*walked_params, *older_params)
