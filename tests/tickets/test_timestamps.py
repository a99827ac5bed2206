import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from tickets.timestamps import TIMESTAMPTZ_OID, c_loader

# As PostgreSQL writes them in the session's zone (UTC for Django's connections),
# and some it writes in other zones (the loaders must agree on those too).
STAMPS = [
    "2026-11-30 14:05:01.123456+00",
    "2026-11-30 14:05:01.5+00",
    "2026-11-30 14:05:01+00",
    "1999-12-31 23:59:59.999999+00",
    "2026-03-29 01:00:00+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2026-06-30 12:00:00+05:30",
    "2026-06-30 12:00:00-03",
]
SELECT = "SELECT x::timestamptz, %s::timestamptz FROM unnest(%s::text[]) AS x"


@pytest.mark.django_db
def test_postgresql_timestamps_are_read_as_djangos_loader_reads_them():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    if c_loader() is None:
        pytest.skip("psycopg without its C extension")
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0)
    assert loader.__name__ == "FastTzLoader"
    params = ["2026-11-30T14:05:01.654321+00:00", STAMPS]
    with connection.cursor() as cursor:
        cursor.execute(SELECT, params)
        fast = cursor.fetchall()
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)  # Django's own, this cursor only
        cursor.execute(SELECT, params)
        django = cursor.fetchall()
    assert fast == django
    assert [str(row[0].tzinfo) for row in fast] == [str(connection.timezone)] * len(STAMPS)
