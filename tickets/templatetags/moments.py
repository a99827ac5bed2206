"""Times on every page, one way: relative ("3 hours ago", "in 20 minutes",
"overdue by 2 hours") with the exact time on hover, in the viewer's time zone
and language.

``{{ value|moment }}`` for when something happened or will; ``{{ value|due }}``
for a due time (past ones read "overdue by"); ``{{ text|moments_in_text }}``
for free text that carries timestamps (old or new values, older notes);
``{{ event|event_note }}`` for the note of an audit-trail entry.
Values may be datetimes or ISO 8601 strings; anything else is shown as it is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, get_format
from django.utils.html import avoid_wrapping, conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, npgettext_lazy
from django.utils.translation import gettext as _

from config.html import html_format

register = template.Library()

# ISO 8601 with an offset, and the "YYYY-MM-DD HH:MM UTC" of older notes.
_STAMP = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| UTC)"
)


# The span inside "in 2 hours", "2 hours ago", "overdue by 2 hours": its own
# strings (Django's are the nominative: Polish and Russian need another case after
# these words, "za 1 godzinę", "через 1 минуту"). The context is what translators
# see: a span after "in", "ago" or "overdue by".
SPANS = {
    "year": npgettext_lazy("time span", "%(num)d year", "%(num)d years", "num"),
    "month": npgettext_lazy("time span", "%(num)d month", "%(num)d months", "num"),
    "week": npgettext_lazy("time span", "%(num)d week", "%(num)d weeks", "num"),
    "day": npgettext_lazy("time span", "%(num)d day", "%(num)d days", "num"),
    "hour": npgettext_lazy("time span", "%(num)d hour", "%(num)d hours", "num"),
    "minute": npgettext_lazy("time span", "%(num)d minute", "%(num)d minutes", "num"),
}
# Under 27 days a span is whole weeks, days, hours or minutes of elapsed time, as
# ``timesince`` counts them; from 28 days of a local calendar (less a DST shift)
# it counts calendar months, which it is left to, in the viewer's time zone.
_PLAIN_SPAN = 27 * 86400
_UNITS = (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60))

# Exact times as shown, by language, format, zone and local time: the same rows'
# times come back with every refresh of a list (a queue polls itself).
_EXACT: dict[tuple, str] = {}
_EXACT_MAX = 20_000

# A date format's letters as ``dateformat.format`` finds them, and what each
# letter reads: the date, or the time of day to the minute; the text of such a
# letter is kept by language and that value (a page's times share a few dates,
# a day has 1,440 minutes). Other letters (seconds, the zone, the whole moment)
# are written for each time.
_LETTER = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")
_BY_DATE = frozenset("bdDEFjlLmMnNoStwWyYz")
_BY_MINUTE = frozenset("aAfgGhHiP")
_LETTERS: dict[tuple, str] = {}
# Spans as written, by language, unit and count.
_SPANS: dict[tuple, str] = {}


@lru_cache(maxsize=64)
def _parts(fmt: str) -> tuple[tuple[str, bool], ...]:
    """``fmt`` in parts: (text, False) as written, (letter, True) to fill in."""
    parts = []
    for number, piece in enumerate(_LETTER.split(fmt)):
        if number % 2:
            parts.append((piece, True))
        elif piece:
            parts.append((_ESCAPED.sub(r"\1", piece), False))
    return tuple(parts)


def date_text(local: datetime, fmt: str, language: str | None) -> str:
    """``dateformat.format(local, fmt)`` in ``language`` (the active one)."""
    out, formatter = [], None
    for piece, letter in _parts(fmt):
        if not letter:
            out.append(piece)
            continue
        if piece in _BY_DATE:
            key = (language, piece, local.year, local.month, local.day)
        elif piece in _BY_MINUTE:
            key = (language, piece, local.hour, local.minute)
        else:
            key = None
        text = _LETTERS.get(key) if key is not None else None
        if text is None:
            formatter = formatter or dateformat.DateFormat(local)
            text = str(getattr(formatter, piece)())
            if key is not None:
                if len(_LETTERS) >= _EXACT_MAX:
                    _LETTERS.clear()
                _LETTERS[key] = text
        out.append(text)
    return "".join(out)


def as_moment(value) -> datetime | None:
    """A datetime from a datetime or an ISO string (naive ones are UTC); else None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        text = value.strip()
        if text.endswith(" UTC"):
            text = text[:-4] + "+00:00"
        try:
            moment = parse_datetime(text)
        except ValueError:
            return None
        if moment is None:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def exact(moment: datetime, local: datetime | None = None) -> str:
    """The exact time in the viewer's zone and locale, with the zone's name."""
    local = local or timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.strftime('%Z')}".strip()


