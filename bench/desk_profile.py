"""Where one request of the desk spends its time, in process, by part.

Runs on the data ``desk_queue.py`` loaded (it loads none), profiles ``--runs``
requests of one user and path after three warm-ups (cProfile, whose overhead
roughly doubles the time), and prints the cumulative milliseconds per request of
the parts a list request goes through, then the top of the profile:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esc_desk \\
        .venv/bin/python bench/desk_profile.py --user bench-admin --path /api/v1/tickets/
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

# (label, file suffix, function name): the parts of a list request, as cProfile
# names them; a part absent from the path profiled is left out.
PARTS = [
    ("the page of rows (count included)", "config/paging.py", "page"),
    ("the count", "config/paging.py", "count_exact"),
    ("the page's clocks", "escalations/selectors.py", "clocks_attach"),
    ("serialization", "rest_framework/serializers.py", "data"),
    ("authentication", "rest_framework/views.py", "perform_authentication"),
    ("SQL compilation", "django/db/models/sql/compiler.py", "as_sql"),
    ("waiting on the database", "psycopg/connection.py", "wait"),
    ("rendering the queue page", "django/shortcuts.py", "render"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", default="bench-admin")
    parser.add_argument("--path", default="/api/v1/tickets/")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    _common.setup_django(os.environ.get("DATABASE_URL", _common.DEFAULT_DATABASE_URL))
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from tickets.models import User

    user = User.objects.get(username=args.user)
    client, headers = Client(), {}
    if args.path.startswith("/api/"):
        token, _created = Token.objects.get_or_create(user=user)
        headers["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    else:
        client.force_login(user)
    for _ in range(3):
        client.get(args.path, **headers)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        client.get(args.path, **headers)
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"{args.user} {args.path}: ms per request under the profiler, {args.runs} requests")
    print(f"  {'whole request':36} {stats.total_tt / args.runs * 1000:7.1f}")
    for label, suffix, name in PARTS:
        total = sum(
            row[3]
            for (filename, _line, function), row in stats.stats.items()
            if filename.endswith(suffix) and function == name
        )
        if total:
            print(f"  {label:36} {total / args.runs * 1000:7.1f}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
