"""System notes of the audit trail: stored as a message id and typed parameters,
rendered when read, in the reader's language and time zone.

A service writing a note the system composes (a clock started, a ticket
escalated by the sweep) builds it with ``note(key, **params)``; the trail keeps
the key and the parameters (``TicketEvent.note_key`` / ``note_params``) and an
English rendering in ``note`` for exports, admin search and older readers.
A person's own note (the reason given for a status change) stays free text.

Every message is declared once, in ``tickets.note_texts``, with the kind of
each parameter:

``WHEN``      an instant (ISO 8601): the reader's zone and locale; on pages
              relative with the exact time on hover
``DURATION``  business or wall time in seconds: "2 hours 30 minutes" in the reader's language
``NUMBER``    a count or an ordinal, as it is
``TEXT``      names, references, free text: as they are
``NOTE``      another note (or plain text), rendered the same way
``LINES``     a list of notes (or plain texts), one per line
a choice     the name a set of choices was registered under with
              ``tickets.hooks.add_value_choices`` (``status``, ``level``, ``metric``
              ...): the label in the reader's language
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from tickets import hooks
from tickets.note_texts import (
    DURATION,
    LINES,
    MESSAGES,
    NOTE,
    NUMBER,
    TEXT,
    WHEN,
    Message,
    hours,
    minutes,
)

__all__ = [
    "DURATION",
    "LINES",
    "MESSAGES",
    "NOTE",
    "NUMBER",
    "TEXT",
    "WHEN",
    "Message",
    "Note",
    "event_fields",
    "kept_note",
    "note",
    "notes_map",
    "render",
    "render_event",
    "render_field",
    "render_in",
    "stored_note",
    "text_fields",
]


@dataclass(frozen=True)
class Note:
    """A system note: a registered message and its parameters (JSON values)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.key, self.params)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": self.params}


def note(key: str, /, **params: Any) -> Note:
    """The note ``key`` with ``params`` stored as JSON values; raises KeyError for
    an unregistered key or a missing parameter (a defect, caught by the tests)."""
    message = MESSAGES[key]
    stored = {}
    for name, kind in message.kinds.items():
        stored[name] = _store(kind, params[name])
    return Note(key, stored)


