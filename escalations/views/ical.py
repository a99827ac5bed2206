"""iCalendar (RFC 5545) text of a person's duties. Pure."""

from datetime import UTC, datetime

from django.utils.translation import gettext as _


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next, after a space."""
    raw = line.encode()
    parts = []
    while len(raw) > 75:
        cut = 75
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(raw[:cut].decode())
        raw = raw[cut:]
    parts.append(raw.decode())
    return "\r\n ".join(parts)


def calendar_feed(*, user, duties, now: datetime) -> str:
    """One event per period ``user`` is on duty or on call (``duties``: start,
    end, team, "on_duty" | "on_call")."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Escalade//Duty//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(_('Duty of %(user)s') % {'user': user})}",
    ]
    for start, end, team, kind in duties:
        what = _("On call") if kind == "on_call" else _("On duty")
        lines += [
            "BEGIN:VEVENT",
            f"UID:duty-{user.pk}-{team.pk}-{kind}-{_stamp(start)}@escalade",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(start)}",
            f"DTEND:{_stamp(end)}",
            f"SUMMARY:{_escape(f'{what}: {team.name}')}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
