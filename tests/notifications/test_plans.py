"""Communication plans: each open ticket's update cadence, and the sweep that
reminds the owner and reports missed updates, once each."""

import threading
from datetime import timedelta

import pytest
from django.db import transaction

from escalations.services import managed
from notifications.demo import seed_plans
from notifications.models import CommunicationPlan, Notification, UpdateCadence
from notifications.services.cadence_sweep import cadences_sweep
from notifications.services.plans import cadences_resync, communication_plan_save
from notifications.services.status_updates import status_update_send
from tests.factories import CommunicationPlanFactory, UserFactory, create_ticket
from tests.notifications.conftest import T0
from tests.races import in_thread, on_postgresql
from tickets import services
from tickets.models import Status, Ticket, User


@pytest.fixture
def plans(db):
    return {
        "P1": CommunicationPlanFactory(priority="P1", cadence_minutes=30, remind_before_minutes=5),
        "P2": CommunicationPlanFactory(
            priority="P2",
            cadence_minutes=120,
            remind_before_minutes=10,
            audiences=["requester", "escalation_team", "management"],
        ),
    }


def cadence(ticket) -> UpdateCadence:
    return UpdateCadence.objects.get(ticket=ticket)


def told(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def p1_ticket(agent, **fields):
    return create_ticket(agent, impact=1, urgency=1, **fields)


def test_cadence_starts_with_the_plan_of_the_tickets_priority(agent, plans, clock):
    ticket = p1_ticket(agent)
    row = cadence(ticket)
    assert row.plan == plans["P1"]
    assert (row.last_update_at, row.due_at) == (T0, T0 + timedelta(minutes=30))
    assert (row.stage, row.next_action_at) == ("remind", T0 + timedelta(minutes=25))
    assert row.missed == 0


def test_no_plan_no_cadence(agent, plans, clock):
    ticket = create_ticket(agent, impact=4, urgency=4)  # P4: no plan
    assert not UpdateCadence.objects.filter(ticket=ticket).exists()


def test_inactive_plan_starts_nothing(agent, plans, clock):
    plans["P1"].is_active = False
    plans["P1"].save()
    assert not UpdateCadence.objects.filter(ticket=p1_ticket(agent)).exists()


def test_a_reminder_as_long_as_the_cadence_is_skipped(agent, clock):
    CommunicationPlanFactory(priority="P1", cadence_minutes=10, remind_before_minutes=10)
    row = cadence(p1_ticket(agent))
    assert (row.stage, row.next_action_at) == ("due", T0 + timedelta(minutes=10))


def test_priority_change_retargets_keeping_the_last_update(agent, plans, clock):
    ticket = create_ticket(agent, impact=2, urgency=2)  # P2: every 2 h
    assert cadence(ticket).due_at == T0 + timedelta(hours=2)
    clock(10)
    services.ticket_update(ticket=ticket, actor=agent, data={"urgency": 1})  # now P1
    row = cadence(ticket)
    assert row.plan == plans["P1"]
    assert row.last_update_at == T0
    assert row.due_at == T0 + timedelta(minutes=30)
    assert row.next_action_at == T0 + timedelta(minutes=25)


def test_a_raised_priority_never_makes_an_update_overdue_at_once(agent, plans, clock):
    ticket = create_ticket(agent, impact=2, urgency=2)  # P2
    clock(50)
    services.ticket_update(ticket=ticket, actor=agent, data={"urgency": 1})  # P1, 30 min
    row = cadence(ticket)
    assert row.last_update_at == T0
    assert row.due_at == T0 + timedelta(minutes=80)  # a full P1 cadence from the change


def test_priority_without_a_plan_stops_the_cadence_and_back_restarts_it(agent, plans, clock):
    ticket = p1_ticket(agent)
    clock(5)
    services.ticket_update(ticket=ticket, actor=agent, data={"impact": 4, "urgency": 4})
    assert cadence(ticket).next_action_at is None
    clock(7)
    services.ticket_update(ticket=ticket, actor=agent, data={"impact": 1, "urgency": 1})
    row = cadence(ticket)
    assert row.due_at == T0 + timedelta(minutes=37)
    assert row.last_update_at == T0


def test_resolving_stops_the_cadence_and_reopening_restarts_it(agent, plans, clock):
    ticket = p1_ticket(agent)
    clock(10)
    ticket = services.ticket_transition(ticket=ticket, actor=agent, status=Status.RESOLVED)
    row = cadence(ticket)
    assert row.next_action_at is None
    assert cadences_sweep(now=T0 + timedelta(hours=5)) == 0
    clock(100)
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.OPEN)
    row = cadence(ticket)
    assert row.due_at == T0 + timedelta(minutes=130)
    assert row.next_action_at == T0 + timedelta(minutes=125)


def test_closing_stops_the_cadence(agent, plans, clock):
    ticket = p1_ticket(agent)
    ticket = services.ticket_transition(ticket=ticket, actor=agent, status=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.CLOSED)
    assert cadence(ticket).next_action_at is None


