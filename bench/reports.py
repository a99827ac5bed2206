"""Benchmark of the reports on PostgreSQL.

Loads ``--tickets`` tickets over two years (with 30 % as many escalations and
half as many level stints, reviews, clocks, alerts and surveys; see
``_reports_data``), then times every report for the last quarter and the last
year (median of ``--repeat`` runs, every team in scope, weekly buckets, UTC), prints
EXPLAIN (ANALYZE, BUFFERS) of the slowest query of the slowest report, and
measures the stint backfill (``backfill_stints``) in rows per second on
``--backfill`` tickets with an audit trail. Before timing, it brings the
escalation facts and daily rollups up to date (from scratch after a load) and
prints the rate.

    .venv/bin/python bench/reports.py                       # 1,000,000 tickets
    .venv/bin/python bench/reports.py --tickets 100000      # quicker

The database (``--database-url``) is created if missing, migrated and emptied.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common
import _reports_data


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backfill", type=int, default=20_000, help="tickets to backfill")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/esc_reports"
        ),
    )
    parser.add_argument("--keep", action="store_true", help="reuse the data of an earlier run")
    return parser.parse_args()


def empty() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE reports_escalationday, reports_escalationfact, reports_clockday, "
            "reports_clockfact, reports_resolutionday, reports_stintday, reports_stintfact, "
            "reports_surveyresponse, reports_levelstint, reports_digestlog, "
            "escalations_slaclockalert, escalations_slaclock, escalations_escalationreview, "
            "escalations_escalation, tickets_ticketevent, tickets_ticket CASCADE"
        )


def time_reports(repeat: int) -> dict[tuple[str, str], tuple[float, list]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reports.metrics import REPORTS, ReportFilter

    now = timezone.now()
    results = {}
    for window, days in (("quarter", 91), ("year", 365)):
        f = ReportFilter(start=now - timedelta(days=days), end=now, group="week")
        for name, build in REPORTS.items():
            runs = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    build(f)
                    runs.append(time.perf_counter() - started)
            results[(name, window)] = (statistics.median(runs), list(captured.captured_queries))
            print(
                f"  {name:16} {window:8} {statistics.median(runs) * 1000:8.1f} ms "
                f"({len(captured.captured_queries)} queries)",
                flush=True,
            )
    return results


def explain(queries: list) -> str:
    """EXPLAIN ANALYZE of the slowest of ``queries``."""
    from django.db import connection

    slowest, plan = -1.0, ""
    with connection.cursor() as cur:
        for query in queries:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            lines = [row[0] for row in cur.fetchall()]
            took = float(lines[-1].split(":")[1].split()[0]) if "Execution Time" in lines[-1] else 0
            if took > slowest:
                slowest, plan = took, query["sql"] + "\n\n" + "\n".join(lines)
    return plan


def bench_backfill(count: int) -> float:
    """Tickets with a trail (created, escalated L1 -> L2, pending and back,
    resolved) and no stints; the backfill's stints per second."""
    from django.db import connection

    from reports.services.backfill import stints_backfill

    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        (first,) = cur.fetchone()
        cur.execute(
            """
            INSERT INTO tickets_ticket (title, description, requester_name, requester_email,
                requester_language, impact, urgency, priority, priority_override, is_security,
                is_safety, is_legal, is_major_outage, status, level, created_at, updated_at)
            SELECT 'Backfill ' || g, '-', 'R', 'b@example.com', 'en', 3, 3, 'P3', '',
                   false, false, false, false, 'resolved', 'L2', now() - interval '30 days',
                   now() - interval '30 days'
            FROM generate_series(1, %s) g
            """,
            [count],
        )
        cur.execute(
            """
            INSERT INTO tickets_ticketevent (ticket_id, kind, field, old_value, new_value, note,
                                             created_at)
            SELECT t.id, e.kind, e.field, e.old, e.new, '',
                   t.created_at + e.minutes * interval '1 minute'
            FROM tickets_ticket t
            CROSS JOIN (VALUES ('changed', 'team', 'L1 team 0 (L1)', 'L2 team 0 (L2)', 30),
                               ('changed', 'level', 'L1', 'L2', 30),
                               ('status', 'status', 'open', 'pending', 60),
                               ('status', 'status', 'pending', 'open', 90),
                               ('status', 'status', 'open', 'resolved', 150))
                 AS e(kind, field, old, new, minutes)
            WHERE t.id > %s
            """,
            [first],
        )
        cur.execute("ANALYZE tickets_ticketevent")
    started = time.perf_counter()
    stints = sum(batch.stints for batch in stints_backfill(batch_size=500, after_id=first))
    elapsed = time.perf_counter() - started
    print(
        f"  backfill: {count:,} tickets, {stints:,} stints in {elapsed:.1f} s: "
        f"{stints / elapsed:,.0f} stints/s, {count / elapsed:,.0f} tickets/s"
    )
    return stints / elapsed


