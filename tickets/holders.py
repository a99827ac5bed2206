"""The registry of personal data holders.

Every app that keeps personal data about requesters registers a holder here (in
its ``personal_data`` module, found at start-up): what rows it keeps for a scope
of tickets and accounts, how to export them, how to pseudonymise them and how to
delete them with their ticket. Erasure, export and retention walk the registry,
so a new model with personal data needs a few lines in its app and nothing else.

The registry lives in the lowest app so that every app may register without
importing the ones above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

BATCH = 500


@dataclass(frozen=True)
class Pseudonym:
    """What replaces a person's name, address and login everywhere."""

    token: str

    @property
    def name(self) -> str:
        return f"Erased requester {self.token}"

    @property
    def email(self) -> str:
        return f"erased-{self.token}@erased.invalid"

    @property
    def username(self) -> str:
        return f"erased-{self.token}"


@dataclass(frozen=True)
class Scope:
    """Whose personal data, and where it is.

    ``ticket_ids``: tickets whose requester data is concerned. ``user_ids`` and
    ``usernames``: the person's accounts (empty when retention clears old tickets).
    ``replacements``: each text to remove (an address, a name), lower-cased, and
    what takes its place. ``pseudonyms``: the pseudonym for each address.
    ``person``: the whole person is concerned (erasure, export), so records found
    by address alone count too; off when retention clears only old tickets.
    """

    ticket_ids: frozenset[int] = frozenset()
    user_ids: frozenset[int] = frozenset()
    usernames: frozenset[str] = frozenset()
    replacements: dict[str, str] = field(default_factory=dict)
    pseudonyms: dict[str, Pseudonym] = field(default_factory=dict)
    person: bool = False

    @property
    def pattern(self) -> re.Pattern | None:
        needles = sorted((n for n in self.replacements if n), key=len, reverse=True)
        if not needles:
            return None
        return re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)

    def pseudonym_for(self, email: str) -> Pseudonym | None:
        return self.pseudonyms.get((email or "").strip().lower())

    def scrub(self, value: Any, pattern: re.Pattern | None = None) -> Any:
        """``value`` with every text to remove replaced; dicts and lists walked."""
        pattern = pattern or self.pattern
        if pattern is None:
            return value
        if isinstance(value, str):
            return pattern.sub(lambda m: self.replacements[m.group(0).lower()], value)
        if isinstance(value, dict):
            return {self.scrub(k, pattern): self.scrub(v, pattern) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v, pattern) for v in value]
        return value


class Holder:
    """One kind of record holding personal data. Subclass, or use ``ModelHolder``."""

    key: str = ""
    # Deleting runs in ascending order: rows that protect others go last.
    order: int = 50

    def export(self, scope: Scope) -> list[dict[str, Any]]:
        return []

    def files(self, scope: Scope) -> list[tuple[str, str]]:
        """Stored files as (storage name, name inside an export archive)."""
        return []

    def pseudonymise(self, scope: Scope) -> int:
        """Replace the personal data in scope; returns the number of rows changed."""
        return 0

    def delete(self, scope: Scope) -> int:
        """Remove the rows that belong to the tickets in scope (retention deleting)."""
        return 0


class ModelHolder(Holder):
    """A model whose rows hang off tickets and/or accounts.

    ``ticket_lookup`` / ``user_lookup``: paths from the model to a ticket id and a
    user id. ``text_fields`` (and JSON fields) are scrubbed of the texts to remove;
    ``file_fields`` are exported and emptied (their files deleted after commit).
    ``delete_rows``: whether retention deleting a ticket removes these rows itself
    (leave it off when a cascade does it).
    """

    model: type[models.Model]
    ticket_lookup: str = ""
    user_lookup: str = ""
    text_fields: tuple[str, ...] = ()
    json_fields: tuple[str, ...] = ()
    file_fields: tuple[str, ...] = ()
    export_fields: tuple[str, ...] = ()
    delete_rows: bool = False

    def __init__(self, model: type[models.Model] | None = None, **options: Any) -> None:
        if model is not None:
            self.model = model
        for name, value in options.items():
            if not hasattr(type(self), name):
                raise TypeError(f"unknown holder option {name}")
            setattr(self, name, value)
        if not self.key:
            self.key = self.model._meta.label_lower

    def condition(self, scope: Scope) -> Q:
        condition = Q(pk__in=[])
        if self.ticket_lookup and scope.ticket_ids:
            condition |= Q(**{f"{self.ticket_lookup}__in": scope.ticket_ids})
        if self.user_lookup and scope.user_ids:
            condition |= Q(**{f"{self.user_lookup}__in": scope.user_ids})
        return condition

    def rows(self, scope: Scope) -> models.QuerySet:
        return self.model._default_manager.filter(self.condition(scope)).order_by("pk")

    def export(self, scope: Scope) -> list[dict[str, Any]]:
        names = self.export_fields or tuple(
            f.attname for f in self.model._meta.concrete_fields if f.name not in self.file_fields
        )
        return [_plain(row) for row in self.rows(scope).values(*names).iterator(BATCH)]

    def files(self, scope: Scope) -> list[tuple[str, str]]:
        found = []
        for name in self.file_fields:
            for pk, stored in self.rows(scope).exclude(**{name: ""}).values_list("pk", name):
                if stored:
                    found.append((stored, f"{self.key}/{pk}/{stored.rsplit('/', 1)[-1]}"))
        return found

    def pseudonymise(self, scope: Scope) -> int:
        fields = (*self.text_fields, *self.json_fields, *self.file_fields)
        pattern = scope.pattern
        if not fields or (pattern is None and not self.file_fields):
            return 0
        changed = 0
        manager = self.model._default_manager
        for pks in _chunks(self.rows(scope).values_list("pk", flat=True)):
            chunk = manager.filter(pk__in=pks).only("pk", *fields)
            dirty = [row for row in chunk if self.clean_row(row, scope, pattern)]
            if dirty:
                self.model._default_manager.bulk_update(dirty, fields)
                changed += len(dirty)
        return changed

    def clean_row(self, row: models.Model, scope: Scope, pattern: re.Pattern | None) -> bool:
        """Scrub one row in place; True when something changed."""
        dirty = False
        for name in (*self.text_fields, *self.json_fields):
            before = getattr(row, name)
            after = scope.scrub(before, pattern)
            if after != before:
                setattr(row, name, after)
                dirty = True
        for name in self.file_fields:
            if getattr(row, name):
                setattr(row, name, "")
                dirty = True
        return dirty

    def delete(self, scope: Scope) -> int:
        if not self.delete_rows or not scope.ticket_ids or not self.ticket_lookup:
            return 0
        lookup = {f"{self.ticket_lookup}__in": scope.ticket_ids}
        query = self.model._default_manager.filter(**lookup)
        # A query delete: append-only models refuse their own delete(), not this.
        return query.delete()[0]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    encoder = DjangoJSONEncoder()
    out = {}
    for key, value in row.items():
        if value is None or isinstance(value, str | int | float | bool | dict | list):
            out[key] = value
        else:
            out[key] = encoder.default(value)
    return out


def _chunks(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_REGISTRY: dict[str, Holder] = {}


def register(*holders: Holder) -> None:
    """Add holders (by key: registering the same key again replaces it)."""
    for holder in holders:
        _REGISTRY[holder.key] = holder


def registered() -> list[Holder]:
    """Every holder, in deletion order (tickets themselves last)."""
    return sorted(_REGISTRY.values(), key=lambda h: (h.order, h.key))
