"""Part d of bench/sweep.py alone: escalated clocks per second when level time
limits run out at once, on a fresh load of open tickets (no parts a to c before
it, so two versions of the code can be compared back to back in little time).

    REDIS_URL=redis://127.0.0.1:6379/4 CELERY_QUEUE=escalade-bench-sweep \\
      .venv/bin/python bench/sweep_escalations.py --tickets 20000 --escalate 1000
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=20_000, help="open tickets loaded")
    parser.add_argument("--escalate", type=int, default=1_000, help="level clocks made due")
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="drains of --escalate fresh clocks in this process, one after the other "
        "(the first also builds what a process builds once, e.g. the URL resolver)",
    )
    parser.add_argument("--database-url", default=_common.DEFAULT_DATABASE_URL)
    args = parser.parse_args()
    _common.setup_django(args.database_url)
    from _escalation import measure_escalations
    from django.conf import settings
    from sweep import count_queries

    _common.reset()
    _common.load_open_tickets(args.tickets, policy=_common.bench_policy())
    print(f"{args.tickets:,} open tickets; load average {os.getloadavg()[0]:.2f} at the start")
    for run in range(args.runs):
        if args.runs > 1:
            print(f"run {run + 1} of {args.runs}; load average {os.getloadavg()[0]:.2f}")
        measure_escalations(
            args.escalate,
            settings.SLA_SWEEP_BATCH_SIZE,
            settings.SLA_SWEEP_TIME_BUDGET,
            count_queries,
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
