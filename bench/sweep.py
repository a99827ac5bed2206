"""Benchmark of the SLA sweep on PostgreSQL.

For each size in ``--tickets`` (cumulative: the loader appends tickets up to it):
  a) the cost of one ``sla_sweep()`` with nothing due (median, p99), the queries
     it runs, and EXPLAIN (ANALYZE, BUFFERS) of its claim query;
  b) clocks processed per second when ``--due`` clocks come due at once: first
     their warnings, then their breaches, drained the way the beat task does it
     (``SLA_SWEEP_BATCH_SIZE`` / ``SLA_SWEEP_TIME_BUDGET``);
  c) the empty sweep again right after that burst (the index still holds the
     dead entries of the rows just updated) and after VACUUM;
  d) escalated clocks per second when ``--escalate`` tickets' level time limits
     run out at once (``bench/_escalation.py``).

    .venv/bin/python bench/sweep.py                      # 100,000 then 1,000,000
    .venv/bin/python bench/sweep.py --tickets 10000      # quick run

Everything it needs is created from scratch in a dedicated database
(``--database-url``, created if missing, migrated, emptied at the start); the
loaded tickets get their reporting facts and daily rollups (a rebuild), as
tickets created through the services have them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--tickets",
        default="100000,1000000",
        help="open-ticket counts to measure at, comma-separated, ascending (default %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=50, help="empty sweeps timed per size")
    parser.add_argument("--due", type=int, default=10_000, help="clocks made due in part b")
    parser.add_argument("--escalate", type=int, default=10_000, help="level clocks in part d")
    parser.add_argument("--batch-size", type=int, default=None, help="default: the setting")
    parser.add_argument("--database-url", default=_common.DEFAULT_DATABASE_URL)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    return parser.parse_args()


@contextmanager
def count_queries():
    """Count the statements sent to the database (cheap, unlike CaptureQueriesContext)."""
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def machine() -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        (pg,) = cur.fetchone()
        cur.execute("SHOW shared_buffers")
        (buffers,) = cur.fetchone()
    return (
        f"{os.cpu_count()} CPU(s), {platform.machine()}, Linux {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg} (shared_buffers {buffers}); "
        f"load average at start {os.getloadavg()[0]:.2f} (the machine may be shared)"
    )


def table_figures() -> str:
    from django.db import connection

    from escalations.models import SlaClock
    from tickets.models import Ticket

    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT (SELECT count(*) FROM {Ticket._meta.db_table}),
                   count(*),
                   count(*) FILTER (WHERE next_action_at IS NOT NULL),
                   pg_size_pretty(pg_total_relation_size('{SlaClock._meta.db_table}')),
                   pg_size_pretty(pg_relation_size('sla_clock_next_action'))
            FROM {SlaClock._meta.db_table}
            """  # noqa: S608
        )
        tickets, clocks, indexed, size, index = cur.fetchone()
    return (
        f"{tickets:,} open tickets, {clocks:,} clocks, {indexed:,} with a next action "
        f"(in the partial index, {index}); clock table with indexes {size}"
    )


def time_empty_sweeps(runs: int, label: str) -> list[float]:
    from escalations.services.sweep import sla_sweep

    for _ in range(3):  # warm the connection and the caches
        assert sla_sweep().clocks == 0, "something was due in the empty sweep"
    durations = []
    with count_queries() as queries:
        for _ in range(runs):
            started = time.perf_counter()
            result = sla_sweep()
            durations.append(time.perf_counter() - started)
            assert result.clocks == 0, "something was due in the empty sweep"
    print(f"  {label}: {_common.summary(durations)}; {queries['n'] / runs:.0f} queries per sweep")
    return durations


