"""The SQL that keeps a fact table and its daily rollup in step, for any pair
described by a ``Spec`` (escalations, SLA clocks).

``refresh(spec, where, params)`` reads the facts of the tickets ``where`` picks
(or, with ``rows=True``, of the fact rows it picks: a breach moves one clock,
not its ticket's others) from the live tables ("new"), compares them with the
stored facts ("old"), adds new minus old to the rollup key by key with one
UPSERT (``INSERT ... ON CONFLICT DO UPDATE SET m = m + EXCLUDED.m``) and stores
the new facts that differ from the old. On PostgreSQL all of it is one
statement (every part sees the facts as they were before it); SQLite runs two.
Refreshing the same tickets again changes nothing.

A spec may keep further rollups of the same facts (``Rollup``, e.g. the
resolutions' histograms per day): on PostgreSQL their UPSERTs are more parts of
the same statement; a rollup kept on PostgreSQL only is left out on SQLite.

The SQL is put together from table and column names of the models and fixed
fragments of the code only; every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from reports.models.rollups import RESOLUTION_BIN_WIDTH


@dataclass(frozen=True)
class Rollup:
    """A further rollup of a spec's facts: ``spread`` (SQL after ``FROM <facts> s``)
    may give a fact several rows, ``where`` keeps some."""

    day_table: Callable[[], str]
    key: tuple[tuple[str, str], ...]
    measures: tuple[tuple[str, str], ...]
    spread: str = ""
    where: str = ""
    postgresql_only: bool = False


@dataclass(frozen=True)
class Spec:
    fact_table: Callable[[], str]
    fact_columns: tuple[str, ...]  # the first is the primary key
    select: Callable[[str], str]  # the live facts for a condition on ``{col}`` (ticket id)
    ticket_column: str  # ``{col}`` in ``select``
    row_column: str  # the fact's own key in ``select`` (its first column)
    day_table: Callable[[], str]
    key: tuple[tuple[str, str], ...]  # rollup column, expression over the fact ``s``
    measures: tuple[tuple[str, str], ...]
    more: tuple[Rollup, ...] = ()
    # As a ``Rollup``'s: rows per fact and which count in the spec's own rollup.
    spread: str = ""
    where: str = ""
    postgresql_only: bool = False  # facts and rollups kept on PostgreSQL only
    # More to keep from the same tickets once their facts are refreshed, called
    # with the refresh's condition on ``{col}`` (the ticket id) and its values.
    then: Callable[[str, list], None] | None = None


def histogram_bin(seconds: str) -> str:
    """The histogram bin of ``seconds`` (SQL, PostgreSQL): never decreasing
    with the value, so the values of a lower bin are all below a higher bin's."""
    return f"floor(sqrt(GREATEST({seconds}, 0)) / {RESOLUTION_BIN_WIDTH})::int"


def utc_day(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"  # SQLite keeps UTC text


def _keyed(spec: Spec | Rollup, source: str, sign: int) -> str:
    columns = [f"{expr} AS {name}" for name, expr in spec.key]
    columns += [f"{sign} * ({expr}) AS {name}" for name, expr in spec.measures]
    where = f" WHERE {spec.where}" if spec.where else ""
    return f"SELECT {', '.join(columns)} FROM {source} s {spec.spread}{where}"  # noqa: S608


def _upsert_day(spec: Spec | Rollup, ctes: str = "") -> str:
    day = spec.day_table()
    keys = ", ".join(name for name, _ in spec.key)
    names = [name for name, _ in spec.measures]
    sums = ", ".join(f"SUM({m})" for m in names)
    nonzero = " OR ".join(f"SUM({m}) <> 0" for m in names)
    adds = ", ".join(f"{m} = {day}.{m} + EXCLUDED.{m}" for m in names)
    return f"""
        INSERT INTO {day} ({keys}, {", ".join(names)}) {ctes}
        SELECT {keys}, {sums}
        FROM ({_keyed(spec, "new", 1)} UNION ALL {_keyed(spec, "old", -1)}) d
        WHERE true GROUP BY {keys} HAVING {nonzero} ORDER BY {keys}
        ON CONFLICT ({keys}) DO UPDATE SET {adds}"""  # noqa: S608


def _upsert_facts(spec: Spec, select: str) -> str:
    pk, *rest = spec.fact_columns
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)
    return f"""
        INSERT INTO {spec.fact_table()} ({", ".join(spec.fact_columns)}) {select}
        ON CONFLICT ({pk}) DO UPDATE SET {updates}"""


def _changed(spec: Spec) -> str:
    """The new facts that are not stored as they are (a ticket's clocks that did
    not move keep their rows untouched: no new row version, no index entry)."""
    pk, *rest = spec.fact_columns
    fresh = ", ".join(f"n.{c}" for c in rest)
    stored = ", ".join(f"o.{c}" for c in rest)
    return f"""
        SELECT n.* FROM new n LEFT JOIN old o ON o.{pk} = n.{pk}
        WHERE o.{pk} IS NULL OR ({fresh}) IS DISTINCT FROM ({stored})"""  # noqa: S608


def refresh(spec: Spec, where: str, params: list, *, rows: bool = False) -> int:
    """Refresh the facts of the tickets ``where`` picks (a condition on
    ``{col}``, the ticket id; with ``rows``, the fact's own key) and add the
    difference to the rollup, then what the spec keeps ``then`` (for tickets).
    Returns the rollup rows changed."""
    changed = _refresh(spec, where, params, rows=rows)
    if spec.then is not None and not rows:
        spec.then(where, params)
    return changed


def _refresh(spec: Spec, where: str, params: list, *, rows: bool) -> int:
    if rows:
        new = spec.select(where.format(col=spec.row_column))
        old_where = where.format(col=spec.fact_columns[0])
    else:
        new = spec.select(where.format(col=spec.ticket_column))
        old_where = where.format(col="ticket_id")
    old = f"SELECT * FROM {spec.fact_table()} WHERE " + old_where  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            kept = _upsert_facts(spec, _changed(spec))
            sql = f"WITH new AS ({new}), old AS ({old}), kept AS ({kept}) "
            if not spec.more:
                cursor.execute(sql + _upsert_day(spec), [*params, *params])
                return cursor.rowcount
            parts = [_upsert_day(rollup) for rollup in (spec, *spec.more)]
            sql += "".join(f", day{i} AS ({part} RETURNING 1)" for i, part in enumerate(parts))
            counted = " + ".join(f"(SELECT COUNT(*) FROM day{i})" for i in range(len(parts)))  # noqa: S608
            cursor.execute(f"{sql} SELECT {counted}", [*params, *params])
            return cursor.fetchone()[0]
        # The common table expressions inside the INSERT: SQLite counts its rows then.
        ctes = f"WITH new AS ({new}), old AS ({old})"
        changed = 0
        for rollup in (spec, *(r for r in spec.more if not r.postgresql_only)):
            cursor.execute(_upsert_day(rollup, ctes), [*params, *params])
            changed += cursor.rowcount
        cursor.execute(_upsert_facts(spec, f"SELECT * FROM ({new}) WHERE true"), params)  # noqa: S608
        return changed
