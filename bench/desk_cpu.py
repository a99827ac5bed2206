"""CPU per request of the queue page and the ticket list API, in process.

Runs on the data ``desk_queue.py`` loaded (it loads none) and prints, for a few
lines, the median CPU time of this process per request (Django, DRF, the driver:
what bounds requests per second per core, whatever else the machine runs) and the
median wall time, ``--runs`` requests each after three warm-ups. Run it from two
worktrees in turn, on the same database, to compare code:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esc_desk \\
        .venv/bin/python bench/desk_cpu.py --runs 30
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

LINES = [
    ("bench-agent0", "/"),
    ("bench-admin", "/"),
    ("bench-agent0", "/?sla_status=breached"),
    ("bench-agent0", "/api/v1/tickets/"),
    ("bench-admin", "/api/v1/tickets/"),
    ("bench-admin", "/api/v1/tickets/?ordering=next_due"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    _common.setup_django(os.environ.get("DATABASE_URL", _common.DEFAULT_DATABASE_URL))
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from tickets.models import User

    for username, path in LINES:
        user = User.objects.get(username=username)
        client, headers = Client(), {}
        if path.startswith("/api/"):
            token, _created = Token.objects.get_or_create(user=user)
            headers["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        else:
            client.force_login(user)
        for _ in range(3):
            client.get(path, **headers)
        wall, cpu = [], []
        for _ in range(args.runs):
            started, used = time.perf_counter(), time.process_time()
            client.get(path, **headers)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        print(
            f"{username:13} {path:40} cpu {statistics.median(cpu) * 1000:5.1f} ms  "
            f"wall {statistics.median(wall) * 1000:6.1f} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
