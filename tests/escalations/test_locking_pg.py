"""Row locks between ticket services, the SLA sweep and the recompute, on PostgreSQL.

Everyone takes a ticket before its clocks: the services lock the ticket and then
its clocks, the sweep claims clocks together with their tickets and skips a
ticket someone holds. These tests run the two sides in threads, each on its own
connection, and force the interleaving that used to deadlock."""

import threading
from datetime import timedelta

import pytest
from django.db import transaction

from escalations.models import Escalation, SlaClock, SlaClockAlert, SlaPolicy
from escalations.services import escalate, managed, recompute, sweep
from escalations.services.sweep import sla_sweep
from tests.escalations.data import HANDOFF
from tests.factories import create_ticket
from tests.races import age_clocks, in_thread, on_postgresql
from tickets import services
from tickets.models import Ticket, TicketEvent, User

pytestmark = [
    on_postgresql,
    pytest.mark.django_db(transaction=True),
]


def reply(ticket, agent):
    services.comment_add(ticket=ticket, actor=agent, body="We are on it")


def wait_for_answer(ticket, agent):
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")


@pytest.mark.parametrize("service", [reply, wait_for_answer])
def test_ticket_service_and_sweep_on_the_same_ticket_both_finish(
    agent, policy, monkeypatch, service
):
    ticket = create_ticket(agent)
    services.ticket_transition(ticket=ticket, actor=agent, status="open")
    age_clocks(minutes=46)  # the first response is due for its warning
    claimed, service_holds_ticket = threading.Event(), threading.Event()
    real_claim, real_lock = sweep._claim, services.ticket_lock

    def claim(now, batch_size):
        clocks = real_claim(now, batch_size)
        if clocks:
            claimed.set()
            # The old interleaving: the service takes the ticket while the sweep
            # holds the clocks. Now the service waits for the sweep instead.
            service_holds_ticket.wait(timeout=2)
        return clocks

    def lock(ticket):
        locked = real_lock(ticket)
        service_holds_ticket.set()
        return locked

    monkeypatch.setattr(sweep, "_claim", claim)
    monkeypatch.setattr(services, "ticket_lock", lock)
    errors, results = [], []

    def run_service():
        assert claimed.wait(timeout=10)
        service(ticket, agent)

    threads = [
        in_thread(lambda: results.append(sla_sweep()), errors),
        in_thread(run_service, errors),
    ]
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert results[0].warnings == 1
    assert sla_sweep().warnings == 0  # recorded once
    first = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert first.warned_at is not None
    assert SlaClockAlert.objects.filter(clock=first, kind="warning").count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="sla_warning").count() == 1
    if service is reply:
        assert (first.status, first.met_at is not None) == ("met", True)
        assert ticket.comments.count() == 1
    else:
        assert first.status == "paused"
        assert Ticket.objects.get(pk=ticket.pk).status == "pending"
        assert SlaClock.objects.get(ticket=ticket, metric="resolution").status == "paused"


def test_sweep_skips_a_ticket_being_changed_and_records_it_later(agent, policy):
    ticket = create_ticket(agent)
    age_clocks(minutes=46)
    holding, release = threading.Event(), threading.Event()
    errors = []

    def service_in_progress():
        with transaction.atomic():
            services.ticket_lock(ticket)
            holding.set()
            release.wait(timeout=10)

    thread = in_thread(service_in_progress, errors)
    try:
        assert holding.wait(timeout=10)
        skipped = sla_sweep()
    finally:
        release.set()
        thread.join(timeout=10)
    assert errors == []
    assert (skipped.clocks, skipped.warnings) == (0, 0)
    assert sla_sweep().warnings == 1


