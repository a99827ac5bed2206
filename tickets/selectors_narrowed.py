"""An agent's lists read team by team: the rows of a page, and the capped count.

``team_id IN (...) OR assignee_id = ...`` cannot walk an index in a list's order,
and the planner, taking the team and a filter (a word, a priority) as independent,
may walk the table's order index instead and read most of a million tickets. Each
branch of the agent's visibility (``selectors.ticket_visibility_branches``: a team,
their own tickets) is read apart instead, through the index that leads with it,
and stops after the rows asked for. PostgreSQL only (SQLite cannot limit the parts
of a UNION): elsewhere, and for admins and requesters (one condition already), the
list is read as it is.
"""

from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from tickets.models import Ticket, User
from tickets.selectors import ticket_visibility_branches, ticket_visibility_filter


def ticket_rows_narrowed(
    queryset: QuerySet, *, user: User, rows: int, first_rows: Callable | None = None
) -> QuerySet:
    """``queryset`` (a list of the user's tickets, ordered) narrowed to the first
    ``rows`` tickets of each branch of their visibility, which hold its first
    ``rows`` tickets: ``id IN ((... team 1 ... LIMIT rows) UNION ALL (...))``, or
    what ``first_rows(part, branch=, rows=)`` compiles for a branch (a search's)."""
    parts = _branch_parts(queryset, user=user, rows=rows, first_rows=first_rows)
    if parts is None:
        return queryset
    sql, params = parts
    if not sql:
        return queryset.none()
    # The parts are SQL Django compiled, their values passed apart: nothing is spliced in.
    return queryset.filter(pk__in=RawSQL(" UNION ALL ".join(sql), params))  # noqa: S611


def ticket_count_narrowed(queryset: QuerySet, *, user: User, rows: int) -> int | None:
    """How many distinct tickets the first ``rows`` of each branch of the user's
    visibility hold, among ``queryset`` (any ``rows`` of a branch: no order), or None
    where the list is not read by branches.

    ``SELECT COUNT(*) FROM ((... team 1 ... LIMIT rows) UNION (...))``: the branches'
    ids, without looking each one up again in the list's own query (its visibility is
    the union of the branches, and its other conditions are in every branch). Exact
    when the list holds fewer than ``rows`` tickets (no branch is cut short); at least
    ``rows`` otherwise (a branch cut short holds ``rows`` alone)."""
    parts = _branch_parts(queryset.order_by(), user=user, rows=rows)
    if parts is None:
        return None
    sql, params = parts
    if not sql:
        return 0
    union = " UNION ".join(sql)  # SQL Django compiled, its values passed apart
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({union}) AS listed", params)  # noqa: S608
        return cursor.fetchone()[0]


def _branch_parts(
    queryset: QuerySet, *, user: User, rows: int, first_rows: Callable | None = None
) -> tuple[list[str], list] | None:
    """The SQL of each branch's first ``rows`` ids (parenthesized) and its values."""
    branches = ticket_visibility_branches(user)
    if not branches or rows < 1 or queryset.model is not Ticket:
        return None
    if connections[queryset.db].vendor != "postgresql":
        return None
    parts, params = [], []
    plain = _without_visibility(queryset.select_related(None).prefetch_related(None), user)
    for branch in branches:
        try:
            sql, values = (first_rows or _first_rows)(
                plain.filter(branch), branch=branch, rows=rows
            )
        except EmptyResultSet:  # a branch that can hold nothing (a filter on no ids)
            continue
        parts.append(f"({sql})")
        params.extend(values)
    return parts, params


def _first_rows(part: QuerySet, *, branch: Q, rows: int) -> tuple[str, tuple]:
    return part.values("pk")[:rows].query.sql_with_params()


def _without_visibility(queryset: QuerySet, user: User) -> QuerySet:
    """``queryset`` without its visibility filter, for the branches only (the list
    keeps it): the planner takes ``team_id = t`` beside ``team_id IN (t) OR ...`` as
    two independent conditions, expects a hundredth of the team's tickets and reads
    them all through a bitmap instead of walking the team's index."""
    visibility = _visibility_condition(user)
    stripped = queryset.all()
    where = stripped.query.where
    if where.connector == "AND" and not where.negated and visibility in where.children:
        where.children.remove(visibility)
    return stripped


def _visibility_condition(user: User):
    """The visibility filter as the list's query holds it (built once per user object:
    a page asks for it for its count and for its rows)."""
    condition = getattr(user, "_ticket_visibility_condition", None)
    if condition is None:
        condition = Ticket.objects.filter(ticket_visibility_filter(user)).query.where.children[0]
        user._ticket_visibility_condition = condition
    return condition
