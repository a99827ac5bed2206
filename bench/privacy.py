"""Benchmark of erasure and retention on PostgreSQL.

  a) erasure of one requester with ``--requester-tickets`` tickets (each with two
     comments, two audit entries, an inbox notification, an e-mail and a webhook
     delivery), among ``--background`` other tickets: wall time and queries. The
     erasure is one transaction, so its time is also how long it holds its locks.
  b) retention over ``--closed`` closed tickets past their period (each with a
     comment, an audit entry, an e-mail and a webhook delivery), drained the way
     the beat task does it (``PRIVACY_RETENTION_BATCH_SIZE`` tickets per
     transaction): tickets per second, and the longest a batch held its locks
     (p50 / p99 / max over the batches).

    .venv/bin/python bench/privacy.py                          # 1,000 then 1,000,000
    .venv/bin/python bench/privacy.py --closed 100000          # quicker

Rows are written with ``INSERT ... SELECT generate_series`` into a dedicated
database (``--database-url``, created if missing, migrated, emptied first).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/escalade_bench_privacy"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requester-tickets", type=int, default=1_000)
    parser.add_argument("--background", type=int, default=100_000)
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the setting")
    parser.add_argument("--action", choices=["pseudonymise", "delete"], default="pseudonymise")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="part b on the closed tickets a previous run loaded (no reset, no load)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds retention may run in part b (default: until nothing is due)",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    return parser.parse_args()


@contextmanager
def count_queries():
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def reset() -> None:
    from django.db import connection

    from reports.privacy.models import ErasureLog, RetentionRun

    _common.reset()
    tables = [ErasureLog._meta.db_table, RetentionRun._meta.db_table]
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def load(
    count: int, *, email: str, name: str, status: str, closed_days: int, agent, endpoint
) -> float:
    """Append ``count`` tickets of ``email`` (or of numbered requesters when
    ``email`` holds ``{n}``) with what hangs off them. Returns the seconds taken."""
    from django.db import connection

    started = time.perf_counter()
    closed = "now() - make_interval(days => %(days)s) - g * interval '1 second'"
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        (first,) = cur.fetchone()
        cur.execute(
            f"""
            INSERT INTO tickets_ticket (
                title, description, requester_name, requester_email, requester_language,
                impact, urgency, priority, priority_override, is_security, is_safety,
                is_legal, is_major_outage, status, level, created_at, updated_at,
                resolved_at, closed_at
            )
            SELECT 'Printer jam ' || g, replace(%(name)s, '{{n}}', (g %% 50000)::text)
                       || ' writes: the printer on floor 2 jams.',
                   replace(%(name)s, '{{n}}', (g %% 50000)::text),
                   replace(%(email)s, '{{n}}', (g %% 50000)::text), 'en',
                   3, 3, 'P3', '', false, false, false, false, %(status)s, 'L1',
                   {closed} - interval '2 days', {closed}, {closed}, {closed}
            FROM generate_series(1, %(count)s) AS g
            """,  # noqa: S608
            {"name": name, "email": email, "status": status, "days": closed_days, "count": count},
        )
        tickets = "SELECT * FROM tickets_ticket WHERE id > %(first)s"
        values = {"first": first, "agent": agent.pk, "endpoint": endpoint.pk}
        cur.execute(
            f"""
            INSERT INTO tickets_comment (ticket_id, author_id, body, is_public, created_at)
            SELECT t.id, %(agent)s, 'Dear ' || t.requester_name || ', a technician is coming.',
                   true, t.created_at
            FROM ({tickets}) t CROSS JOIN generate_series(1, 2)
            """,  # noqa: S608
            values,
        )
        cur.execute(
            f"""
            INSERT INTO tickets_ticketevent (
                ticket_id, actor_id, kind, field, old_value, new_value, note, created_at
            )
            SELECT t.id, %(agent)s, k.kind, k.field, '', k.value, '', t.created_at
            FROM ({tickets}) t
            CROSS JOIN (VALUES ('created', '', ''), ('status', 'status', 'closed')) AS
                k(kind, field, value)
            """,  # noqa: S608
            values,
        )
        cur.execute(
            f"""
            INSERT INTO notifications_notification (
                event_id, kind, subject, body, url, created_at, recipient_id, ticket_id
            )
            SELECT gen_random_uuid(), 'ticket.created', 'New ticket from ' || t.requester_name,
                   t.requester_name || ' opened a ticket.', '/tickets/' || t.id || '/',
                   t.created_at, %(agent)s, t.id
            FROM ({tickets}) t
            """,  # noqa: S608
            values,
        )
        payload = (
            "jsonb_build_object('ticket', jsonb_build_object('id', t.id, 'requester', "
            "t.requester_name, 'title', t.title), 'event', 'ticket.created')"
        )
        cur.execute(
            f"""
            INSERT INTO notifications_delivery (
                key, event_id, kind, channel, address, language, time_zone, context, status,
                attempts, next_attempt_at, last_error, created_at, sent_at, user_id, endpoint_id
            )
            SELECT gen_random_uuid()::text || ':' || c.channel, gen_random_uuid(),
                   'ticket.created', c.channel,
                   CASE WHEN c.channel = 'email' THEN t.requester_email
                        ELSE 'https://hooks.example.com/in' END,
                   'en', 'UTC',
                   CASE WHEN c.channel = 'email'
                        THEN {payload} || jsonb_build_object('recipient', t.requester_name)
                        ELSE jsonb_build_object('body', ({payload})::text) END,
                   'sent', 1, t.created_at, '', t.created_at, t.created_at, NULL,
                   CASE WHEN c.channel = 'webhook' THEN %(endpoint)s END
            FROM ({tickets}) t CROSS JOIN (VALUES ('email'), ('webhook')) AS c(channel)
            """,  # noqa: S608
            values,
        )
        for table in (
            "tickets_ticket",
            "tickets_comment",
            "tickets_ticketevent",
            "notifications_notification",
            "notifications_delivery",
        ):
            cur.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def part_a(args, agent, endpoint) -> None:
    from reports.privacy.services.erasure import requester_erase
    from tickets.models import Ticket

    print(f"\n## a) Erasure of a requester with {args.requester_tickets:,} tickets")
    took = load(
        args.background,
        email="someone{n}@example.com",
        name="Someone {n}",
        status="open",
        closed_days=1,
        agent=agent,
        endpoint=endpoint,
    )
    took += load(
        args.requester_tickets,
        email="ewa.bench@example.com",
        name="Ewa Benchmark",
        status="open",
        closed_days=1,
        agent=agent,
        endpoint=endpoint,
    )
    print(f"loaded {args.background + args.requester_tickets:,} tickets in {took:.1f} s")
    with count_queries() as queries:
        started = time.perf_counter()
        log = requester_erase(email="ewa.bench@example.com", actor=agent)
        seconds = time.perf_counter() - started
    left = Ticket.objects.filter(requester_email="ewa.bench@example.com").count()
    print(
        f"erased {log.tickets:,} tickets in {seconds:.2f} s (one transaction: the locks are "
        f"held that long), {queries['n']} queries, rows changed: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(log.rows.items()))
        + f"; tickets still naming the address: {left}"
    )


def part_b(args, agent, endpoint) -> None:
    from django.conf import settings
    from django.db import connection

    from reports.privacy.services import retention

    size = args.batch_size or settings.PRIVACY_RETENTION_BATCH_SIZE
    print(
        f"\n## b) Retention ({args.action}) over {args.closed:,} closed tickets, batches of {size}"
    )
    if not args.keep:
        took = load(
            args.closed,
            email="customer{n}@example.com",
            name="Customer {n}",
            status="closed",
            closed_days=800,
            agent=agent,
            endpoint=endpoint,
        )
        print(f"loaded {args.closed:,} closed tickets (and 6 rows each) in {took:.1f} s")
    settings.PRIVACY_RETENTION_DAYS = 730
    settings.PRIVACY_RETENTION_ACTION = args.action
    started = time.perf_counter()
    preview = retention.retention_preview()
    print(f"dry run: {preview['totals']} in {time.perf_counter() - started:.2f} s")
    durations: list[float] = []
    original = retention._batch

    def timed(rule, **kwargs):
        begun = time.perf_counter()
        done = original(rule, **kwargs)
        if done:
            durations.append(time.perf_counter() - begun)
        return done

    retention._batch = timed
    with count_queries() as queries:
        started = time.perf_counter()
        budget = args.budget if args.budget is not None else 10**9
        run = retention.retention_apply(batch_size=size, time_budget=budget)
        seconds = time.perf_counter() - started
    retention._batch = original
    done = run.pseudonymised + run.deleted
    print(
        f"{done:,} tickets in {seconds:.1f} s = {done / seconds:,.0f} tickets/s, "
        f"{run.batches:,} batches, {queries['n'] / max(run.batches, 1):.1f} queries per batch"
        + ("" if run.complete else f" (time budget of {args.budget:g} s spent: the rest is left)")
    )
    print("lock held per batch (its transaction): " + _common.summary(durations))
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket WHERE requester_email LIKE 'customer%%'")
        print(f"tickets still naming a customer's address: {cur.fetchone()[0]}")


def fresh():
    """Empty tables, an agent who wrote the comments and a webhook endpoint."""
    from notifications.models import WebhookEndpoint
    from tickets.models import User

    reset()
    agent = User.objects.create(username="bench-agent", is_staff=True)
    endpoint = WebhookEndpoint.objects.create(name="Bench", url="https://hooks.example.com/in")
    return agent, endpoint


def fixtures():
    """The agent and endpoint of a previous run (``--keep``)."""
    from notifications.models import WebhookEndpoint
    from tickets.models import User

    return User.objects.get(username="bench-agent"), WebhookEndpoint.objects.first()


def main() -> None:
    args = parse_args()
    _common.setup_django(args.database_url)
    print(f"# Privacy benchmark, PostgreSQL, Python {platform.python_version()}")
    if args.requester_tickets:
        part_a(args, *fresh())
    if args.closed:
        part_b(args, *(fixtures() if args.keep else fresh()))


if __name__ == "__main__":
    main()
