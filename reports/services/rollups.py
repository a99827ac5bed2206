"""Escalation facts and their daily rollups, kept incrementally.

A change that can move an escalation in a report (an escalation step: made,
approved, rejected, reviewed ...; a ticket's team, category, priority or
organization changing) refreshes the facts of that ticket: its escalations are
read again with the ticket's current columns, compared with the facts stored
for it, and the difference is added to the daily rollup, in one UPSERT
(``INSERT ... ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n``). On PostgreSQL the
read, the fact upsert and the rollup upsert are one statement; on SQLite two.
In a batch job (the SLA sweep) the tickets are collected and refreshed once,
together, when the batch is flushed: the sweep's statements per batch grow by
one, not per ticket.

Because each refresh adds "what the ticket's escalations count now" minus
"what its stored facts counted", refreshing any set of tickets again changes
nothing, and a rebuild (``rollups_rebuild``) is the same refresh over ranges of
ticket ids: resumable, and it converges on the plain aggregates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from escalations.models import Escalation, EscalationReview
from reports.models import EscalationDay, EscalationFact
from tickets import batch
from tickets.models import Ticket, User

# The ticket columns a fact carries: a change of one of them moves the facts.
FACT_FIELDS = frozenset({"team", "category", "priority", "organization"})

_FACT_COLUMNS = (
    "escalation_id, ticket_id, created_at, team_id, category_id, organization_id, priority, "
    "kind, trigger, status, from_tier, to_tier, decided, decided_at, root_cause"
)
_KEY = "day, team_id, category_id, organization_id, priority, level, kind, trigger"


def _tables() -> dict[str, str]:
    return {
        "fact": EscalationFact._meta.db_table,
        "day": EscalationDay._meta.db_table,
        "esc": Escalation._meta.db_table,
        "ticket": Ticket._meta.db_table,
        "review": EscalationReview._meta.db_table,
    }


def _utc_day(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"  # SQLite keeps UTC text


# The SQL below is put together from table and column names of the models and
# fixed fragments only; every value is a parameter.


def _facts_select(where: str) -> str:
    """The facts of the escalations ``where`` picks (``e`` escalation, ``t`` ticket)."""
    tables = _tables()
    return f"""
        SELECT e.id AS escalation_id, e.ticket_id, e.created_at, t.team_id, t.category_id,
               t.organization_id, t.priority, e.kind, e.trigger, e.status, e.from_tier,
               e.to_tier, e.decided_by_id IS NOT NULL AS decided, e.decided_at,
               COALESCE(r.root_cause_category, '') AS root_cause
        FROM {tables["esc"]} e
        JOIN {tables["ticket"]} t ON t.id = e.ticket_id
        LEFT JOIN {tables["review"]} r ON r.escalation_id = e.id
        WHERE {where}"""  # noqa: S608


def _keyed(source: str, sign: int) -> str:
    return f"""
        SELECT {_utc_day(source + ".created_at")} AS day,
               COALESCE({source}.team_id, 0) AS team_id,
               COALESCE({source}.category_id, 0) AS category_id,
               COALESCE({source}.organization_id, 0) AS organization_id,
               {source}.priority, {source}.to_tier AS level, {source}.kind, {source}.trigger,
               {sign} AS n
        FROM {source}"""  # noqa: S608


def _upsert_day(new: str, old: str, ctes: str = "") -> str:
    """Add (facts ``new``) minus (facts ``old``) to the rollup, key by key."""
    day = _tables()["day"]
    return f"""
        INSERT INTO {day} ({_KEY}, n) {ctes}
        SELECT {_KEY}, SUM(n) FROM ({_keyed(new, 1)} UNION ALL {_keyed(old, -1)}) d
        WHERE true GROUP BY {_KEY} HAVING SUM(n) <> 0 ORDER BY {_KEY}
        ON CONFLICT ({_KEY}) DO UPDATE SET n = {day}.n + EXCLUDED.n"""  # noqa: S608


def _upsert_facts(select: str) -> str:
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _FACT_COLUMNS.split(", ")[1:])
    return f"""
        INSERT INTO {_tables()["fact"]} ({_FACT_COLUMNS}) {select}
        ON CONFLICT (escalation_id) DO UPDATE SET {updates}"""


def _refresh(where: str, params: list) -> int:
    """Refresh the facts of the escalations on the tickets ``where`` picks (a
    condition on ``{col}``, the ticket id), and add the difference to the
    rollup. Returns the rollup rows changed."""
    new = _facts_select(where.format(col="e.ticket_id"))
    old = f"SELECT * FROM {_tables()['fact']} WHERE " + where.format(col="ticket_id")  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: every part of it sees the facts as they were before.
            kept = _upsert_facts("SELECT * FROM new")
            sql = f"WITH new AS ({new}), old AS ({old}), kept AS ({kept}) "
            cursor.execute(sql + _upsert_day("new", "old"), [*params, *params])
            return cursor.rowcount
        # The common table expressions inside the INSERT: SQLite counts its rows then.
        ctes = f"WITH new AS ({new}), old AS ({old})"
        cursor.execute(_upsert_day("new", "old", ctes), [*params, *params])
        changed = cursor.rowcount
        cursor.execute(_upsert_facts(f"SELECT * FROM ({new}) WHERE true"), params)  # noqa: S608
        return changed


def escalation_facts_refresh(*, ticket_ids: Iterable[int]) -> None:
    """Bring the facts and the daily rollup of these tickets up to date."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return
    if connection.vendor == "postgresql":
        _refresh("{col} = ANY(%s)", [ids])
    else:
        _refresh("{col} IN (" + ", ".join(["%s"] * len(ids)) + ")", ids)


def _touch(ticket_id: int) -> None:
    touched = batch.memo("escalation-facts", set)
    touched.add(ticket_id)
    if not batch.on_flush("escalation-facts", lambda: _flush(touched)):
        _flush(touched)


def _flush(touched: set[int]) -> None:
    escalation_facts_refresh(ticket_ids=touched)
    touched.clear()


def on_escalation_step(*, escalation: Escalation, actor: User | None, step, what: str) -> None:
    """Made, decided, reviewed ...: the ticket's facts follow."""
    _touch(escalation.ticket_id)


def on_ticket_changed(*, ticket: Ticket, actor: User | None, fields: Iterable[str]) -> None:
    """A ticket moved to another team, category, priority or organization: its
    escalations are counted there from now on."""
    if FACT_FIELDS & set(fields):
        _touch(ticket.pk)


@dataclass
class Progress:
    tickets_to: int  # the last ticket id of the batch
    rows: int  # rollup rows changed


def rollups_rebuild(
    *, batch_size: int = 50_000, after_id: int = 0, from_scratch: bool = False
) -> Iterator[Progress]:
    """Refresh the facts of every ticket in id ranges of ``batch_size``, each in
    its own transaction (stopping loses at most the range under way; start again
    with ``after_id``). ``from_scratch`` empties facts and rollups first, for a
    rollup that no longer matches its facts."""
    if from_scratch:
        with transaction.atomic():
            EscalationDay.objects.all().delete()
            EscalationFact.objects.all().delete()
    ids = Ticket.objects.filter(pk__gt=after_id).values_list("pk", flat=True)
    first, last = ids.order_by("pk").first(), ids.order_by("-pk").first()
    if first is None:
        return
    low = first - 1
    while low < last:
        high = low + batch_size
        with transaction.atomic():
            rows = _refresh("{col} > %s AND {col} <= %s", [low, high])
        yield Progress(tickets_to=min(high, last), rows=rows)
        low = high
