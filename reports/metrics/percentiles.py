"""Percentiles per bucket and overall in one pass on PostgreSQL.

A report with percentiles per period bucket and for the whole period would
read and sort its rows twice (one query per grouping). On PostgreSQL
``GROUP BY GROUPING SETS`` computes both from one scan; SQLite, which has no
grouping sets, runs the two queries. Either way the number of queries is fixed.

Each value's median and p90 come from one ``percentile_cont(ARRAY[0.5, 0.9])``:
PostgreSQL sorts a group's values once for both fractions and interpolates
each exactly as the one-fraction ``percentile_cont`` does (the same
positions, the same linear interpolation), so the figures are those of
``percentile_cont(0.5)`` and ``percentile_cont(0.9)``, for one sort per value
and group instead of up to one per fraction.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

FRACTIONS = {"median": 0.5, "p90": 0.9}


def grouping_sets_supported() -> bool:
    return connection.vendor == "postgresql"


def percentiles_grouped(
    rows: QuerySet,
    *,
    sets: list[tuple[str, ...]],
    values: tuple[str, ...] = ("business", "wall"),
    counts: dict[str, tuple[str, str]] | None = None,
) -> list[dict]:
    """``rows`` is a ``values()`` queryset with the grouping columns and the
    ``values``; one dict per group of each of ``sets`` (a column not grouped is
    None, as in SQL), with ``n``, each count of ``counts`` (name: (column,
    value)) and ``<value>_median`` / ``<value>_p90``."""
    # Without the model's default ordering: it would sort (and join) for nothing.
    inner, params = rows.order_by().query.sql_with_params()
    return grouped_sql(inner, params, sets=sets, values=values, counts=counts)


def grouped_sql(
    inner: str,
    params,
    *,
    sets: list[tuple[str, ...]],
    values: tuple[str, ...] = ("business", "wall"),
    counts: dict[str, tuple[str, str]] | None = None,
) -> list[dict]:
    """``percentiles_grouped`` on the rows of the SQL ``inner``."""
    keys = sorted({key for group in sets for key in group})
    counts = counts or {}
    select = [*keys, "COUNT(*) AS n"]
    count_params = []
    for name, (column, value) in counts.items():
        select.append(f"COUNT(*) FILTER (WHERE {column} = %s) AS {name}")
        count_params.append(value)
    fractions = ", ".join(str(fraction) for fraction in FRACTIONS.values())
    for value in values:
        select.append(
            f"percentile_cont(ARRAY[{fractions}]) WITHIN GROUP (ORDER BY {value}) AS {value}"
        )
    grouping = ", ".join("(" + ", ".join(group) + ")" for group in sets)
    sql = (
        f"SELECT {', '.join(select)} FROM ({inner}) x "  # noqa: S608  (names from the code)
        f"GROUP BY GROUPING SETS ({grouping}) ORDER BY {', '.join(keys)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*count_params, *params])
        names = [column.name for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in found:
        for value in values:
            figures = row.pop(value)  # NULL when the group has no value
            for index, suffix in enumerate(FRACTIONS):
                row[f"{value}_{suffix}"] = figures[index] if figures is not None else None
    return found
