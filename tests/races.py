"""Helpers for tests that race real transactions against each other (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import F

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def in_thread(target, errors: list) -> threading.Thread:
    """Run ``target`` in a thread with its own database connection; an exception
    it raises is appended to ``errors`` for the test to report."""

    def run():
        try:
            target()
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def age_clocks(*, seconds: float = 0, minutes: float = 0) -> None:
    """Move every SLA clock back in time, as if that much time had passed."""
    from escalations.models import SlaClock

    delta = timedelta(seconds=seconds, minutes=minutes)
    SlaClock.objects.update(
        started_at=F("started_at") - delta,
        resumed_at=F("resumed_at") - delta,
        warn_at=F("warn_at") - delta,
        due_at=F("due_at") - delta,
        next_action_at=F("next_action_at") - delta,
    )
