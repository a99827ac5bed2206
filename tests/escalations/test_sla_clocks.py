from datetime import UTC, datetime, time, timedelta

import pytest

from escalations.models import BusinessCalendar, EscalationLevel, SlaClock, SlaPolicy
from escalations.services import sla
from escalations.services.recompute import clocks_recompute
from escalations.services.sweep import sla_sweep
from tests.factories import create_ticket
from tickets import services
from tickets.models import User

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock_at(monkeypatch):
    """Freeze ``timezone.now`` for the services at a settable instant."""
    state = {"now": T0}

    def now():
        return state["now"]

    monkeypatch.setattr("django.utils.timezone.now", now)

    def set_to(moment):
        state["now"] = moment
        return moment

    return set_to


def clocks(ticket):
    return {c.metric: c for c in SlaClock.objects.filter(ticket=ticket)}


def test_creation_starts_first_response_and_resolution(agent, policy, clock_at):
    ticket = create_ticket(agent)
    found = clocks(ticket)
    assert set(found) == {"first_response", "resolution"}
    first = found["first_response"]
    assert (first.status, first.started_at) == ("running", T0)
    assert first.due_at == T0 + timedelta(minutes=60)
    assert first.warn_at == T0 + timedelta(minutes=45)
    assert first.next_action_at == first.warn_at
    assert found["resolution"].due_at == T0 + timedelta(hours=8)
    assert ticket.events.filter(kind="sla").count() == 2


def test_pending_pauses_and_resuming_moves_the_due_time(agent, policy, clock_at):
    ticket = create_ticket(agent)
    clock_at(T0 + timedelta(minutes=10))
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    resolution = clocks(ticket)["resolution"]
    assert resolution.status == "paused"
    assert resolution.business_used == timedelta(minutes=10)
    assert resolution.next_action_at is None
    clock_at(T0 + timedelta(hours=2, minutes=10))
    services.ticket_transition(ticket=ticket, actor=agent, status="open")
    resolution = clocks(ticket)["resolution"]
    assert resolution.status == "running"
    assert resolution.due_at == T0 + timedelta(hours=10)  # moved by the 2 paused hours
    # 10 minutes before the pause and one hour since: 8 h - 70 min left
    left = sla.remaining(resolution, T0 + timedelta(hours=3, minutes=10))
    assert left == timedelta(hours=6, minutes=50)


def test_first_public_reply_meets_first_response_and_starts_updates(agent, policy, clock_at):
    ticket = create_ticket(agent)
    clock_at(T0 + timedelta(minutes=5))
    services.comment_add(ticket=ticket, actor=agent, body="internal", is_public=False)
    assert clocks(ticket)["first_response"].status == "running"
    clock_at(T0 + timedelta(minutes=20))
    services.comment_add(ticket=ticket, actor=agent, body="We are on it")
    found = clocks(ticket)
    assert found["first_response"].status == "met"
    assert found["first_response"].business_used == timedelta(minutes=20)
    update = found["next_update"]
    assert (update.status, update.cycle) == ("running", 1)
    assert update.due_at == T0 + timedelta(minutes=50)


def test_each_public_update_meets_and_restarts_the_cadence(agent, policy, clock_at):
    ticket = create_ticket(agent)
    services.comment_add(ticket=ticket, actor=agent, body="first")
    clock_at(T0 + timedelta(minutes=25))
    services.comment_add(ticket=ticket, actor=agent, body="update")
    update = clocks(ticket)["next_update"]
    assert (update.status, update.cycle) == ("running", 2)
    assert update.due_at == T0 + timedelta(minutes=55)


def test_requester_reply_does_not_count_as_a_response(agent, requester, policy, clock_at):
    ticket = create_ticket(agent, requester_email=requester.email)
    services.comment_add(ticket=ticket, actor=requester, body="hello?")
    assert clocks(ticket)["first_response"].status == "running"


def test_resolve_meets_and_reopen_restarts_resolution_keeping_used_time(agent, policy, clock_at):
    ticket = create_ticket(agent)
    clock_at(T0 + timedelta(hours=1))
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    found = clocks(ticket)
    assert found["resolution"].status == "met"
    assert found["resolution"].business_used == timedelta(hours=1)
    clock_at(T0 + timedelta(hours=5))
    services.ticket_transition(ticket=ticket, actor=agent, status="open")
    resolution = clocks(ticket)["resolution"]
    assert resolution.status == "running"
    assert resolution.met_at is None
    assert resolution.due_at == T0 + timedelta(hours=5 + 7)