def test_recompute_refreshes_tickets_as_they_are_now(agent, always_open, monkeypatch):
    fallback = SlaPolicy.objects.create(
        name="Fallback", first_response_minutes=60, resolution_minutes=480, calendar=always_open
    )
    SlaPolicy.objects.create(
        name="P1",
        priority="P1",
        first_response_minutes=15,
        resolution_minutes=120,
        calendar=always_open,
    )
    first, second = create_ticket(agent, title="first"), create_ticket(agent, title="second")
    fetched, edited = threading.Event(), threading.Event()
    real_refresh = recompute.sla_refresh

    def refresh(*, ticket, **kwargs):
        if ticket.pk == first.pk:
            fetched.set()
            # An agent raises the second ticket's priority meanwhile; it has to
            # wait for the batch, which holds the rows it is refreshing.
            edited.wait(timeout=2)
        real_refresh(ticket=ticket, **kwargs)

    monkeypatch.setattr(recompute, "sla_refresh", refresh)
    errors = []

    def raise_priority():
        assert fetched.wait(timeout=10)
        services.ticket_update(ticket=second, actor=agent, data={"impact": 1, "urgency": 1})
        edited.set()

    threads = [
        in_thread(lambda: recompute.clocks_recompute(policy_id=fallback.pk), errors),
        in_thread(raise_priority, errors),
    ]
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    second.refresh_from_db()
    assert second.priority == "P1"
    resolution = SlaClock.objects.select_related("policy").get(ticket=second, metric="resolution")
    assert resolution.policy.name == "P1"
    assert resolution.due_at == resolution.started_at + timedelta(hours=2)


def test_approving_while_the_ticket_is_resolved_both_finish(network_path, policy, monkeypatch):
    """Approval takes the ticket before the request, as resolving the ticket does (it
    then withdraws the request): the old order, request first, deadlocked."""
    agent1, boss = User.objects.get(username="agent1"), User.objects.get(username="manager")
    ticket = create_ticket(agent1)  # P3: the request into L2 waits for approval
    pending = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    decided, resolving = threading.Event(), threading.Event()
    real_decide = escalate._decide

    def decide(escalation, actor):
        locked = real_decide(escalation, actor)
        decided.set()
        resolving.wait(timeout=10)  # let the resolution run into what we hold
        threading.Event().wait(0.5)
        return locked

    monkeypatch.setattr(escalate, "_decide", decide)
    errors = []

    def resolve():
        assert decided.wait(timeout=10)
        resolving.set()
        services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")

    threads = [
        in_thread(lambda: escalate.escalation_approve(escalation=pending, actor=boss), errors),
        in_thread(resolve, errors),
    ]
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    ticket.refresh_from_db()
    pending.refresh_from_db()
    assert (ticket.status, ticket.level) == ("resolved", "L2")
    assert (pending.status, pending.decided_by) == ("closed", boss)


def test_a_managed_step_and_a_ticket_reopening_both_finish(network_path, policy, monkeypatch):
    """Reopening the ticket during monitoring reopens its managed escalation, holding
    the ticket first. A manager's step on the escalation meanwhile waits for the
    ticket before it takes the escalation; taking the escalation first deadlocked."""
    from django.utils import timezone

    agent1, boss = User.objects.get(username="agent1"), User.objects.get(username="manager")
    ticket = create_ticket(agent1, impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="MGMT", **HANDOFF)
    escalation = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    managed.managed_monitor(
        escalation=escalation, actor=boss, until=timezone.now() + timedelta(days=1)
    )
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    holding = threading.Event()
    real_lock = services.ticket_lock

    def lock(ticket):
        held = real_lock(ticket)
        if not holding.is_set():
            holding.set()
            threading.Event().wait(1)  # the manager's step starts meanwhile
        return held

    monkeypatch.setattr(services, "ticket_lock", lock)
    errors = []

    def add_action():
        assert holding.wait(timeout=10)
        managed.action_item_add(escalation=escalation, actor=boss, description="Replace it")

    threads = [
        in_thread(
            lambda: services.ticket_transition(ticket=ticket, actor=agent1, status="open"), errors
        ),
        in_thread(add_action, errors),
    ]
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    escalation.refresh_from_db()
    assert escalation.status == "active"
    assert escalation.action_items.count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
