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

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from config.html import html_format

register = template.Library()

# ISO 8601 with an offset, and the "YYYY-MM-DD HH:MM UTC" of older notes.
_STAMP = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| UTC)"
)


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
        exact = f"{dateformat.format(local, self.format)} {local.strftime('%Z')}".strip()
        if abs((found - now).total_seconds()) < 60:
            relative = words["due now"] if due else words["just now"]
        elif found <= now:
            span = {"span": timesince(found, now, depth=1)}
            relative = (words["overdue by"] if due else words["ago"]) % span
        else:
            span = {"span": timesince(now, found, depth=1)}
            relative = (words["due in"] if due else words["in"]) % span
        return html_format(
            '<time datetime="{stamp}" title="{exact}"{css}>{relative}</time>',
            stamp=local.isoformat(timespec="seconds"),
            exact=exact,
            css=mark_safe(' class="text-danger"') if due and found <= now else "",
            relative=relative,
        )


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
