"""CPU cost of one audit note as the sweep writes it: before (a string translated
when written) and after (a registered system note with its English text), in
microseconds, best of five runs of 20,000. No database.

    DEBUG=1 .venv/bin/python bench/system_notes.py
"""

import os
import sys
import timeit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()
from django.utils import translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from tickets import notes  # noqa: E402

N = 20000


def before():
    return _("%(metric)s target missed.") % {"metric": "First response"}


def after():
    return notes.event_fields(notes.note("sla.missed", metric="first_response"))


with translation.override("en"):
    for name, fn in (("before", before), ("after", after)):
        best = min(timeit.repeat(fn, number=N, repeat=5)) / N * 1e6
        print(f"{name}: {best:.1f} us per note")
