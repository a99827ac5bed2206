"""Faster text arrays for bulk inserts on PostgreSQL.

Django 5.2 sends a bulk insert on PostgreSQL as ``INSERT ... SELECT * FROM
UNNEST(%s::type[], ...)``: one array per column. Its client-side cursor writes
each array as a text literal, and psycopg's list dumper escapes the quotes and
backslashes of every element with ``re.sub`` and a template, which Python expands
match by match: the JSON of an outbox delivery (every quote in it) or an audit
entry's values cost more CPU there than everything else in the insert. The dumper
below writes the same bytes, escaping with ``bytes.replace``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg.types.array import ListDumper


class TextArrayDumper(ListDumper):
    """psycopg's text list dumper, with the same output (pinned by
    ``tests/tickets/test_arrays.py`` against psycopg's own)."""

    def _dump_list(
        self, obj: list[Any], tokens: list, needs_quotes: Callable[[bytes], object]
    ) -> None:
        if not obj:
            tokens.append(b"{}")
            return
        dump = self.sub_dumper.dump if self.sub_dumper else self._dump_item
        delimiter = self.delimiter
        tokens.append(b"{")
        for item in obj:
            if item is None:
                tokens.append(b"NULL")
            elif isinstance(item, list):
                self._dump_list(item, tokens, needs_quotes)
            elif (dumped := dump(item)) is None:
                tokens.append(b"NULL")
            else:
                if needs_quotes(dumped):
                    escaped = bytes(dumped).replace(b"\\", b"\\\\").replace(b'"', b'\\"')
                    dumped = b'"' + escaped + b'"'
                tokens.append(dumped)
            tokens.append(delimiter)
        tokens[-1] = b"}"


def register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: use the dumper on a new PostgreSQL connection."""
    if connection.vendor == "postgresql":
        connection.connection.adapters.register_dumper(list, TextArrayDumper)
