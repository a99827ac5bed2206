"""What one time shown on a page costs (``{{ value|moment }}``, ``|due``).

A queue page shows about fifty. For each language, the microseconds per time of:
Django's own formatting of the exact time and the span (``dateformat.format`` and
``timesince``, as the pages called them before); ``Moments`` on times whose exact
text it has not kept yet (new times: only their dates, minutes and spans were
seen before, as in a process that has served a few pages); and ``Moments`` again
on the same times (a queue refreshing itself), medians of ``--repeat`` rounds of
``--times`` times each.
Needs no database.

    .venv/bin/python bench/moments.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--times", type=int, default=50, help="times on a page")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-not-secret")
    import django

    django.setup()
    from django.utils import dateformat, timezone, translation
    from django.utils.formats import get_format
    from django.utils.timesince import timesince

    from tickets.templatetags import moments

    timezone.activate("Europe/Warsaw")
    for language in ("en", "pl", "fr", "nl", "ru"):
        translation.activate(language)
        fmt = get_format("DATETIME_FORMAT")
        django_, first, again = [], [], []
        for round_ in range(args.repeat):
            now = timezone.now()
            # Times a page has not shown yet: new ones every round.
            values = [
                now - timedelta(minutes=37 * i + 5, seconds=round_) for i in range(args.times)
            ]
            started = time.perf_counter()
            for value in values:
                local = timezone.localtime(value)
                f"{dateformat.format(local, fmt)} {local.strftime('%Z')}"
                timesince(value, now, depth=1)
            django_.append(time.perf_counter() - started)
            moments._EXACT.clear()
            write = moments.Moments()
            started = time.perf_counter()
            for value in values:
                write(value, due=True)
            first.append(time.perf_counter() - started)
            write = moments.Moments()
            started = time.perf_counter()
            for value in values:
                write(value, due=True)
            again.append(time.perf_counter() - started)

        def per_time(samples: list[float]) -> str:
            return f"{statistics.median(samples) / args.times * 1e6:6.1f} us"

        print(
            f"{language}: Django's formatting {per_time(django_)}; "
            f"a time first shown {per_time(first)}; shown again {per_time(again)} "
            f"(a page of {args.times}: {statistics.median(first) * 1000:.1f} / "
            f"{statistics.median(again) * 1000:.1f} ms)",
            flush=True,
        )


if __name__ == "__main__":
    main()