def claim_sql() -> str:
    """The claim query exactly as one sweep sends it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from escalations.services.sweep import sla_sweep

    with CaptureQueriesContext(connection) as ctx:
        sla_sweep()
    return next(q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"])


def server_times(sql: str, runs: int) -> list[float]:
    """Execution time of the claim query inside PostgreSQL (EXPLAIN ANALYZE), in seconds."""
    from django.db import connection, transaction

    times = []
    with transaction.atomic(), connection.cursor() as cur:
        for _ in range(runs):
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            (plan,) = cur.fetchone()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            times.append(plan[0]["Execution Time"] / 1000)
        transaction.set_rollback(True)
    return times


def explain(sql: str) -> str:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        lines = [row[0] for row in cur.fetchall()]
        transaction.set_rollback(True)
    return "\n".join("    " + line for line in lines)


def make_due(ids: list[int] | None, count: int, kind: str) -> list[int]:
    """Make ``count`` running resolution clocks due now: their warning (``kind``
    "warning", breach still an hour away) or their breach (warning already sent)."""
    from django.db import connection

    from escalations.models import SlaClock

    table = SlaClock._meta.db_table
    with connection.cursor() as cur:
        if ids is None:
            cur.execute(
                f"""
                SELECT id FROM {table}
                WHERE state = 'running' AND metric = 'resolution'
                ORDER BY md5(id::text) LIMIT %s
                """,  # noqa: S608
                [count],
            )
            ids = [row[0] for row in cur.fetchall()]
        if kind == "warning":
            cur.execute(
                f"""
                UPDATE {table} SET
                    warn_at = x.at, next_action_at = x.at, warned_at = NULL,
                    due_at = now() + interval '1 hour'
                FROM (SELECT id, now() - interval '10 seconds'
                             - random() * interval '5 minutes' AS at
                      FROM {table} WHERE id = ANY(%s)) x
                WHERE {table}.id = x.id
                """,  # noqa: S608
                [ids],
            )
        else:
            cur.execute(
                f"""
                UPDATE {table} SET due_at = x.at, next_action_at = x.at
                FROM (SELECT id, now() - interval '10 seconds'
                             - random() * interval '5 minutes' AS at
                      FROM {table} WHERE id = ANY(%s)) x
                WHERE {table}.id = x.id
                """,  # noqa: S608
                [ids],
            )
    return ids


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (user and
    system, from /proc: the server on this machine only), or None. Less
    dependent on the machine's load than wall-clock time."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (pid,) = cur.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain(label: str, batch_size: int, budget: float) -> None:
    """Run sweeps as the beat task would, until nothing is due; print the rate."""
    from escalations.services.sweep import sla_sweep

    calls, processed, warnings, breaches, batches = [], 0, 0, 0, 0
    with count_queries() as queries:
        started, cpu, server = time.perf_counter(), time.process_time(), backend_cpu()
        while True:
            t0 = time.perf_counter()
            result = sla_sweep(batch_size=batch_size, time_budget=budget)
            calls.append(time.perf_counter() - t0)
            processed += result.clocks
            warnings += result.warnings
            breaches += result.breaches
            batches += result.batches
            if result.clocks == 0:
                break
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        server = None if server is None else backend_cpu() - server
    n = max(processed, 1)
    inside = "" if server is None else f" + {server * 1000 / n:.2f} ms of its PostgreSQL backend's"
    print(
        f"  {label}: {processed:,} clocks in {elapsed:.2f} s = {processed / elapsed:,.0f} "
        f"clocks/s; {cpu * 1000 / n:.2f} ms of this process's CPU a clock{inside} "
        f"= {processed / max(cpu, 1e-9):,.0f} a CPU second of this process "
        f"({warnings:,} warnings, {breaches:,} breaches, {batches} batches of "
        f"<= {batch_size}, {len(calls) - 1} task run(s) of <= {budget:g} s, "
        f"{queries['n'] / max(processed, 1):.1f} queries per clock)"
    )


def measure(args: argparse.Namespace, batch_size: int, budget: float) -> None:
    from django.db import connection

    from escalations.models import SlaClock, SlaClockAlert

    print(f"\n== {table_figures()}")
    print("a) sweep with nothing due")
    time_empty_sweeps(args.runs, "empty sweep")
    sql = claim_sql()
    print(
        "  claim query:\n    "
        + re.sub(r"^SELECT .*? FROM", "SELECT <clock and ticket columns> FROM", sql)
    )
    print(f"  claim query inside PostgreSQL: {_common.summary(server_times(sql, args.runs))}")
    print("  EXPLAIN (ANALYZE, BUFFERS):")
    print(explain(sql))

    print(f"b) {args.due:,} clocks due at once")
    ids = make_due(None, args.due, "warning")
    if len(ids) < args.due:
        print(f"  (only {len(ids):,} running resolution clocks at this size)")
    drain("warnings", batch_size, budget)
    make_due(ids, args.due, "breach")
    print("  EXPLAIN (ANALYZE, BUFFERS) of the first claim with breaches due:")
    print(explain(claim_sql_due()))
    drain("breaches", batch_size, budget)
    alerts = SlaClockAlert.objects.filter(clock_id__in=ids)
    assert alerts.filter(kind="warning").count() == len(ids)
    assert alerts.filter(kind="breach").count() == len(ids)
    assert not SlaClock.objects.filter(pk__in=ids, next_action_at__isnull=False).exists()

    print("c) empty sweep after the burst")
    time_empty_sweeps(args.runs, "before VACUUM (dead index entries)")
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {SlaClock._meta.db_table}")
    time_empty_sweeps(args.runs, "after VACUUM")

    if args.escalate:
        from _escalation import measure_escalations

        print(f"d) {args.escalate:,} level time limits run out at once")
        measure_escalations(args.escalate, batch_size, budget, count_queries)


def claim_sql_due() -> str:
    """The claim query of a sweep that has work, without running the sweep."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from escalations.services import sweep

    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        sweep._claim(timezone.now(), 100)
        transaction.set_rollback(True)
    return next(q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"])


def last_ticket_id() -> int:
    from tickets.models import Ticket

    return Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def build_facts(after_id: int) -> float:
    """The reporting facts and daily rollups of the tickets after ``after_id``,
    as creating them through the services keeps them (the loader writes rows
    directly): a breach then refreshes facts that exist, as in production."""
    from django.db import connection

    from reports.models import ClockDay, ClockFact
    from reports.services.rollups import rollups_rebuild

    started = time.perf_counter()
    for _progress in rollups_rebuild(after_id=after_id):
        pass
    with connection.cursor() as cur:
        for model in (ClockFact, ClockDay):
            cur.execute(f"ANALYZE {model._meta.db_table}")
    return time.perf_counter() - started


def drop_database(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        name = parts.path.lstrip("/")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    print(f"dropped database {name}")


def main() -> None:
    args = parse_args()
    sizes = sorted(int(s) for s in args.tickets.split(","))
    _common.setup_django(args.database_url)
    from django.conf import settings

    from tickets import events

    batch_size = args.batch_size or getattr(settings, "SLA_SWEEP_BATCH_SIZE", 100)
    budget = settings.SLA_SWEEP_TIME_BUDGET
    print(f"machine: {machine()}")
    print(
        f"database: {args.database_url}; batch size {batch_size}, time budget {budget:g} s; "
        f"listeners on sla.warning/sla.breach: "
        f"{len(events.listeners(events.SLA_WARNING))}/"
        f"{len(events.listeners(events.SLA_BREACH))}"
    )
    _common.reset()
    policy = _common.bench_policy()
    loaded = 0
    for size in sizes:
        after_id = last_ticket_id()
        seconds = _common.load_open_tickets(size - loaded, policy=policy)
        print(
            f"\nloaded {size - loaded:,} tickets and their clocks in {seconds:.1f} s "
            f"({(size - loaded) / seconds:,.0f} tickets/s, ANALYZE included)"
        )
        print(f"built their reporting facts and rollups in {build_facts(after_id):.1f} s")
        loaded = size
        measure(args, batch_size, budget)
    if args.drop:
        drop_database(args.database_url)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")
