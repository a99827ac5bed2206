"""Shared set-up for the benchmarks: a dedicated PostgreSQL database, Django,
and a fast bulk loader for open tickets and their SLA clocks.

The loader writes rows with ``INSERT ... SELECT generate_series`` straight into
the tables: going through the services would take hours for a million tickets,
and what is measured here is the sweep, not ticket creation.
"""

from __future__ import annotations

import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/escalade_bench"


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def setup_django(url: str) -> None:
    """Point Django at the bench database, migrate it and set Django up."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    ensure_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def reset() -> None:
    """Empty the tables the benchmarks write, so each run starts from scratch."""
    from django.db import connection

    from escalations.models import (
        BusinessCalendar,
        SlaClock,
        SlaClockAlert,
        SlaPolicy,
        TeamCalendar,
    )
    from notifications.models import Delivery, DeliveryAttempt, Notification, WebhookEndpoint
    from reports.models import ClockDay, EscalationDay
    from tickets.models import Comment, Team, Ticket, TicketEvent, User

    tables = [
        # The daily rollups count the facts the cascade below empties.
        ClockDay,
        EscalationDay,
        DeliveryAttempt,
        Delivery,
        Notification,
        WebhookEndpoint,
        SlaClockAlert,
        SlaClock,
        TicketEvent,
        Comment,
        Ticket,
        TeamCalendar,
        SlaPolicy,
        BusinessCalendar,
    ]
    names = [m._meta.db_table for m in tables]
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    from escalations.models import EscalationPath

    EscalationPath.objects.filter(name__startswith="Bench ").delete()  # its routes went above
    Team.objects.filter(name__startswith="Bench ").delete()
    User.objects.filter(username__startswith="bench-").delete()


def bench_policy(*, first_response_minutes: int = 60, resolution_minutes: int = 480):
    """A fallback SLA policy on a 24x7 calendar (created once per run)."""
    from escalations.models import BusinessCalendar, SlaPolicy

    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="Bench 24x7", defaults={"is_24x7": True}
    )
    policy, _ = SlaPolicy.objects.get_or_create(
        name="Bench fallback",
        defaults={
            "first_response_minutes": first_response_minutes,
            "resolution_minutes": resolution_minutes,
            "warning_percent": 75,
            "calendar": calendar,
        },
    )
    return policy


def load_open_tickets(count: int, *, policy) -> float:
    """Append ``count`` open tickets with their first-response and resolution clocks.

    A realistic mix: one ticket in five is pending (its clocks paused, nothing
    due); seven in ten have had their first response (that clock met). Running
    clocks are due 3 hours to 30 days from now (the earliest warning is an hour
    away), so nothing is due while the benchmark runs. Returns the seconds the
    load took (ANALYZE included)."""
    from django.db import connection

    from escalations.models import SlaClock
    from tickets.models import Ticket

    tickets, clocks = Ticket._meta.db_table, SlaClock._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {tickets}")  # noqa: S608
        (first,) = cur.fetchone()
        cur.execute("SELECT setseed(0.42)")
        cur.execute(
            f"""
            INSERT INTO {tickets} (
                title, description, requester_name, requester_email, requester_language,
                impact, urgency, priority, priority_override,
                is_security, is_safety, is_legal, is_major_outage,
                status, level, created_at, updated_at
            )
            SELECT 'Bench ticket ' || g, 'Generated for the SLA sweep benchmark.',
                   'Requester ' || g, 'requester' || (g %% 5000) || '@example.com', 'en',
                   1 + g %% 4, 1 + (g / 4) %% 4, 'P' || (1 + g %% 4), '',
                   false, false, false, false,
                   CASE WHEN g %% 5 = 0 THEN 'pending' ELSE 'open' END, 'L1',
                   now() - interval '1 hour', now() - interval '1 hour'
            FROM generate_series(1, %s) AS g
            """,  # noqa: S608
            [count],
        )
        # First response: met for 7 in 10 tickets; resolution: always open.
        # Pending tickets have paused clocks with nothing scheduled.
        cur.execute(
            f"""
            INSERT INTO {clocks} (
                ticket_id, metric, state, policy_id, calendar_id, target, warning_percent,
                business_used, cycle, started_at, resumed_at, paused_at, warn_at, due_at,
                warned_at, breached_at, met_at, next_action_at
            )
            SELECT x.id, x.metric, x.state, %(policy)s, %(calendar)s, x.target, 75,
                   interval '0', 1, x.created_at,
                   CASE WHEN x.state = 'running' THEN x.created_at END,
                   CASE WHEN x.state = 'paused' THEN x.created_at END,
                   x.due - x.target * 0.25, x.due, NULL, NULL,
                   CASE WHEN x.state = 'met' THEN x.created_at + interval '5 minutes' END,
                   CASE WHEN x.state = 'running' THEN x.due - x.target * 0.25 END
            FROM (
                SELECT t.id, t.created_at, m.metric, m.target,
                       CASE
                           WHEN m.metric = 'first_response' AND t.id %% 10 < 7 THEN 'met'
                           WHEN t.status = 'pending' THEN 'paused'
                           ELSE 'running'
                       END AS state,
                       now() + interval '3 hours' + random() * interval '30 days' AS due
                FROM {tickets} t
                CROSS JOIN (VALUES ('first_response', interval '60 minutes'),
                                   ('resolution', interval '8 hours')) AS m(metric, target)
                WHERE t.id > %(first)s
            ) x
            """,  # noqa: S608
            {"policy": policy.pk, "calendar": policy.calendar_id, "first": first},
        )
        cur.execute(f"ANALYZE {tickets}")
        cur.execute(f"ANALYZE {clocks}")
    return time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 50 samples is the largest one)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    v = [x * scale for x in values]
    return (
        f"median {statistics.median(v):.2f} {unit}, p95 {percentile(v, 95):.2f} {unit}, "
        f"p99 {percentile(v, 99):.2f} {unit}, max {max(v):.2f} {unit} (n={len(v)})"
    )


def child_env(*, database_url: str, redis_url: str, queue: str, **extra: str) -> dict[str, str]:
    """The environment of the Celery processes a benchmark starts."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-not-secret"),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_QUEUE=queue,
        **extra,
    )
    return env


class Celery:
    """The worker and beat, each in its own process group, logs in a temporary folder."""

    def __init__(self, env: dict[str, str], *, prefix: str = "escalade-bench-"):
        self.env = env
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *args: str) -> None:
        log = open(self.dir / f"{name}.log", "w")  # noqa: SIM115 - the child owns it
        proc = subprocess.Popen(  # noqa: S603 - fixed arguments
            [CELERY, "-A", "config", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs.append((name, proc))

    def worker(
        self,
        name: str,
        concurrency: int,
        queues: str = "enforcement,deliveries",
        log: str = "worker",
    ) -> None:
        """A worker of the named queues of this benchmark (both by default),
        logging to ``<log>.log``."""
        base = self.env["CELERY_QUEUE"]
        self.start(
            log,
            "worker",
            "-Q",
            ",".join(f"{base}.{queue}" for queue in queues.split(",")),
            f"--concurrency={concurrency}",
            "-n",
            f"{name}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while "ready." not in self.log("worker"):
            for name, proc in self.procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.log(name)[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker not ready after {timeout:g} s:\n{self.log('worker')}")
            time.sleep(0.2)

    def stop(self) -> None:
        for _, proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _, proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()


def purge_queue() -> None:
    """Drop tasks a previous run may have left in the bench queue."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(
        settings.ENFORCEMENT_QUEUE, settings.DELIVERY_QUEUE
    )