def test_pending_does_not_pause_the_cadence(agent, plans, clock):
    ticket = p1_ticket(agent)
    clock(3)
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.PENDING)
    row = cadence(ticket)
    assert (row.due_at, row.next_action_at) == (
        T0 + timedelta(minutes=30),
        T0 + timedelta(minutes=25),
    )


def test_cadence_is_wall_clock_time_through_the_night(agent, plans, clock):
    clock(12 * 60)  # 21:00: no business calendar stretches it
    ticket = p1_ticket(agent)
    assert cadence(ticket).due_at == T0 + timedelta(hours=12, minutes=30)


def test_reminder_and_missed_update_are_told_once_each(agent, l1_team, plans, clock):
    ticket = p1_ticket(agent, team=l1_team)
    # Nothing is due before the reminder time.
    assert cadences_sweep(now=T0 + timedelta(minutes=24)) == 0
    # The reminder, once however often the sweep runs.
    assert cadences_sweep(now=T0 + timedelta(minutes=25)) == 1
    assert cadences_sweep(now=T0 + timedelta(minutes=25)) == 0
    assert told("update.due") == ["agent1"]
    row = cadence(ticket)
    assert (row.stage, row.next_action_at) == ("due", T0 + timedelta(minutes=30))
    # The missed update, once.
    assert cadences_sweep(now=T0 + timedelta(minutes=31)) == 1
    assert cadences_sweep(now=T0 + timedelta(minutes=31)) == 0
    assert told("update.missed") == ["agent1"]
    row = cadence(ticket)
    assert row.missed == 1
    assert row.due_at == T0 + timedelta(minutes=60)
    assert (row.stage, row.next_action_at) == ("remind", T0 + timedelta(minutes=55))
    message = Notification.objects.get(kind="update.missed")
    assert message.subject == f"[{ticket.reference}] Stakeholder update missed"
    # The next cycle: its reminder, then its missed update, once each again.
    assert cadences_sweep(now=T0 + timedelta(minutes=56)) == 1
    assert cadences_sweep(now=T0 + timedelta(minutes=61)) == 1
    assert cadences_sweep(now=T0 + timedelta(minutes=61)) == 0
    assert told("update.due") == ["agent1", "agent1"]
    assert told("update.missed") == ["agent1", "agent1"]
    assert cadence(ticket).missed == 2


def test_a_late_sweep_tells_once_and_counts_every_missed_update(agent, plans, clock):
    ticket = p1_ticket(agent)
    # The sweep did not run for two hours: four updates were missed; one notice.
    assert cadences_sweep(now=T0 + timedelta(minutes=125)) == 1
    assert told("update.due") == []
    row = cadence(ticket)
    assert row.missed == 4
    assert row.due_at == T0 + timedelta(minutes=150)


def test_an_update_sent_restarts_the_cadence_and_keeps_the_missed_count(agent, plans, clock):
    ticket = p1_ticket(agent)
    cadences_sweep(now=clock(31))
    clock(40)
    status_update_send(ticket=ticket, actor=agent, body="Still on it", audiences=["requester"])
    row = cadence(ticket)
    assert row.last_update_at == T0 + timedelta(minutes=40)
    assert row.due_at == T0 + timedelta(minutes=70)
    assert (row.stage, row.next_action_at) == ("remind", T0 + timedelta(minutes=65))
    assert row.missed == 1
    # The reminder of the old cycle no longer fires.
    assert cadences_sweep(now=T0 + timedelta(minutes=56)) == 0


def test_unassigned_ticket_tells_the_team_and_the_escalation_manager(network_path, plans, clock):
    agent1 = User.objects.get(username="agent1")
    colleague = UserFactory(username="colleague")
    network_path.teams["L1"].members.add(colleague)
    ticket = p1_ticket(agent1)
    managed.managed_escalation_open(
        ticket=ticket, actor=agent1, trigger="manual", reason="VIP", now=T0
    )
    cadences_sweep(now=T0 + timedelta(minutes=31))
    assert told("update.missed") == ["agent1", "colleague", "manager"]


def test_two_sweeps_at_the_same_time_tell_once(agent, plans, clock):
    tickets = [p1_ticket(agent, title=f"t{i}") for i in range(3)]
    now = T0 + timedelta(minutes=31)
    # Small batches, so each sweep runs several transactions.
    assert cadences_sweep(now=now, batch_size=2) + cadences_sweep(now=now, batch_size=2) == 3
    assert Notification.objects.filter(kind="update.missed").count() == 3
    assert {cadence(t).missed for t in tickets} == {1}


def test_resolved_ticket_is_never_reminded(agent, plans, clock):
    ticket = p1_ticket(agent)
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.RESOLVED)
    assert cadences_sweep(now=T0 + timedelta(days=1)) == 0
    assert not Notification.objects.filter(kind__startswith="update.").exists()


