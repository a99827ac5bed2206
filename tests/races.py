"""Helpers for tests that race real transactions against each other (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

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