def test_priority_change_retargets_keeping_used_time(agent, policy, always_open, clock_at):
    SlaPolicy.objects.create(
        name="P1",
        priority="P1",
        first_response_minutes=15,
        resolution_minutes=120,
        calendar=always_open,
    )
    ticket = create_ticket(agent)
    clock_at(T0 + timedelta(minutes=30))
    services.ticket_update(ticket=ticket, actor=agent, data={"impact": 1, "urgency": 1})
    found = clocks(ticket)
    first = found["first_response"]
    assert first.policy.name == "P1"
    assert sla.used_now(first, T0 + timedelta(minutes=30)) == timedelta(minutes=30)
    assert first.due_at == T0 + timedelta(minutes=15)  # already past: the sweep breaches it
    assert found["resolution"].due_at == T0 + timedelta(hours=2)
    result = sla_sweep(now=T0 + timedelta(minutes=30))
    assert result.breaches == 1
    assert sla_sweep(now=T0 + timedelta(minutes=31)).breaches == 0
    assert clocks(ticket)["first_response"].status == "breached"


def test_override_priority_is_audited_and_retargets(agent, policy, always_open, clock_at):
    SlaPolicy.objects.create(
        name="P2",
        priority="P2",
        first_response_minutes=30,
        resolution_minutes=240,
        calendar=always_open,
    )
    ticket = create_ticket(agent)
    ticket = services.ticket_override_priority(
        ticket=ticket, actor=agent, priority="P2", reason="CEO is affected"
    )
    assert (ticket.priority, ticket.priority_override) == ("P2", "P2")
    assert "CEO is affected" in ticket.events.get(kind="priority").note
    assert clocks(ticket)["first_response"].due_at == T0 + timedelta(minutes=30)
    services.ticket_update(ticket=ticket, actor=agent, data={"impact": 4, "urgency": 4})
    ticket.refresh_from_db()
    assert ticket.priority == "P2"  # the override holds while set


def test_no_policy_means_no_clocks(agent, db):
    ticket = create_ticket(agent)
    assert not SlaClock.objects.filter(ticket=ticket).exists()


def test_breached_clock_keeps_counting_until_the_first_reply_meets_it(agent, policy, clock_at):
    ticket = create_ticket(agent)
    sla_sweep(now=clock_at(T0 + timedelta(minutes=60)))
    first = clocks(ticket)["first_response"]
    assert first.status == "breached"
    assert sla.used_now(first, T0 + timedelta(minutes=90)) == timedelta(minutes=90)
    assert sla.remaining(first, T0 + timedelta(minutes=90)) == timedelta(minutes=-30)
    clock_at(T0 + timedelta(minutes=100))
    services.comment_add(ticket=ticket, actor=agent, body="Sorry for the wait")
    first = clocks(ticket)["first_response"]
    assert (first.status, first.met_at) == ("breached", T0 + timedelta(minutes=100))
    assert first.business_used == timedelta(minutes=100)
    assert sla.used_now(first, T0 + timedelta(hours=5)) == timedelta(minutes=100)
    assert sla.clock_state(first, T0 + timedelta(hours=5)) == "breached"
    assert "First public reply" in ticket.events.filter(field="sla:first_response").last().note


def test_pending_stops_a_breached_clock_counting_and_leaving_it_resumes(agent, policy, clock_at):
    ticket = create_ticket(agent)
    sla_sweep(now=clock_at(T0 + timedelta(minutes=60)))
    clock_at(T0 + timedelta(minutes=70))
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    first = clocks(ticket)["first_response"]
    assert (first.status, first.business_used) == ("breached", timedelta(minutes=70))
    assert sla.used_now(first, T0 + timedelta(hours=3)) == timedelta(minutes=70)
    clock_at(T0 + timedelta(hours=3))
    services.ticket_transition(ticket=ticket, actor=agent, status="open")
    first = clocks(ticket)["first_response"]
    assert first.status == "breached"
    assert first.next_action_at is None  # breached once, never again
    assert sla.used_now(first, T0 + timedelta(hours=3, minutes=10)) == timedelta(minutes=80)


