"""The stint facts and their daily histograms (time at level), described for
``rollup_sql``: the facts of a ticket are its stints that ended, read again
and compared with the stored ones on every refresh, as the escalation and
clock facts are.

The stints are written by the stint service (``reports.services.stints``)
and its backfill; the listeners of the FACTS phase run after the stint
service's, on the same events (a move of level or team, a status change), so
a refresh there sees the stint that ended. The backfill refreshes the tickets
of each batch it writes, and ``rebuild_rollups`` every ticket.
"""

from __future__ import annotations

from django.db import connection

from reports.models import LevelStint, StintDay, StintFact
from reports.services.rollup_sql import Spec, histogram_bin


def _bin(seconds: str) -> str:
    return f"CASE WHEN {seconds} IS NOT NULL THEN {histogram_bin(seconds)} END"


def _stints_select(where: str) -> str:
    return f"""
        SELECT st.id AS stint_id, st.ticket_id, st.left_at, st.team_id, st.level, st.how_left,
               st.business_seconds AS business, st.wall_seconds AS wall,
               {_bin("st.business_seconds")} AS business_bin,
               {_bin("st.wall_seconds")} AS wall_bin
        FROM {LevelStint._meta.db_table} st
        WHERE st.left_at IS NOT NULL AND {where}"""  # noqa: S608


def _firsts_sql(where: str) -> str:
    table = LevelStint._meta.db_table
    order = "ORDER BY st.entered_at, st.id"
    bounce = "st.how_left = 'de_escalated'"
    return f"""
        UPDATE {table} SET first_of_ticket = w.first_of_ticket,
                           first_at_level = w.first_at_level, first_bounce = w.first_bounce
        FROM (
            SELECT st.id,
                   ROW_NUMBER() OVER (PARTITION BY st.ticket_id {order}) = 1 AS first_of_ticket,
                   ROW_NUMBER() OVER (PARTITION BY st.ticket_id, st.level {order}) = 1
                       AS first_at_level,
                   {bounce} AND ROW_NUMBER() OVER (
                       PARTITION BY st.ticket_id, {bounce} {order}) = 1 AS first_bounce
            FROM {table} st
            WHERE {where.format(col="st.ticket_id")}
        ) w
        WHERE {table}.id = w.id
          AND ({table}.first_of_ticket, {table}.first_at_level, {table}.first_bounce)
              IS DISTINCT FROM (w.first_of_ticket, w.first_at_level, w.first_bounce)"""  # noqa: S608


def firsts_refresh(where: str, params: list) -> None:
    """Set the funnel's flags (``LevelStint.first_*``) of the stints of the
    tickets ``where`` picks (a condition on ``{col}``, the ticket id), after
    their stint facts (``STINTS.then``); only the stints whose flags change are written."""
    with connection.cursor() as cursor:
        cursor.execute(_firsts_sql(where), params)


# A rollup row's kind: "n" (every stint), the way it ended, or the value whose bin it counts.
KIND = "CASE k.kind WHEN 'how' THEN s.how_left ELSE k.kind END"
BIN = "CASE k.kind WHEN 'business' THEN s.business_bin WHEN 'wall' THEN s.wall_bin ELSE 0 END"

STINTS = Spec(
    fact_table=lambda: StintFact._meta.db_table,
    fact_columns=(
        *("stint_id", "ticket_id", "left_at", "team_id", "level", "how_left"),
        *("business", "wall", "business_bin", "wall_bin"),
    ),
    select=_stints_select,
    ticket_column="st.ticket_id",
    row_column="st.id",
    day_table=lambda: StintDay._meta.db_table,
    key=(
        ("day", "__day__s.left_at"),
        ("team_id", "COALESCE(s.team_id, 0)"),
        ("level", "s.level"),
        ("kind", KIND),
        ("bin", BIN),
    ),
    measures=(("n", "1"),),
    spread="CROSS JOIN (VALUES ('n'), ('how'), ('business'), ('wall')) k(kind)",
    # A stint counts once in "n", once under the way it ended (if it did say),
    # and once in the histogram of each value it has.
    where=f"(k.kind <> 'how' OR s.how_left <> '') AND ({BIN}) IS NOT NULL",
    postgresql_only=True,
    then=firsts_refresh,
)
STINT_MODELS = (StintDay, StintFact)  # the rollup, then its facts
