from types import SimpleNamespace

import pytest
from django.db import connection
from psycopg import adapt, postgres
from psycopg.types.array import ListDumper
from psycopg.types.json import Jsonb

from tickets.arrays import TextArrayDumper

VALUES = [
    [],
    [None],
    [1, 2, None, -3],
    ["", "NULL", "null", "plain", 'say "hi"', "back\\slash", 'both \\"', "a,b", "{x}", " sp"],
    ["\u2028 unicode space", "\u00e9t\u00e9", "\t\n"],
    [["nested", 'q"uote'], ["x", None]],
    [Jsonb({"text": 'He said "no" \\ twice', "n": [1, 2]}), Jsonb([]), None],
]


def _dump(dumper_class, value):
    adapters = adapt.AdaptersMap(postgres.adapters)
    adapters.register_dumper(list, dumper_class)
    transformer = adapt.Transformer(SimpleNamespace(adapters=adapters, connection=None))
    dumper = transformer.get_dumper(value, adapt.PyFormat.TEXT)
    return bytes(dumper.dump(value))


@pytest.mark.parametrize("value", VALUES)
def test_text_arrays_are_written_as_psycopg_writes_them(value):
    assert _dump(TextArrayDumper, value) == _dump(ListDumper, value)


@pytest.mark.django_db
def test_postgresql_connections_use_the_faster_dumper():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [['a "quoted" \\ value', None]])
        assert cursor.fetchone()[0] == ['a "quoted" \\ value', None]
    dumper = connection.connection.adapters.get_dumper(list, adapt.PyFormat.TEXT)
    assert dumper is TextArrayDumper
