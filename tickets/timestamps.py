"""Faster reading of ``timestamptz`` columns on PostgreSQL.

Django 5.2 reads ``timestamptz`` values with a loader derived from psycopg's
pure-Python ``TimestamptzLoader`` (it sets the time zone Django expects on each
value), and that replaces the C loader ``psycopg[binary]`` would use: a regular
expression and a dozen ``int()`` calls per value (Django ticket #36960, psycopg
issue #1273). A page of the ticket list reads about 700 of them, a tenth of its
CPU. The loader below parses with psycopg's C loader and sets the time zone as
Django's does: the same values (pinned by ``tests/tickets/test_timestamps.py``
against Django's own loader).

psycopg's C loader cannot be subclassed; it is found with the private
``AdaptersMap._get_optimised`` (psycopg is pinned in pyproject.toml). Without it
(the pure-Python psycopg) nothing changes.
"""

from __future__ import annotations

from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg import adapters
from psycopg.types.datetime import TimestamptzLoader

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid


def c_loader() -> type | None:
    """psycopg's C ``TimestamptzLoader``, or None where there is none."""
    finder = getattr(adapters, "_get_optimised", None)
    if finder is None:
        return None
    optimised = finder(TimestamptzLoader)
    return None if optimised is TimestamptzLoader else optimised


def fast_loader(zone, parser: type) -> type[BaseTzLoader]:
    """Django's loader for ``zone`` (a ``BaseTzLoader``, as Django checks its
    ``timezone``), parsing with ``parser``."""

    class FastTzLoader(BaseTzLoader):
        timezone = zone

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = parser(oid, context).load

        def load(self, data):
            return self._parse(data).replace(tzinfo=self.timezone)

    return FastTzLoader


def register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: a new PostgreSQL connection reads its
    timestamps with the C parser."""
    if connection.vendor != "postgresql":
        return
    parser = c_loader()
    if parser is None:
        return
    connection.connection.adapters.register_loader(
        TIMESTAMPTZ_OID, fast_loader(connection.timezone, parser)
    )
