"""Detection latency of SLA breaches under the real Celery worker and beat.

Starts ``celery -A config worker`` and ``celery -A config beat`` as
subprocesses (Redis broker, PostgreSQL, the default ``SLA_SWEEP_INTERVAL``),
creates ``--tickets`` tickets through ``tickets.services.ticket_create`` spread
over ``--spread`` seconds, under an SLA policy whose first response is due
``--first-response`` minute(s) later on a 24x7 calendar, waits until every
first-response clock has breached, and prints the distribution of
``breached_at - due_at`` (and of the warnings, ``warned_at - warn_at``).

    .venv/bin/python bench/latency.py
    .venv/bin/python bench/latency.py --tickets 50 --spread 20 --background 0   # quicker
    .venv/bin/python bench/latency.py --burst 10000   # 10,000 clocks breach at one instant
    .venv/bin/python bench/latency.py --burst 10000 --deliveries 3000   # and 3,000 e-mails queued

Two workers run, as the README's production section starts them: one for the
enforcement queue (sweeps, escalations), one for the deliveries queue (e-mails,
webhooks; to Django's dummy e-mail backend here).

Bounded: it gives up after ``--timeout`` seconds, and always stops the Celery
processes it started (process groups, SIGTERM then SIGKILL), also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import signal
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

QUEUE = "escalade-bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds to create them over")
    parser.add_argument("--first-response", type=int, default=1, help="target in minutes")
    parser.add_argument(
        "--background",
        type=int,
        default=100_000,
        help="open tickets (with clocks due in hours to weeks) bulk-loaded beforehand",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=0,
        help="background clocks that all breach at once, halfway through the probes' due times",
    )
    parser.add_argument(
        "--deliveries",
        type=int,
        default=0,
        help="e-mail deliveries queued just before the probes and the burst come due",
    )
    parser.add_argument(
        "--interval", type=float, default=None, help="SLA_SWEEP_INTERVAL (default: the setting)"
    )
    parser.add_argument(
        "--enforcer-concurrency",
        type=int,
        default=1,
        help="processes of the enforcement worker (the Procfile's --concurrency)",
    )
    parser.add_argument("--timeout", type=float, default=360.0, help="hard limit of the run")
    parser.add_argument("--database-url", default=_common.DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    return parser.parse_args()


def child_env(args: argparse.Namespace) -> dict[str, str]:
    extra = {} if args.interval is None else {"SLA_SWEEP_INTERVAL": str(args.interval)}
    return _common.child_env(
        database_url=args.database_url,
        redis_url=args.redis_url,
        queue=QUEUE,
        EMAIL_URL="dummymail://",
        **extra,
    )


def make_agent():
    from tickets.models import Team, Tier, User

    team = Team.objects.create(name="Bench L1", tier=Tier.L1)
    agent = User.objects.create_user(username="bench-agent", email="agent@example.com")
    team.members.add(agent)
    return agent


def create_tickets(agent, count: int, spread: float) -> list[int]:
    from tickets.services import ticket_create

    ids, started = [], time.monotonic()
    for i in range(count):
        pause = started + i * spread / count - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        ticket = ticket_create(
            actor=agent,
            title=f"Latency probe {i}",
            description="Created by bench/latency.py.",
            requester_name="Probe",
            requester_email=f"probe{i}@example.com",
        )
        ids.append(ticket.pk)
    return ids


def schedule_burst(count: int, at: datetime) -> list[int]:
    """Make ``count`` background resolution clocks breach at the same instant ``at``
    (their warning counted as sent), as after an outage or a business-hours opening."""
    from django.db import connection

    from escalations.models import SlaClock

    table = SlaClock._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""
            UPDATE {table} SET due_at = %(at)s, next_action_at = %(at)s,
                warn_at = %(at)s - interval '1 hour', warned_at = now()
            WHERE id IN (SELECT id FROM {table}
                         WHERE state = 'running' AND metric = 'resolution'
                         ORDER BY id LIMIT %(count)s)
            RETURNING id
            """,  # noqa: S608
            {"at": at, "count": count},
        )
        return [row[0] for row in cur.fetchall()]


