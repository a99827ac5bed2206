"""List untranslated, fuzzy and broken entries per language; export and apply
translations in bulk.

    python -m config.i18n_check              # the catalogs as committed
    python -m config.i18n_check --fresh      # after extracting the marked strings anew
    python -m config.i18n_check --update     # extract into locale/ (make messages)
    python -m config.i18n_check --todo pl > pl.json   # what pl lacks, as {msgid: ""}
    python -m config.i18n_check --apply pl pl.json    # write them into locale/pl

Exits 1 when anything is missing, so it can gate a build.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from config.i18n_check import checks, fill

    parser = argparse.ArgumentParser(prog="python -m config.i18n_check")
    parser.add_argument("--fresh", action="store_true", help="extract marked strings first")
    parser.add_argument("--language", "-l", action="append", choices=checks.LANGUAGES)
    parser.add_argument("--update", action="store_true", help="extract into locale/")
    parser.add_argument("--todo", metavar="LANG", help="print missing entries as JSON")
    parser.add_argument("--apply", nargs=2, metavar=("LANG", "JSON"), help="fill translations")
    args = parser.parse_args(argv)
    if args.todo:
        json.dump(fill.todo(args.todo), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.apply:
        language, source = args.apply
        done = fill.apply(language, json.loads(Path(source).read_text(encoding="utf-8")))
        print(f"{language}: {done} entries filled")
        return 0
    languages = tuple(args.language or checks.LANGUAGES)
    if args.fresh or args.update:
        # makemessages only reads the settings: a development configuration will do
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("DEBUG", "1")
        import django

        django.setup()
    if args.update:
        checks.makemessages(checks.LOCALE, languages)
        for language in languages:
            fill.header_normalize(language)
    found = checks.fresh_problems(languages) if args.fresh else checks.problems(languages=languages)
    for problem in found:
        print(problem)
    counts = Counter((p.language, p.kind) for p in found)
    for language in languages:
        mine = sorted((kind, n) for (lang, kind), n in counts.items() if lang == language)
        summary = ", ".join(f"{n} {kind}" for kind, n in mine)
        print(f"{language}: {summary or 'complete'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
