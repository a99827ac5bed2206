"""Time some reports over the last year on a benchmark database as it is (no
load, no refresh: ``bench/reports.py --keep`` fills it), then print EXPLAIN
(ANALYZE, BUFFERS) of every query of each.

    .venv/bin/python bench/report_plans.py --database-url URL time_at_level repeats

Each report: one warm-up call, then ``--repeat`` calls timed (every team in
scope, weekly buckets, UTC), then the plans of the last call's queries.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    _common.setup_django(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reports.metrics import REPORTS, ReportFilter

    now = timezone.now()
    f = ReportFilter(start=now - timedelta(days=args.days), end=now, group="week")
    for name in args.reports:
        REPORTS[name](f)
        runs = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                REPORTS[name](f)
                runs.append(round((time.perf_counter() - started) * 1000))
        print(f"== {name}, {args.days} days: {runs} ms, {len(captured)} queries", flush=True)
        with connection.cursor() as cur:
            for query in captured.captured_queries:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print(query["sql"], "\n", "\n".join(row[0] for row in cur.fetchall()), "\n")


if __name__ == "__main__":
    main()