def test_reopened_ticket_counts_a_breached_resolution_again(agent, policy, clock_at):
    ticket = create_ticket(agent)
    sla_sweep(now=clock_at(T0 + timedelta(hours=8)))
    clock_at(T0 + timedelta(hours=9))
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    resolution = clocks(ticket)["resolution"]
    assert (resolution.status, resolution.business_used) == ("breached", timedelta(hours=9))
    clock_at(T0 + timedelta(hours=10))
    services.ticket_transition(ticket=ticket, actor=agent, status="open")
    resolution = clocks(ticket)["resolution"]
    assert (resolution.status, resolution.met_at) == ("breached", None)
    assert sla.used_now(resolution, T0 + timedelta(hours=11)) == timedelta(hours=10)


def test_reopen_starts_a_new_cycle_of_the_level_clock(network_path, policy, clock_at):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1)
    clock_at(T0 + timedelta(minutes=10))
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    assert clocks(ticket)["level"].status == "met"
    clock_at(T0 + timedelta(minutes=20))
    services.ticket_transition(ticket=ticket, actor=agent1, status="open")
    level = clocks(ticket)["level"]
    assert (level.status, level.cycle) == ("running", 2)
    assert level.due_at == T0 + timedelta(minutes=50)
    sla_sweep(now=clock_at(T0 + timedelta(minutes=50)))
    ticket.refresh_from_db()
    assert ticket.level == "L2"


def test_reopen_at_a_level_without_time_limit_leaves_the_level_clock_met(
    network_path, policy, clock_at
):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1)
    EscalationLevel.objects.filter(path=network_path, position=1).update(time_limit_minutes=None)
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    services.ticket_transition(ticket=ticket, actor=agent1, status="open")
    assert clocks(ticket)["level"].status == "met"


def test_priority_rise_starts_updates_at_the_new_policys_cadence(agent, always_open, clock_at):
    SlaPolicy.objects.create(
        name="Fallback", first_response_minutes=60, resolution_minutes=480, calendar=always_open
    )
    SlaPolicy.objects.create(
        name="P1",
        priority="P1",
        first_response_minutes=15,
        next_update_minutes=30,
        resolution_minutes=120,
        calendar=always_open,
    )
    ticket = create_ticket(agent)
    clock_at(T0 + timedelta(minutes=5))
    services.comment_add(ticket=ticket, actor=agent, body="Looking")
    assert "next_update" not in clocks(ticket)  # the fallback sets no cadence
    clock_at(T0 + timedelta(minutes=10))
    services.ticket_update(ticket=ticket, actor=agent, data={"impact": 1, "urgency": 1})
    update = clocks(ticket)["next_update"]
    assert (update.policy.name, update.status) == ("P1", "running")
    assert update.due_at == T0 + timedelta(minutes=40)
    clock_at(T0 + timedelta(minutes=20))
    services.comment_add(ticket=ticket, actor=agent, body="Update")
    update = clocks(ticket)["next_update"]
    assert (update.cycle, update.due_at) == (2, T0 + timedelta(minutes=50))


def test_public_reply_cycles_updates_with_the_policy_that_governs_now(agent, always_open, clock_at):
    fallback = SlaPolicy.objects.create(
        name="Fallback",
        first_response_minutes=60,
        next_update_minutes=60,
        resolution_minutes=480,
        calendar=always_open,
    )
    ticket = create_ticket(agent)
    services.comment_add(ticket=ticket, actor=agent, body="Looking")
    assert clocks(ticket)["next_update"].target == timedelta(minutes=60)
    SlaPolicy.objects.filter(pk=fallback.pk).update(next_update_minutes=20)
    clock_at(T0 + timedelta(minutes=10))
    services.comment_add(ticket=ticket, actor=agent, body="Update")
    update = clocks(ticket)["next_update"]
    assert (update.cycle, update.target) == (2, timedelta(minutes=20))
    assert update.due_at == T0 + timedelta(minutes=30)


def test_policy_matched_after_a_change_starts_the_missing_clocks(
    network_path, always_open, clock_at
):
    SlaPolicy.objects.create(
        name="P1",
        priority="P1",
        first_response_minutes=15,
        resolution_minutes=120,
        calendar=always_open,
    )
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1)
    assert set(clocks(ticket)) == {"level"}  # no policy for P3
    clock_at(T0 + timedelta(minutes=10))
    services.ticket_update(ticket=ticket, actor=agent1, data={"impact": 1, "urgency": 1})
    found = clocks(ticket)
    assert set(found) == {"level", "first_response", "resolution"}
    assert found["first_response"].due_at == T0 + timedelta(minutes=25)
    assert found["resolution"].started_at == T0 + timedelta(minutes=10)


