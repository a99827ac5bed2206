"""The sweep under real Celery workers and beat, on PostgreSQL and Redis."""

import time
from datetime import timedelta

from django.utils import timezone

from escalations.models import BusinessCalendar, SlaClock, SlaClockAlert, SlaPolicy
from tests.factories import TicketFactory
from tests.races import age_clocks
from tests.workers import needs_broker, wait_for
from tickets import services
from tickets.models import TicketEvent

pytestmark = needs_broker
SWEEP = "escalations.tasks.sweep_sla_clocks"


def one_minute_policy():
    calendar = BusinessCalendar.objects.create(name="Always", is_24x7=True)
    return SlaPolicy.objects.create(
        name="One minute", first_response_minutes=1, resolution_minutes=600, calendar=calendar
    )


def test_one_minute_target_breaches_once_with_two_workers_sweeping(celery_processes, agent):
    one_minute_policy()
    ticket = services.ticket_create(
        actor=agent,
        title="Down",
        description="All down",
        requester_name="R",
        requester_email="r@example.com",
    )
    age_clocks(seconds=61)
    celery_processes.worker(concurrency=2)
    celery_processes.worker(concurrency=2)
    for _ in range(12):
        celery_processes.send(SWEEP)
    wait_for(
        lambda: SlaClockAlert.objects.filter(kind="breach").exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    time.sleep(2)  # let every queued sweep run
    for _ in range(4):
        celery_processes.send(SWEEP)
    time.sleep(2)
    assert SlaClockAlert.objects.filter(kind="breach").count() == 1
    assert ticket.events.filter(kind="sla_breach").count() == 1
    assert SlaClock.objects.get(ticket=ticket, metric="first_response").status == "breached"


def test_worker_killed_mid_sweep_loses_nothing(celery_processes, agent, l1_team):
    policy = one_minute_policy()
    now = timezone.now()
    tickets = TicketFactory.create_batch(400, team=l1_team)
    SlaClock.objects.bulk_create(
        SlaClock(
            ticket=t,
            metric="first_response",
            policy=policy,
            target=timedelta(minutes=1),
            started_at=now - timedelta(minutes=2),
            resumed_at=now - timedelta(minutes=2),
            warn_at=now - timedelta(minutes=1, seconds=45),
            warned_at=now,
            due_at=now - timedelta(minutes=1),
            next_action_at=now - timedelta(minutes=1),
        )
        for t in tickets
    )
    # Enforcement workers only: the e-mails the breaches raise wait on their own queue.
    victim = celery_processes.worker(concurrency=1, queues="enforcement", SLA_SWEEP_BATCH_SIZE="1")
    celery_processes.send(SWEEP)
    done_at_kill = wait_for(
        lambda: SlaClockAlert.objects.count(),
        timeout=60,
        interval=0.01,
        message=celery_processes.logs,
    )
    celery_processes.kill(victim)
    killed_at = SlaClockAlert.objects.count()
    assert done_at_kill <= killed_at < 400, "the sweep finished before the kill"

    # Beat's next sweeps catch up, however many it takes on a loaded machine.
    celery_processes.worker(concurrency=1, queues="enforcement")
    celery_processes.beat(SLA_SWEEP_INTERVAL="1")
    wait_for(
        lambda: SlaClockAlert.objects.count() == 400, timeout=60, message=celery_processes.logs
    )
    assert SlaClock.objects.filter(state="breached_running").count() == 400
    assert TicketEvent.objects.filter(kind="sla_breach").count() == 400
    assert not SlaClock.objects.filter(next_action_at__isnull=False).exists()


def test_beat_drives_the_sweep(celery_processes, agent):
    one_minute_policy()
    ticket = services.ticket_create(
        actor=agent,
        title="Down",
        description="All down",
        requester_name="R",
        requester_email="r@example.com",
    )
    celery_processes.worker(concurrency=1, queues="enforcement")
    celery_processes.beat(SLA_SWEEP_INTERVAL="1")
    wait_for(lambda: "ready." in celery_processes.logs(), timeout=60, message=celery_processes.logs)
    age_clocks(seconds=58)  # due in two seconds, with the worker and beat running
    clock = SlaClock.objects.get(ticket=ticket, metric="first_response")
    wait_for(
        lambda: SlaClock.objects.filter(pk=clock.pk, state="breached_running").exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    clock.refresh_from_db()
    assert clock.breached_at - clock.due_at < timedelta(seconds=10)


def test_a_stale_level_clock_escalates_nothing_under_the_worker(
    celery_processes, network_path, always_open
):
    from escalations.models import Escalation
    from tests.factories import create_ticket
    from tickets.models import Ticket, User

    SlaPolicy.objects.create(
        name="Escalating",
        first_response_minutes=20,
        resolution_minutes=600,
        escalate_on_breach=True,
        calendar=always_open,
    )
    agent = User.objects.get(username="agent1")
    for n in range(50):
        create_ticket(agent, title=f"t{n}", impact=2, urgency=2)
    # First response (20 min, escalating) and the L1 limit (30 min) both past:
    # 100 clocks, one batch of 100. The breach of the first response moves each
    # ticket to L2; the L1 cycle claimed with it must not move it again.
    age_clocks(minutes=31)
    celery_processes.worker(concurrency=1, queues="enforcement", SLA_SWEEP_BATCH_SIZE="100")
    celery_processes.send(SWEEP)
    wait_for(
        lambda: SlaClockAlert.objects.filter(kind="breach").count() == 100,
        timeout=90,
        message=celery_processes.logs,
    )
    time.sleep(1)
    assert Escalation.objects.count() == 50
    assert set(Ticket.objects.values_list("level", flat=True)) == {"L2"}