def _store(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == WHEN:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat(timespec="seconds")
        return str(value)
    if kind == DURATION:
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return int(value)
    if kind == NUMBER:
        return int(value)
    if kind == NOTE:
        return value.as_json() if isinstance(value, Note) else str(value)
    if kind == LINES:
        lines = value if isinstance(value, list | tuple) else [value]
        return [_store(NOTE, line) for line in lines]
    return str(value)


def text_fields(value: str | Note, name: str) -> dict[str, Any]:
    """The columns of a text kept language-neutral, for ``value`` (free text or a
    note): ``<name>`` (the English text, or the text as written), ``<name>_key`` and
    ``<name>_params``."""
    if isinstance(value, Note):
        return {
            name: render_stored(value.key, value.params),
            f"{name}_key": value.key,
            f"{name}_params": value.params,
        }
    return {name: str(value or ""), f"{name}_key": "", f"{name}_params": {}}


def event_fields(value: str | Note) -> dict[str, Any]:
    """The note columns of a ``TicketEvent`` for ``value`` (free text or a note)."""
    return text_fields(value, "note")


def stored_note(row: Any, name: str) -> str | Note:
    """What ``row`` keeps in the columns of ``name`` (``text_fields``): the note, or
    the free text of a person or an older row; to quote it in another note."""
    key = getattr(row, f"{name}_key", "")
    if key:
        return Note(key, getattr(row, f"{name}_params", None) or {})
    return getattr(row, name)


# --- rendering -------------------------------------------------------------------------------


def render(key: str, params: dict, *, html: bool = False, stored: bool = False) -> str:
    """The note in the active language and time zone: plain text (API, exports,
    e-mails), or safe HTML for pages (instants as ``<time>`` with the exact time on
    hover). An unknown key (a message retired since) shows its parameters."""
    return _render(key, params, html=html, stored=stored, language=translation.get_language())


def _render(key: str, params: dict, *, html: bool, stored: bool, language: str | None) -> str:
    message = MESSAGES.get(key)
    if message is None:
        text = f"{key} {params}"
        return conditional_escape(text) if html else text
    values = {}
    for name, kind in message.kinds.items():
        values[name] = _value(kind, params.get(name), html=html, stored=stored, language=language)
    template = _translated(("text", key), language, lambda: str(message.text))
    if html:
        return mark_safe(conditional_escape(template) % values)  # noqa: S308
    return template % values


# Message texts and choice labels by language: the sweep renders the English text of
# every note it writes, a dozen lookups in the catalogs each. Catalogs are loaded
# once per process; a change of the language settings (tests) forgets them.
_TRANSLATED: dict[tuple, str] = {}


def _translated(what: tuple, language: str | None, translate) -> str:
    key = (language, *what)
    text = _TRANSLATED.get(key)
    if text is None:
        text = translate()
        if len(_TRANSLATED) < 20_000:
            _TRANSLATED[key] = text
    return text


@receiver(setting_changed)
def _forget_translated(*, setting: str, **kwargs: Any) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _TRANSLATED.clear()


def render_stored(key: str, params: dict) -> str:
    """The English text kept in ``TicketEvent.note``: instants in ISO 8601 (UTC)."""
    if translation.get_language() == "en":  # beat, the sweep: no switch to pay for
        return _render(key, params, html=False, stored=True, language="en")
    with translation.override("en"):
        return _render(key, params, html=False, stored=True, language="en")


def render_event(event, *, html: bool = False) -> str:
    """What an audit-trail entry says, for the reader: a system note rendered
    now, or the stored text of an older or human-written note."""
    return render_field(event, "note", html=html)


def render_field(row: Any, name: str, *, html: bool = False) -> str:
    """The text ``row`` keeps in the columns of ``name`` (``text_fields``), for the
    reader: a system note rendered now, or the stored text of an older or
    human-written one."""
    key = getattr(row, f"{name}_key", "")
    if key:
        return render(key, getattr(row, f"{name}_params", None) or {}, html=html)
    text = getattr(row, name)
    if html:
        from tickets.templatetags.moments import moments_in_text

        return moments_in_text(text)
    return text


def notes_map(values: dict[str, str | Note]) -> tuple[dict[str, str], dict[str, Any]]:
    """Texts some of which the system composed: the texts to keep (English for a
    note) and, by name, the notes they were written from (``render_in``)."""
    texts, kept = {}, {}
    for name, value in values.items():
        fields = text_fields(value, "text")
        texts[name] = fields["text"]
        if fields["text_key"]:
            kept[name] = {"key": fields["text_key"], "params": fields["text_params"]}
    return texts, kept


def render_in(row: Any, column: str, name: str, *, html: bool = False) -> str:
    """``row.<name>`` for the reader: rendered from the note ``row.<column>`` (a map
    of names to notes, ``notes_map``) keeps for it, else the text as written."""
    kept = (getattr(row, column, None) or {}).get(name)
    if isinstance(kept, dict) and kept.get("key"):
        return render(kept["key"], kept.get("params") or {}, html=html)
    text = getattr(row, name)
    return conditional_escape(text) if html else text


def kept_note(row: Any, column: str, name: str) -> str | Note:
    """What ``render_in`` reads, as a note (or the text), to write it again elsewhere."""
    kept = (getattr(row, column, None) or {}).get(name)
    if isinstance(kept, dict) and kept.get("key"):
        return Note(kept["key"], kept.get("params") or {})
    return getattr(row, name)


def _value(kind: str, value: Any, *, html: bool, stored: bool, language: str | None) -> Any:
    if value is None or value == "":
        text = "-"
    elif kind == WHEN:
        return _when(value, html=html, stored=stored)
    elif kind in (DURATION, NUMBER) and not _is_int(value):
        text = str(value)  # a value edited by hand or a changed kind: shown as it is
    elif kind == DURATION:
        text = duration_text(int(value))
    elif kind == NOTE:
        if isinstance(value, dict):
            nested = value.get("params") or {}
            key = value.get("key", "")
            return _render(key, nested, html=html, stored=stored, language=language)
        text = str(value)
    elif kind == LINES:
        lines = value if isinstance(value, list) else [value]
        rendered = [
            _value(NOTE, line, html=html, stored=stored, language=language) for line in lines
        ]
        return mark_safe("\n".join(rendered)) if html else "\n".join(rendered)  # noqa: S308
    elif kind == NUMBER:
        return int(value)
    elif kind == TEXT:
        text = str(value)
    else:
        code = str(value)
        text = _translated(("label", kind, code), language, lambda: hooks.value_label(kind, code))
    return conditional_escape(text) if html else text


def _when(value: str, *, html: bool, stored: bool) -> str:
    from tickets.templatetags.moments import as_moment, exact, moment

    found = as_moment(value)
    if found is None:
        return conditional_escape(value) if html else value
    if html:
        return SafeString(moment(found))
    if stored:  # machine-readable, as the stored notes always had them
        return found.astimezone(UTC).isoformat(timespec="seconds")
    return exact(found)


def duration_text(seconds: int) -> str:
    """Hours and minutes in the reader's language ("1 godzina 5 minut")."""
    whole_hours, rest = divmod(max(seconds, 0), 3600)
    whole_minutes = rest // 60
    parts = []
    if whole_hours:
        parts.append(hours(whole_hours))
    if whole_minutes or not whole_hours:
        parts.append(minutes(whole_minutes))
    return " ".join(parts)


def _is_int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True