def test_policy_added_later_times_open_tickets_from_then(agent, always_open, clock_at):
    waiting = create_ticket(agent, title="waiting")
    answered = create_ticket(agent, title="answered")
    services.comment_add(ticket=answered, actor=agent, body="On it")
    done = create_ticket(agent, title="done")
    services.ticket_transition(ticket=done, actor=agent, status="resolved")
    clock_at(T0 + timedelta(hours=1))
    policy = SlaPolicy.objects.create(
        name="Late",
        first_response_minutes=60,
        next_update_minutes=30,
        resolution_minutes=480,
        calendar=always_open,
    )
    assert clocks_recompute(policy_id=policy.pk) == 2
    assert set(clocks(waiting)) == {"first_response", "resolution"}
    # The first response was made before the policy: the cadence starts instead.
    assert set(clocks(answered)) == {"next_update", "resolution"}
    assert clocks(answered)["next_update"].due_at == T0 + timedelta(hours=1, minutes=30)
    assert clocks(done) == {}
    assert clocks_recompute(policy_id=policy.pk) == 2
    assert SlaClock.objects.count() == 4  # nothing started twice


def test_calendar_edit_retargets_the_level_clock_it_times(network_path, policy, clock_at):
    office = BusinessCalendar.objects.create(name="Office", time_zone="UTC")
    for day in range(5):
        office.intervals.create(weekday=day, start=time(9), end=time(17))
    EscalationLevel.objects.filter(path=network_path, position=1).update(calendar=office)
    ticket = create_ticket(User.objects.get(username="agent1"))
    assert clocks(ticket)["level"].due_at == T0 + timedelta(minutes=30)
    clock_at(T0 + timedelta(minutes=5))
    office.save()  # the edit: opening an hour later
    office.intervals.update(start=time(10))
    clocks_recompute(calendar_id=office.pk)
    level = clocks(ticket)["level"]
    assert level.due_at == T0 + timedelta(hours=1, minutes=30)
    assert level.next_action_at == level.warn_at == T0 + timedelta(hours=1, minutes=22, seconds=30)
    assert "Calendar Office changed" in ticket.events.filter(field="sla:level").last().note


def test_a_reply_after_the_due_time_is_a_breach_even_before_the_sweep(agent, policy, clock_at):
    ticket = create_ticket(agent)
    clock_at(T0 + timedelta(minutes=61))  # one minute late, and no sweep has run
    services.comment_add(ticket=ticket, actor=agent, body="Sorry for the wait")
    first = clocks(ticket)["first_response"]
    assert (first.status, first.state) == ("breached", "breached_met")
    assert first.breached_at == T0 + timedelta(minutes=60)  # when it fell due
    assert first.met_at == T0 + timedelta(minutes=61)
    assert list(first.alerts.values_list("kind", "cycle")) == [("breach", first.cycle)]
    trail = ticket.events.filter(kind="sla", field="sla:first_response")
    assert list(trail.values_list("old_value", "new_value"))[-2:] == [
        ("running", "breached_running"),
        ("breached_running", "breached_met"),
    ]
    # The sweep afterwards finds nothing more to record for it.
    assert sla_sweep(now=T0 + timedelta(minutes=62)).breaches == 0
    assert first.alerts.count() == 1


def test_pausing_past_the_due_time_records_the_breach(agent, policy, clock_at):
    ticket = create_ticket(agent)
    services.comment_add(ticket=ticket, actor=agent, body="On it")
    clock_at(T0 + timedelta(hours=8, minutes=5))
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    resolution = clocks(ticket)["resolution"]
    assert resolution.state == "breached_paused"
    assert resolution.breached_at == T0 + timedelta(hours=8)


def test_a_reply_in_time_is_met(agent, policy, clock_at):
    ticket = create_ticket(agent)
    clock_at(T0 + timedelta(minutes=59, seconds=59))
    services.comment_add(ticket=ticket, actor=agent, body="Just in time")
    first = clocks(ticket)["first_response"]
    assert (first.state, first.breached_at) == ("met", None)
    assert not first.alerts.exists()