class Moments:
    """``moment`` and ``due``: made for one time, or once for a list page, whose
    times share what does not change between them (the time of the page, the
    viewer's zone, the date format, the words around the relative time). A queue
    page shows about fifty."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.format = get_format("DATETIME_FORMAT")
        self.language = get_language()
        # Formats without seconds show every time of a minute the same way.
        self.to_minute = not any(letter in self.format for letter in "cfrsuU")
        self.words = {
            "just now": _("just now"),
            "due now": _("due now"),
            "overdue by": _("overdue by %(span)s"),
            "ago": _("%(span)s ago"),
            "due in": _("due in %(span)s"),
            "in": _("in %(span)s"),
        }

    def __call__(self, value, *, due: bool = False) -> str:
        found = as_moment(value)
        if found is None:
            return conditional_escape(value if value not in (None, "") else "—")
        now, words = self.now, self.words
        local = found.astimezone(self.zone)
        if abs((found - now).total_seconds()) < 60:
            relative = words["due now"] if due else words["just now"]
        elif found <= now:
            span = {"span": self.span(found, now)}
            relative = (words["overdue by"] if due else words["ago"]) % span
        else:
            span = {"span": self.span(now, found)}
            relative = (words["due in"] if due else words["in"]) % span
        return html_format(
            '<time datetime="{stamp}" title="{exact}"{css}>{relative}</time>',
            stamp=local.isoformat(timespec="seconds"),
            exact=self.exact(local),
            css=mark_safe(' class="text-danger"') if due and found <= now else "",
            relative=relative,
        )

    def exact(self, local: datetime) -> str:
        """The exact time, as ``exact()`` writes it, kept for the next time it is shown."""
        shown = local.replace(second=0, microsecond=0) if self.to_minute else local
        key = (self.language, self.format, self.zone, shown.replace(tzinfo=None), local.utcoffset())
        text = _EXACT.get(key)
        if text is None:
            written = date_text(local, self.format, self.language)
            text = f"{written} {local.strftime('%Z')}".strip()
            if len(_EXACT) >= _EXACT_MAX:
                _EXACT.clear()
            _EXACT[key] = text
        return text

    def span(self, earlier: datetime, later: datetime) -> str:
        """``timesince(earlier, later, depth=1)`` in ``SPANS``' words; under 27 days
        worked out here, each unit and count translated once per language."""
        seconds = (later - earlier).total_seconds()
        if seconds >= _PLAIN_SPAN:
            # Months are the viewer's calendar months: in UTC, 1 November 00:30 in
            # Warsaw to 1 December 00:30 read "4 weeks".
            return timesince(
                earlier.astimezone(self.zone),
                later.astimezone(self.zone),
                depth=1,
                time_strings=SPANS,
            )
        unit, count = next(
            ((unit, int(seconds // size)) for unit, size in _UNITS if seconds >= size),
            ("minute", 0),
        )
        key = (self.language, unit, count)
        text = _SPANS.get(key)
        if text is None:
            text = avoid_wrapping(SPANS[unit] % {"num": count})
            if len(_SPANS) >= _EXACT_MAX:
                _SPANS.clear()
            _SPANS[key] = text
        return text


@register.filter(is_safe=True)
def moment(value) -> str:
    """When something happened (or will): relative, the exact time on hover."""
    return Moments()(value)


@register.filter(is_safe=True)
def due(value) -> str:
    """A due time: "due in 20 minutes", or "overdue by 2 hours" once past."""
    return Moments()(value, due=True)


@register.filter(is_safe=True)
def event_note(event) -> str:
    """An audit-trail note for the reader: a system note (``tickets.notes``) in
    their language and time zone, a person's or an older note as it was written."""
    from tickets.notes import render_event

    return render_event(event, html=True)


@register.filter(is_safe=True)
def note_field(row, name: str) -> str:
    """A text kept language-neutral in ``row``'s ``<name>``, ``<name>_key`` and
    ``<name>_params`` (an escalation's reason): a system note in the reader's
    language and time zone, a person's or an older text as it was written."""
    from tickets.notes import render_field

    return render_field(row, name, html=True)


@register.filter(is_safe=True)
def moments_in_text(value) -> str:
    """Free text with each timestamp in it shown the one way."""
    text = str(value or "")
    parts, last, write = [], 0, Moments()
    for match in _STAMP.finditer(text):
        found = as_moment(match.group(0))
        if found is None:
            continue
        parts.append(conditional_escape(text[last : match.start()]))
        parts.append(write(found))
        last = match.end()
    parts.append(conditional_escape(text[last:]))
    # Every part is escaped text or format_html output.
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308
