"""The sweep under faults, with real Celery workers and beats on PostgreSQL and
Redis: two beats and three workers sweeping the same clocks, a worker killed
mid-sweep, database connections terminated mid-sweep. Every warning, breach,
escalation, audit entry and message is counted per clock: exactly once, none lost.
"""

import threading
import time

from django.db import connection
from django.db.models import Count

from escalations.models import Escalation, SlaClock, SlaClockAlert
from notifications.models import Delivery, EventKind, Notification
from tests.factories import create_ticket
from tests.races import age_clocks
from tests.workers import needs_broker, wait_for
from tickets.models import Ticket, TicketEvent, User

pytestmark = needs_broker
TICKETS = 120


def due_escalations():
    """``TICKETS`` tickets on the network path whose L1 time limit (30 min) ran
    out: per ticket a level warning, a level breach and an escalation to L2."""
    agent = User.objects.get(username="agent1")
    for n in range(TICKETS):
        create_ticket(agent, title=f"fault {n}", impact=2, urgency=2)
    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    age_clocks(minutes=31)


def sweepers(celery_processes, tmp_path, *, workers=3, beats=2):
    """Workers of the enforcement queue, small batches so a sweep takes a while."""
    small = {"SLA_SWEEP_BATCH_SIZE": "10", "SLA_SWEEP_CHUNK_SIZE": "5"}
    started = [
        celery_processes.worker(concurrency=1, queues="enforcement", **small)
        for _ in range(workers)
    ]
    for n in range(beats):
        celery_processes.start(
            "beat",
            "--loglevel=INFO",
            f"--schedule={tmp_path / f'beat-schedule-{n}'}",
            SLA_SWEEP_INTERVAL="1",
        )
    return started


def all_done():
    return (
        Escalation.objects.count() >= TICKETS
        and SlaClockAlert.objects.filter(kind="breach").count() >= TICKETS
    )


def assert_exactly_once():
    """Per clock and per ticket: each record once, nothing missing."""
    level = SlaClock.objects.filter(metric="level")
    assert level.count() == TICKETS
    alerts = SlaClockAlert.objects.values("clock_id", "cycle", "kind").annotate(n=Count("id"))
    assert {a["n"] for a in alerts} == {1}
    assert SlaClockAlert.objects.filter(kind="warning", cycle=1).count() == TICKETS
    assert SlaClockAlert.objects.filter(kind="breach", cycle=1).count() == TICKETS
    # One escalation a ticket, L1 -> L2, and every ticket at L2 on a new level cycle.
    per_ticket = Escalation.objects.values("ticket_id").annotate(n=Count("id"))
    assert len(per_ticket) == TICKETS
    assert {e["n"] for e in per_ticket} == {1}
    assert set(Ticket.objects.values_list("level", flat=True)) == {"L2"}
    assert set(level.values_list("cycle", "state").distinct()) == {(2, "running")}
    # The audit trail: the warning, the breach and the escalation step once each.
    for kind, field in [("sla_warning", "sla:level"), ("sla_breach", "sla:level")]:
        rows = TicketEvent.objects.filter(kind=kind, field=field)
        counts = rows.values("ticket_id").annotate(n=Count("id"))
        assert len(counts) == TICKETS, kind
        assert {c["n"] for c in counts} == {1}, kind
    steps = TicketEvent.objects.filter(kind="escalation", field__startswith="escalation:")
    counts = steps.values("ticket_id", "field").annotate(n=Count("id"))
    assert len(counts) == TICKETS
    assert {c["n"] for c in counts} == {1}
    # Messages: each person told of each warning and escalation once.
    for kind in (EventKind.SLA_WARNING, EventKind.ESCALATED):
        told = Notification.objects.filter(kind=kind)
        counts = told.values("ticket_id", "recipient_id").annotate(n=Count("id"))
        assert {c["n"] for c in counts} == {1}, kind
        assert told.values("ticket_id").distinct().count() == TICKETS, kind
    # E-mails (by default for escalations, not for warnings): one per person per event.
    mails = Delivery.objects.filter(kind=EventKind.ESCALATED, channel="email")
    per_address = mails.values("event_id", "address").annotate(n=Count("id"))
    assert {c["n"] for c in per_address} == {1}
    assert mails.values("event_id").distinct().count() == TICKETS
    assert mails.count() == Notification.objects.filter(kind=EventKind.ESCALATED).count()


def test_two_beats_three_workers_and_a_worker_killed_mid_sweep(
    celery_processes, tmp_path, network_path, policy
):
    due_escalations()
    workers = sweepers(celery_processes, tmp_path)
    wait_for(
        lambda: Escalation.objects.count() >= 10,
        timeout=90,
        interval=0.05,
        message=celery_processes.logs,
    )
    celery_processes.kill(workers[0])
    killed_at = Escalation.objects.count()
    wait_for(all_done, timeout=120, interval=0.5, message=celery_processes.logs)
    time.sleep(3)  # more sweeps from both beats, with nothing left to do
    assert killed_at < TICKETS, "the sweep finished before the kill"
    assert_exactly_once()


def test_database_connections_terminated_mid_sweep(
    celery_processes, tmp_path, network_path, policy
):
    due_escalations()
    sweepers(celery_processes, tmp_path)
    wait_for(
        lambda: Escalation.objects.count() >= 5,
        timeout=90,
        interval=0.05,
        message=celery_processes.logs,
    )
    stop, terminated = threading.Event(), []
    with connection.cursor() as cursor:  # the test's own connection is spared
        cursor.execute("SELECT pg_backend_pid()")
        (ours,) = cursor.fetchone()

    def terminate_connections():
        from django.db import connections

        try:
            while not stop.wait(0.3):
                with connections["default"].cursor() as cursor:
                    cursor.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND pid <> %s",
                        [ours],
                    )
                    terminated.append(cursor.fetchone()[0])
        finally:
            connections.close_all()

    killer = threading.Thread(target=terminate_connections)
    killer.start()
    try:
        time.sleep(6)
    finally:
        stop.set()
        killer.join()
    assert sum(terminated) > 0, "no connection was terminated"
    done_by_then = Escalation.objects.count()
    wait_for(all_done, timeout=120, interval=0.5, message=celery_processes.logs)
    time.sleep(3)
    assert done_by_then < TICKETS or "OperationalError" in celery_processes.logs()
    assert_exactly_once()
