"""Benchmark of notification delivery on PostgreSQL (and Redis for part c).

a) ``event_emit()``: the cost, inside the writer's transaction, of turning one event into
   inbox rows and outbox deliveries, for 1, 10 and 50 recipients and one
   webhook endpoint (median and p99 per event, statements per event);
b) sending in one process: deliveries per second through ``outbox.delivery_send``
   (claim, render, send, attempt log), e-mail to Django's in-memory backend and
   webhooks to an HTTP server on 127.0.0.1;
c) through Celery: ``--deliveries`` e-mail deliveries committed at once and
   drained by a real worker (``--concurrency``) on Redis: deliveries per second
   and the time from commit to each delivery being sent.

    .venv/bin/python bench/notifications.py
    .venv/bin/python bench/notifications.py --deliveries 500 --runs 50   # quicker

It empties the tables it uses in the bench database (``--database-url``,
created and migrated if missing) at the start.
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

QUEUE = "escalade-bench-notify"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="events emitted per size in a")
    parser.add_argument("--sends", type=int, default=2000, help="deliveries sent per channel in b")
    parser.add_argument("--deliveries", type=int, default=5000, help="deliveries drained in c")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes in c")
    parser.add_argument("--database-url", default=_common.DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    return parser.parse_args()


class Counting:
    """Statements sent to the database while active."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def receiver() -> str:
    """An HTTP server on 127.0.0.1 that answers 204 to every POST."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/hook"


def make_world(recipients: int):
    from tickets.models import Team, Ticket, Tier, User

    team = Team.objects.create(name="Bench notify", tier=Tier.L2)
    languages = ["en", "pl", "fr", "nl", "ru"]
    zones = ["Europe/Warsaw", "America/New_York", "Asia/Tokyo", "UTC"]
    people = [
        User.objects.create_user(
            username=f"bench-notify-{n}",
            email=f"bench-notify-{n}@example.com",
            language=languages[n % len(languages)],
            time_zone=zones[n % len(zones)],
        )
        for n in range(recipients)
    ]
    team.members.add(*people)
    ticket = Ticket.objects.create(
        title="Checkout is down for every shopper",
        description="Payment page answers 502 since 09:12.",
        requester_name="Rita Requester",
        requester_email="rita@example.com",
        impact=1,
        urgency=1,
        priority="P1",
        team=team,
        level=Tier.L2,
    )
    return ticket, people


def part_a(args, ticket, people, webhook_url) -> None:
    from django.db import connection, transaction

    from notifications.models import EventKind, WebhookEndpoint
    from notifications.recipients import users
    from notifications.services.dispatch import event_emit

    WebhookEndpoint.objects.create(name="Bench", url=webhook_url, secret="bench")  # noqa: S106
    print("\na) event_emit(): one event to inbox and outbox, inside the writer's transaction")
    print("| recipients | deliveries/event | median | p99 | events/s | statements/event |")
    print("|---:|---:|---:|---:|---:|---:|")
    with transaction.atomic():  # warm up: URL resolver, template cache, connections
        event_emit(kind=EventKind.ESCALATED, ticket=ticket, recipients=users(people[:1]))
    for size in (1, 10, 50):
        chosen = users(people[:size])
        times, counter = [], Counting()
        with connection.execute_wrapper(counter):
            for _ in range(args.runs):
                started = time.perf_counter()
                with transaction.atomic():
                    event_emit(kind=EventKind.ESCALATED, ticket=ticket, recipients=chosen)
                times.append(time.perf_counter() - started)
        per_event = size + 1  # an e-mail per recipient, one webhook
        print(
            f"| {size} | {per_event} | {statistics.median(times) * 1000:.2f} ms "
            f"| {_common.percentile(times, 99) * 1000:.2f} ms "
            f"| {1 / statistics.mean(times):,.0f} | {counter.n / args.runs:.1f} |"
        )


def part_b(args) -> None:
    from django.core import mail
    from django.test.utils import override_settings

    from notifications.models import Channel, Delivery
    from notifications.services.outbox import delivery_send

    print("\nb) sending in one process: outbox.delivery_send, one delivery after another")
    print("| channel | deliveries | per second | median | p99 |")
    print("|---|---:|---:|---:|---:|")
    for channel in (Channel.EMAIL, Channel.WEBHOOK):
        ids = list(
            Delivery.objects.filter(channel=channel, status="pending")
            .order_by("pk")
            .values_list("pk", flat=True)[: args.sends]
        )
        times = []
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            for pk in ids:
                started = time.perf_counter()
                sent = delivery_send(delivery_id=pk)
                times.append(time.perf_counter() - started)
                if sent is None or sent.status != "sent":
                    raise SystemExit(f"delivery {pk} not sent: {sent and sent.status}")
                if len(mail.outbox) > 500:
                    mail.outbox = []
        print(
            f"| {channel.label} | {len(ids):,} | {len(ids) / sum(times):,.0f} "
            f"| {statistics.median(times) * 1000:.2f} ms "
            f"| {_common.percentile(times, 99) * 1000:.2f} ms |"
        )


def part_c(args, ticket, people) -> None:
    from django.db import transaction
    from django.db.models import F, Max, Min

    from notifications.models import Delivery, EventKind, WebhookEndpoint
    from notifications.recipients import users
    from notifications.services.dispatch import event_emit

    WebhookEndpoint.objects.all().delete()
    Delivery.objects.all().delete()
    _common.purge_queue()  # the tasks enqueued in part a, for deliveries now gone
    env = _common.child_env(
        database_url=args.database_url,
        redis_url=args.redis_url,
        queue=QUEUE,
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
    )
    celery = _common.Celery(env, prefix="escalade-notify-")
    atexit.register(celery.stop)
    celery.worker("bench-notify", concurrency=args.concurrency)
    try:
        celery.wait_ready(60)
        chosen = users(people)
        events = max(1, args.deliveries // len(chosen))
        started = time.perf_counter()
        with transaction.atomic():  # committed at once: the worst burst
            for _ in range(events):
                event_emit(kind=EventKind.ESCALATED, ticket=ticket, recipients=chosen)
        committed = time.perf_counter()
        total = Delivery.objects.count()
        while Delivery.objects.filter(status="sent").count() < total:
            if time.perf_counter() - committed > 600:
                raise SystemExit("TIMEOUT: deliveries not all sent after 600 s")
            time.sleep(0.2)
        drained = time.perf_counter()
    finally:
        celery.stop()
    span = Delivery.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    lags = [
        d.total_seconds()
        for d in Delivery.objects.annotate(lag=F("sent_at") - F("created_at")).values_list(
            "lag", flat=True
        )
    ]
    busy = (span["last"] - span["first"]).total_seconds() or 1e-9
    print(
        f"\nc) through Celery: {total:,} e-mail deliveries ({events} events x {len(chosen)} "
        f"recipients) committed in {committed - started:.2f} s, drained by "
        f"{args.concurrency} worker process(es) in {drained - committed:.1f} s"
    )
    print(
        f"   {total / busy:,.0f} deliveries/s while sending; commit to sent: "
        + _common.summary(lags, unit="s", scale=1.0)
    )


def main() -> None:
    args = parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["CELERY_QUEUE"] = QUEUE
    os.environ["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "1"  # the receiver is on 127.0.0.1
    _common.setup_django(args.database_url)
    import django
    from django.db import connection

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        (pg,) = cur.fetchone()
    print(
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}; Python "
        f"{sys.version.split()[0]}, Django {django.get_version()}, PostgreSQL {pg}"
    )
    _common.reset()
    _common.purge_queue()
    ticket, people = make_world(50)
    part_a(args, ticket, people, receiver())
    part_b(args)
    part_c(args, ticket, people)


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total run time {time.perf_counter() - t0:.0f} s")