def bench_rollups() -> None:
    """Refresh the escalation facts and daily rollups of every ticket
    (``manage.py rebuild_rollups``): from scratch after a load, else only what
    changed (nothing, on data kept from an earlier run)."""
    from django.db import connection

    from reports.models import (
        ClockDay,
        ClockFact,
        EscalationDay,
        EscalationFact,
        ResolutionDay,
        StintDay,
        StintFact,
    )
    from reports.services.rollups import rollups_rebuild
    from tickets.models import Ticket

    scratch = not (EscalationFact.objects.exists() and ClockFact.objects.exists())
    started = time.perf_counter()
    rows = sum(step.rows for step in rollups_rebuild(from_scratch=scratch))
    elapsed = time.perf_counter() - started
    with connection.cursor() as cur:
        for table in (
            *("escalationfact", "escalationday", "clockfact", "clockday", "resolutionday"),
            *("stintfact", "stintday"),
        ):
            cur.execute(f"VACUUM ANALYZE reports_{table}")
    facts, clocks = EscalationFact.objects.count(), ClockFact.objects.count()
    tickets = Ticket.objects.count()
    print(
        f"  rollups ({'from scratch' if scratch else 'refresh'}) in {elapsed:.1f} s: "
        f"{facts:,} escalation facts, {EscalationDay.objects.count():,} escalation day rows, "
        f"{clocks:,} clock facts, {ClockDay.objects.count():,} clock day rows, "
        f"{ResolutionDay.objects.count():,} resolution day rows, "
        f"{StintFact.objects.count():,} stint facts, {StintDay.objects.count():,} stint day rows "
        f"({rows:,} rollup rows changed): {tickets / elapsed:,.0f} tickets/s, "
        f"{(facts + clocks) / elapsed:,.0f} facts/s"
    )


def main() -> None:
    args = parse_args()
    _common.setup_django(args.database_url)
    print(f"PostgreSQL reports benchmark: {args.tickets:,} tickets")
    if not args.keep:
        empty()
        started = time.perf_counter()
        _reports_data.load(args.tickets)
        print(f"  loaded in {time.perf_counter() - started:.0f} s")
    bench_rollups()
    from django.db import connection

    with connection.cursor() as cur:
        for table in (
            "tickets_ticket",
            "escalations_escalation",
            "reports_levelstint",
            "escalations_slaclock",
            "reports_surveyresponse",
            "reports_escalationfact",
            "reports_escalationday",
            "reports_clockfact",
            "reports_clockday",
            "reports_resolutionday",
            "reports_stintfact",
            "reports_stintday",
        ):
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            print(f"  {table}: {cur.fetchone()[0]:,} rows")
    print(f"Reports (median of {args.repeat} runs):")
    results = time_reports(args.repeat)
    (name, window), (took, queries) = max(results.items(), key=lambda item: item[1][0])
    print(
        f"\nSlowest: {name} over the {window}, {took * 1000:.0f} ms. "
        "EXPLAIN of its slowest query:\n"
    )
    print(explain(queries))
    if args.backfill:
        print("\nBackfill:")
        bench_backfill(args.backfill)


if __name__ == "__main__":
    main()