def queue_deliveries(count: int) -> list[int]:
    """``count`` e-mails (an SLA breach told to a bare address) written to the
    outbox and handed to the deliveries queue, as ``event_emit`` does."""
    import uuid

    from django.utils import timezone

    from notifications import context as ctx
    from notifications.models import Channel, Delivery, EventKind
    from notifications.services.outbox import deliveries_enqueue

    now = timezone.now()
    rows = []
    for n in range(count):
        event_id = uuid.uuid4()
        values = ctx.event_values(
            kind=EventKind.SLA_BREACH,
            event_id=str(event_id),
            at=now,
            ticket=None,
            escalation=None,
            actor=None,
            extra={"metric": "Resolution", "metric_code": "resolution", "due_at": now},
        )
        rows.append(
            Delivery(
                key=f"{event_id}:email:bench{n}",
                event_id=event_id,
                kind=EventKind.SLA_BREACH,
                channel=Channel.EMAIL,
                address=f"backlog{n}@example.com",
                context={**values, "recipient": f"Backlog {n}"},
                next_attempt_at=now,
            )
        )
    ids = [d.pk for d in Delivery.objects.bulk_create(rows)]
    deliveries_enqueue(ids=ids)
    return ids


def wait_breached(ids: list[int], deadline: float) -> int:
    from escalations.models import SlaClock

    clocks = SlaClock.objects.filter(ticket_id__in=ids, metric=SlaClock.Metric.FIRST_RESPONSE)
    while True:
        left = clocks.filter(breached_at__isnull=True).count()
        if left == 0 or time.monotonic() > deadline:
            return left
        time.sleep(1)


def wait_breached_clocks(pks: list[int], deadline: float) -> int:
    from escalations.models import SlaClock

    while pks:
        left = SlaClock.objects.filter(pk__in=pks, breached_at__isnull=True).count()
        if left == 0 or time.monotonic() > deadline:
            return left
        time.sleep(1)
    return 0


def seconds(values: list[timedelta]) -> list[float]:
    return [v.total_seconds() for v in values]


def report(ids: list[int], burst: list[int], celery: _common.Celery) -> None:
    from escalations.models import SlaClock, SlaClockAlert

    if burst:
        rows = SlaClock.objects.filter(pk__in=burst, breached_at__isnull=False)
        lat = seconds([c.breached_at - c.due_at for c in rows.only("breached_at", "due_at")])
        if lat:
            print(f"burst of {len(burst):,}, breached_at - due_at: {_common.summary(lat, 's', 1)}")
        alerts = SlaClockAlert.objects.filter(clock_id__in=burst, kind=SlaClockAlert.Kind.BREACH)
        rec = seconds([a.recorded_at - a.due_at for a in alerts.only("recorded_at", "due_at")])
        if rec:
            print(f"burst, alert recorded_at - due_at: {_common.summary(rec, 's', 1)}")
        print(f"burst: {len(lat):,}/{len(burst):,} breached")

    clocks = list(SlaClock.objects.filter(ticket_id__in=ids, metric=SlaClock.Metric.FIRST_RESPONSE))
    breached = [c for c in clocks if c.breached_at is not None]
    warned = [c for c in clocks if c.warned_at is not None]
    alerts = SlaClockAlert.objects.filter(clock__in=clocks, kind=SlaClockAlert.Kind.BREACH)
    recorded = [a.recorded_at - a.due_at for a in alerts]
    if breached:
        lat = seconds([c.breached_at - c.due_at for c in breached])
        print(f"breach latency (breached_at - due_at): {_common.summary(lat, 's', 1)}")
    if recorded:
        lat = seconds(recorded)
        print(f"breach recorded (alert recorded_at - due_at): {_common.summary(lat, 's', 1)}")
    if warned:
        lat = seconds([c.warned_at - c.warn_at for c in warned])
        print(f"warning latency (warned_at - warn_at): {_common.summary(lat, 's', 1)}")
    print(f"{len(breached)}/{len(clocks)} breached, {len(warned)}/{len(clocks)} warned")
    runs = [
        (float(took), body)
        for took, body in re.findall(
            r"sweep_sla_clocks\[[^\]]+\] succeeded in ([0-9.]+)s: (.*)", celery.log("worker")
        )
    ]
    if runs:
        busy = [t for t, body in runs if "'clocks': 0" not in body]
        swept = sum(int(n) for n in re.findall(r"'clocks': (\d+)", "".join(b for _t, b in runs)))
        if busy:
            print(
                f"sweep tasks with work: {len(busy)}, {swept:,} clocks in {sum(busy):.1f} s "
                f"of task time = {swept / max(sum(busy), 1e-9):,.0f} clocks/s inside the worker"
            )
        idle = [t for t, body in runs if "'clocks': 0" in body]
        line = f"sweep task runs: {len(runs)}"
        if idle:
            line += f"; with nothing due: {_common.summary(idle)}"
        if busy:
            line += f"; with work: {_common.summary(busy)}"
        print(line)