def test_a_new_plan_reaches_the_open_tickets_of_its_priority(agent, clock):
    open_ticket = p1_ticket(agent)
    done = p1_ticket(agent, title="done")
    services.ticket_transition(ticket=done, actor=agent, status=Status.RESOLVED)
    clock(20)
    plan = CommunicationPlan(priority="P1", audiences=["requester"], cadence_minutes=60)
    communication_plan_save(plan=plan)
    cadences_resync(priority="P1")  # the task enqueued after the commit
    assert cadence(open_ticket).due_at == T0 + timedelta(minutes=80)
    assert not UpdateCadence.objects.filter(ticket=done).exists()
    plan.is_active = False
    communication_plan_save(plan=plan)
    cadences_resync(priority="P1")
    assert cadence(open_ticket).next_action_at is None


def test_editing_a_plans_cadence_or_reminder_re_aims_running_cadences(agent, clock):
    plan = communication_plan_save(
        plan=CommunicationPlan(
            priority="P1", audiences=["requester"], cadence_minutes=60, remind_before_minutes=0
        )
    )
    ticket = p1_ticket(agent)
    assert cadence(ticket).due_at == T0 + timedelta(minutes=60)
    clock(5)
    plan.cadence_minutes = 20
    communication_plan_save(plan=plan)
    cadences_resync(priority="P1")
    row = cadence(ticket)
    assert (row.due_at, row.stage, row.next_action_at) == (
        T0 + timedelta(minutes=20),
        "due",
        T0 + timedelta(minutes=20),
    )
    plan.remind_before_minutes = 5
    communication_plan_save(plan=plan)
    cadences_resync(priority="P1")
    row = cadence(ticket)
    assert (row.due_at, row.stage, row.next_action_at) == (
        T0 + timedelta(minutes=20),
        "remind",
        T0 + timedelta(minutes=15),
    )
    clock(30)  # shortened below the time already gone by: a full cadence from now
    plan.cadence_minutes = 10
    plan.remind_before_minutes = 0
    communication_plan_save(plan=plan)
    cadences_resync(priority="P1")
    assert cadence(ticket).due_at == T0 + timedelta(minutes=40)
    cadences_resync(priority="P1")  # nothing changed: nothing moves
    assert cadence(ticket).due_at == T0 + timedelta(minutes=40)


def test_saving_a_plan_enqueues_the_resync_after_commit(
    agent, clock, django_capture_on_commit_callbacks
):
    ticket = p1_ticket(agent)
    with django_capture_on_commit_callbacks(execute=True):
        communication_plan_save(
            plan=CommunicationPlan(priority="P1", audiences=["requester"], cadence_minutes=30)
        )
    assert cadence(ticket).due_at == T0 + timedelta(minutes=30)


def test_a_plan_needs_an_audience_and_known_ones(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as empty:
        communication_plan_save(plan=CommunicationPlan(priority="P1", cadence_minutes=30))
    assert "audiences" in empty.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        communication_plan_save(
            plan=CommunicationPlan(priority="P1", audiences=["press"], cadence_minutes=30)
        )
    assert "press" in unknown.value.message_dict["audiences"][0]


def test_seed_plans_is_idempotent(agent, clock):
    ticket = create_ticket(agent, impact=2, urgency=2)
    seed_plans()
    seed_plans()
    assert {
        (p.priority, p.cadence_minutes, tuple(p.audiences)) for p in CommunicationPlan.objects.all()
    } == {
        ("P1", 30, ("requester", "organization", "escalation_team", "management")),
        ("P2", 120, ("requester", "escalation_team", "management")),
        ("P3", 480, ("requester",)),
    }
    assert cadence(ticket).due_at == T0 + timedelta(hours=2)


# --- PostgreSQL: sweeps side by side, and a ticket being changed ---------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_share_the_work_and_tell_once(agent, plans, clock):
    tickets = [p1_ticket(agent, title=f"t{i}") for i in range(12)]
    now = T0 + timedelta(minutes=31)
    start, counts, errors = threading.Barrier(2), [], []

    def sweep():
        start.wait()
        counts.append(cadences_sweep(now=now, batch_size=2))

    threads = [in_thread(sweep, errors) for _ in range(2)]
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sum(counts) == 12
    assert Notification.objects.filter(kind="update.missed").count() == 12
    assert {cadence(t).missed for t in tickets} == {1}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_a_ticket_being_changed_and_tells_later(agent, plans, clock):
    ticket = p1_ticket(agent)
    held, release, errors = threading.Event(), threading.Event(), []

    def change_ticket():
        with transaction.atomic():
            Ticket.objects.select_for_update(no_key=True).get(pk=ticket.pk)
            held.set()
            release.wait(10)

    thread = in_thread(change_ticket, errors)
    held.wait(10)
    now = T0 + timedelta(minutes=31)
    assert cadences_sweep(now=now) == 0
    release.set()
    thread.join(10)
    assert errors == []
    assert cadences_sweep(now=now) == 1


def test_a_plan_reminding_before_the_last_update_was_due_is_refused(db):
    from django.core.exceptions import ValidationError

    plan = CommunicationPlan(
        priority="P4", audiences=["requester"], cadence_minutes=30, remind_before_minutes=90
    )
    with pytest.raises(ValidationError) as refused:
        communication_plan_save(plan=plan)
    assert refused.value.message_dict == {
        "remind_before_minutes": ["Less than the time between updates (30 minutes), please."]
    }
    assert not CommunicationPlan.objects.exists()
