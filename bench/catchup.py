"""Catch-up after a broker outage (PostgreSQL, and a Redis of its own).

A real Celery worker and beat run against a Redis server this script starts on
a free port (never the machine's own Redis). The worker is paused (SIGSTOP)
while ``--deliveries`` webhook events are raised and their tasks queued, so
they wait in the broker; Redis is then killed, the worker resumed, and Redis
restarted empty ``--outage`` seconds later: every queued task is lost. The
outbox sweep (beat's ``requeue_deliveries``, at its default settings unless
given) must hand them all back. Printed: how long after the broker's return
the first and the last delivery were sent, the receiver's requests per event
(each must be 1) and the attempts logged.

    .venv/bin/python bench/catchup.py                       # 3,000 lost, 60 s outage, ~2.5 min
    .venv/bin/python bench/catchup.py --deliveries 500 --outage 10   # quicker

It empties the tables it uses in the bench database (``--database-url``,
created and migrated if missing) at the start.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

QUEUE = "escalade-bench-catchup"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=3000, help="webhook deliveries lost")
    parser.add_argument("--outage", type=float, default=60.0, help="seconds the broker is down")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after (s)")
    parser.add_argument(
        "--requeue-interval", help="NOTIFY_REQUEUE_INTERVAL for beat (default: the setting's)"
    )
    parser.add_argument("--database-url", default=_common.DEFAULT_DATABASE_URL)
    return parser.parse_args()


class Redis:
    """redis-server on a free port, with nothing kept on disk."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = tempfile.mkdtemp(prefix="escalade-catchup-redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.proc = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", self.dir),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Receiver:
    """A webhook receiver on 127.0.0.1 that counts requests per event id."""

    def __init__(self):
        self.per_event: collections.Counter = collections.Counter()
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    outer.per_event[self.headers["X-Escalade-Event-Id"]] += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def raise_events(count: int) -> list[str]:
    """SLA breaches, committed 100 at a time (as a sweep batch would)."""
    from django.db import transaction

    from notifications.models import EventKind
    from notifications.services.dispatch import event_emit

    events = []
    for start in range(0, count, 100):
        with transaction.atomic():
            for n in range(start, min(start + 100, count)):
                events.append(str(event_emit(kind=EventKind.SLA_BREACH, extra={"n": n})))
    return events


def main() -> None:
    args = parse_args()
    broker = Redis()
    atexit.register(broker.kill)
    broker.start()
    os.environ["REDIS_URL"] = broker.url
    os.environ["CELERY_QUEUE"] = QUEUE
    os.environ["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "1"
    _common.setup_django(args.database_url)
    _common.reset()
    from django.conf import settings
    from django.db.models import Max, Min

    from notifications.models import Delivery, DeliveryAttempt, WebhookEndpoint

    receiver = Receiver()
    WebhookEndpoint.objects.create(name="Bench receiver", url=receiver.url)
    extra = {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "1"}
    if args.requeue_interval:
        extra["NOTIFY_REQUEUE_INTERVAL"] = args.requeue_interval
    env = _common.child_env(
        database_url=args.database_url, redis_url=broker.url, queue=QUEUE, **extra
    )
    celery = _common.Celery(env, prefix="escalade-catchup-")
    atexit.register(celery.stop)
    print(f"celery logs in {celery.dir}; broker {broker.url}")
    interval = float(env.get("NOTIFY_REQUEUE_INTERVAL") or settings.NOTIFY_REQUEUE_INTERVAL)
    print(
        f"settings: NOTIFY_REQUEUE_INTERVAL {interval:g} s, "
        f"NOTIFY_REQUEUE_AFTER_SECONDS {settings.NOTIFY_REQUEUE_AFTER_SECONDS:g} s, "
        f"NOTIFY_REQUEUE_BATCH_SIZE {settings.NOTIFY_REQUEUE_BATCH_SIZE}, "
        f"worker concurrency {args.concurrency}; load average {os.getloadavg()[0]:.2f}"
    )
    celery.worker("bench-catchup", concurrency=args.concurrency)
    celery.start("beat", "beat", "--loglevel=INFO", f"--schedule={celery.dir / 'beat-schedule'}")
    celery.wait_ready(60)
    worker = dict(celery.procs)["worker"]

    os.killpg(worker.pid, signal.SIGSTOP)  # the tasks wait in the broker
    started = time.monotonic()
    events = raise_events(args.deliveries)
    queued = Delivery.objects.filter(status="pending").count()
    print(
        f"{len(events):,} events raised, {queued:,} deliveries queued in "
        f"{time.monotonic() - started:.1f} s"
    )
    broker.kill()
    os.killpg(worker.pid, signal.SIGCONT)
    print(f"broker down for {args.outage:g} s, every queued task lost")
    time.sleep(args.outage)
    broker.start()
    back = datetime.now(UTC)
    back_monotonic = time.monotonic()
    print("broker back, empty")
    deadline = back_monotonic + args.timeout
    while Delivery.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # later sweeps must send nothing again
    celery.stop()

    sent = Delivery.objects.filter(status="sent")
    times = sent.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    left = Delivery.objects.exclude(status="sent").count()
    repeats = sum(1 for n in receiver.per_event.values() if n > 1)
    missing = sum(1 for e in events if receiver.per_event[e] == 0)
    print(f"sent {sent.count():,}/{len(events):,}, {left:,} not sent")
    if times["first"]:
        first = (times["first"] - back).total_seconds()
        last = (times["last"] - back).total_seconds()
        print(f"after the broker's return: first delivery {first:.1f} s, last {last:.1f} s")
    print(
        f"receiver: {sum(receiver.per_event.values()):,} requests for {len(receiver.per_event):,} "
        f"events; {repeats} events received more than once, {missing} never"
    )
    print(f"attempts logged: {DeliveryAttempt.objects.count():,}")
    runs = celery.log("worker").count("requeue_deliveries")
    print(f"outbox sweeps logged by the worker: {runs}")
    for what, name, marker in (
        ("worker connected again", "worker", "Connected to redis"),
        ("beat sent its first outbox sweep", "beat", "Sending due task requeue-deliveries"),
    ):
        at = first_logged_after(celery.log(name), marker, back)
        if at is not None:
            print(f"{what} {(at - back).total_seconds():.1f} s after the broker's return")


def first_logged_after(log: str, marker: str, since: datetime) -> datetime | None:
    """When a line with ``marker`` was first logged after ``since`` (Celery's log
    lines start with the local time: ``[2026-11-30 09:46:01,123: INFO/...``)."""
    for line in log.splitlines():
        if marker in line and line.startswith("["):
            stamp = datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S,%f").astimezone()
            if stamp >= since:
                return stamp
    return None


if __name__ == "__main__":
    main()