def main() -> None:
    args = parse_args()
    hard_deadline = time.monotonic() + args.timeout
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["CELERY_QUEUE"] = QUEUE
    if args.interval is not None:
        os.environ["SLA_SWEEP_INTERVAL"] = str(args.interval)
    _common.setup_django(args.database_url)
    from django.conf import settings
    from django.utils import timezone

    print(
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}; "
        f"SLA_SWEEP_INTERVAL {settings.SLA_SWEEP_INTERVAL:g} s, time budget "
        f"{settings.SLA_SWEEP_TIME_BUDGET:g} s; broker {args.redis_url}, queue "
        f"{getattr(settings, 'CELERY_TASK_DEFAULT_QUEUE', 'celery')}"
    )
    _common.reset()
    policy = _common.bench_policy(
        first_response_minutes=args.first_response, resolution_minutes=24 * 60
    )
    if args.background:
        took = _common.load_open_tickets(args.background, policy=policy)
        print(f"loaded {args.background:,} background tickets and their clocks in {took:.1f} s")
    agent = make_agent()
    _common.purge_queue()

    celery = _common.Celery(child_env(args), prefix="escalade-latency-")
    atexit.register(celery.stop)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"celery logs in {celery.dir}")
    celery.worker("bench-enforcer", concurrency=args.enforcer_concurrency, queues="enforcement")
    celery.worker("bench-sender", concurrency=1, queues="deliveries", log="sender")
    celery.start("beat", "beat", "--loglevel=INFO", f"--schedule={celery.dir / 'beat-schedule'}")
    try:
        celery.wait_ready(60)
        burst = []
        if args.burst:
            at = timezone.now() + timedelta(minutes=args.first_response, seconds=args.spread / 2)
            burst = schedule_burst(args.burst, at)
            print(f"{len(burst):,} background clocks will breach at {at:%H:%M:%S}")
        print(f"worker ready; creating {args.tickets} tickets over {args.spread:g} s")
        started = time.monotonic()
        ids = create_tickets(agent, args.tickets, args.spread)
        if args.deliveries:  # as the first probes come due, half a minute before the burst
            backlog = queue_deliveries(args.deliveries)
            print(f"{len(backlog):,} e-mail deliveries queued at {timezone.now():%H:%M:%S}")
        print(f"created in {time.monotonic() - started:.1f} s; waiting for the breaches")
        left = wait_breached(ids, hard_deadline) + wait_breached_clocks(burst, hard_deadline)
        if left:
            print(f"TIMEOUT: {left} clocks not breached after {args.timeout:g} s")
    finally:
        celery.stop()
    report(ids, burst, celery)
    if args.deliveries:
        from notifications.models import Delivery

        sent = Delivery.objects.filter(address__startswith="backlog", status="sent").count()
        print(f"backlog: {sent:,}/{args.deliveries:,} e-mails sent by the end of the run")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total run time {time.perf_counter() - t0:.0f} s")
