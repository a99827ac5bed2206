"""``percentile_cont(value, fraction)`` for SQLite, so the reports' percentiles
are computed in the database there too, with PostgreSQL's definition (linear
interpolation between the two nearest ranks; NULLs ignored)."""

from __future__ import annotations

import math


class PercentileCont:
    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction) -> None:
        self.fraction = float(fraction)
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: add the aggregate to a new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("percentile_cont", 2, PercentileCont)
