"""Channels that send one outbox row: each takes a ``Delivery`` and returns an
``Outcome``; the delivery task records it, retries or gives up."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""
    # False for errors a retry cannot fix (a refused address, a 4xx other than 408/429).
    retryable: bool = True
