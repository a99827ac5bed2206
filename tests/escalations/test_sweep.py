import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest

from escalations.models import SlaClock, SlaClockAlert
from escalations.services.sweep import sla_sweep
from tests.factories import create_ticket
from tests.races import on_postgresql
from tickets import events, services
from tickets.models import TicketEvent
from tickets.services import ticket_event_record

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_tickets(agent, count=1):
    return [create_ticket(agent, title=f"t{i}") for i in range(count)]


def test_nothing_due_does_nothing(agent, policy, frozen):
    make_tickets(agent, 3)
    result = sla_sweep(now=T0 + timedelta(minutes=1))
    assert (result.warnings, result.breaches, result.clocks) == (0, 0, 0)


def test_warning_then_breach_each_recorded_once(agent, policy, frozen):
    (ticket,) = make_tickets(agent)
    warned = sla_sweep(now=T0 + timedelta(minutes=45))
    assert (warned.warnings, warned.breaches) == (1, 0)
    assert sla_sweep(now=T0 + timedelta(minutes=46)).warnings == 0
    breached = sla_sweep(now=T0 + timedelta(minutes=60))
    assert (breached.warnings, breached.breaches) == (0, 1)
    first = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert first.status == "breached"
    assert first.next_action_at is None
    assert sla_sweep(now=T0 + timedelta(hours=1, minutes=1)).breaches == 0
    kinds = list(ticket.events.filter(kind__startswith="sla_").values_list("kind", flat=True))
    assert kinds == ["sla_warning", "sla_breach"]


def test_a_late_sweep_catches_up_on_everything_overdue(agent, policy, frozen):
    make_tickets(agent, 5)
    # The worker was down for a day: every warning and breach is still recorded once.
    result = sla_sweep(now=T0 + timedelta(days=1), batch_size=3)
    assert (result.warnings, result.breaches) == (10, 10)
    assert result.batches >= 4
    assert SlaClockAlert.objects.count() == 20


def test_paused_clock_is_not_breached(agent, policy, frozen):
    (ticket,) = make_tickets(agent)
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    assert sla_sweep(now=T0 + timedelta(days=3)).breaches == 0


def test_breach_is_handed_to_listeners_inside_the_transaction(agent, policy, frozen):
    seen = []

    def listener(*, clock, now):
        seen.append((clock.metric, now))

    events.subscribe(events.SLA_BREACH, listener, phase=events.Phase.FACTS)
    try:
        make_tickets(agent)
        sla_sweep(now=T0 + timedelta(hours=9))
    finally:
        events.unsubscribe(events.SLA_BREACH, listener)
    assert sorted(m for m, _ in seen) == ["first_response", "resolution"]


def test_a_failing_listener_is_logged_and_the_rest_of_the_batch_stands(
    agent, policy, frozen, caplog
):
    tickets = make_tickets(agent, 3)
    victim = tickets[1]

    def listener(*, clock, now):
        ticket_event_record(ticket=clock.ticket, actor=None, kind="sla", note="listener was here")
        if clock.ticket_id == victim.pk and clock.metric == "first_response":
            raise RuntimeError("listener bug")

    events.subscribe(events.SLA_BREACH, listener, phase=events.Phase.FACTS)
    try:
        with caplog.at_level(logging.ERROR, logger="escalations.services.sweep"):
            result = sla_sweep(now=T0 + timedelta(hours=9), batch_size=10)
        again = sla_sweep(now=T0 + timedelta(hours=10))
    finally:
        events.unsubscribe(events.SLA_BREACH, listener)
    assert (result.breaches, result.warnings) == (6, 6)
    assert SlaClockAlert.objects.filter(kind="breach").count() == 6
    assert not SlaClock.objects.exclude(state="breached_running").exists()
    assert (again.breaches, again.clocks) == (0, 0)
    # What the failing listener wrote is undone; the other listeners' work stands.
    written = TicketEvent.objects.filter(note="listener was here")
    assert written.count() == 5
    assert written.filter(ticket=victim).count() == 1
    failing = SlaClock.objects.get(ticket=victim, metric="first_response")
    (record,) = [r for r in caplog.records if r.exc_info]
    assert f"SLA clock {failing.pk}" in record.getMessage()
    assert "listener bug" in caplog.text


def test_an_already_warned_clock_keeps_its_warning_time(agent, policy, frozen):
    (ticket,) = make_tickets(agent)
    sla_sweep(now=T0 + timedelta(minutes=45))
    first = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert first.warned_at == T0 + timedelta(minutes=45)
    # A stale next action brings the warned clock back before it is due.
    SlaClock.objects.filter(pk=first.pk).update(next_action_at=T0 + timedelta(minutes=50))
    result = sla_sweep(now=T0 + timedelta(minutes=50))
    assert (result.warnings, result.breaches, result.clocks) == (0, 0, 1)
    first.refresh_from_db()
    assert first.warned_at == T0 + timedelta(minutes=45)
    assert first.next_action_at == first.due_at == T0 + timedelta(minutes=60)
    assert SlaClockAlert.objects.filter(clock=first).count() == 1


def test_stale_next_action_on_a_met_clock_is_cleared(agent, policy, frozen):
    (ticket,) = make_tickets(agent)
    SlaClock.objects.filter(ticket=ticket).update(state="met")
    result = sla_sweep(now=T0 + timedelta(days=1))
    assert result.breaches == 0
    assert not SlaClock.objects.filter(next_action_at__isnull=False).exists()


def test_sweep_query_count_does_not_grow_when_nothing_is_due(
    agent, policy, frozen, django_assert_num_queries
):
    make_tickets(agent, 10)
    # one indexed probe, inside a savepoint (the test's transaction), and the
    # queue rank's indexed update
    with django_assert_num_queries(4) as captured:
        sla_sweep(now=T0)
    assert sum("next_action_at" in q["sql"] for q in captured.captured_queries) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_sweepers_record_each_breach_once(agent, policy, frozen):
    make_tickets(agent, 40)
    barrier = threading.Barrier(4)
    results = []

    def sweeper():
        from django.db import connections

        barrier.wait()
        try:
            results.append(sla_sweep(now=T0 + timedelta(days=1), batch_size=5))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.breaches for r in results) == 80
    assert sum(r.warnings for r in results) == 80
    assert SlaClockAlert.objects.filter(kind="breach").count() == 80
    assert TicketEvent.objects.filter(kind="sla_breach").count() == 80


def test_the_breach_is_written_only_over_the_state_the_clock_was_claimed_in(
    agent, policy, frozen, monkeypatch
):
    from escalations.services import sweep

    (ticket,) = make_tickets(agent)
    real_claim = sweep._claim

    def claim(now, batch_size):
        clocks = real_claim(now, batch_size)
        # Met meanwhile (what a row lock rules out on PostgreSQL): the sweep's
        # update must not turn it back into a breach.
        SlaClock.objects.filter(pk__in=[c.pk for c in clocks]).update(state="met")
        return clocks

    monkeypatch.setattr(sweep, "_claim", claim)
    sla_sweep(now=T0 + timedelta(hours=9))
    states = set(SlaClock.objects.filter(ticket=ticket).values_list("state", flat=True))
    assert states == {"met"}
    breached_at = SlaClock.objects.filter(ticket=ticket).values_list("breached_at", flat=True)
    assert set(breached_at) == {None}
