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
from functools import lru_cache
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import F, Q

BATCH = 500
# Pseudonymous addresses end here: a reserved domain no mail is ever sent to.
ERASED_DOMAIN = "@erased.invalid"


@lru_cache(maxsize=4096)
def _pattern(needles: tuple[str, ...]) -> re.Pattern:
    longest_first = sorted(needles, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in longest_first), re.IGNORECASE)


@dataclass(frozen=True)
class Pseudonym:
    """What replaces a person's name, address and login everywhere."""

    token: str

    @property
    def name(self) -> str:
        return f"Erased requester {self.token}"

    @property
    def email(self) -> str:
        return f"erased-{self.token}{ERASED_DOMAIN}"

    @property
    def username(self) -> str:
        return f"erased-{self.token}"


def name_forms(name: str, pseudonym: Pseudonym) -> dict[str, str]:
    """What replaces a person's name, lower-cased: as written, and as a stored
    file's name writes it (spaces as underscores: "Zofia_Wiśniewska_passport.pdf")."""
    name = name.strip().lower()
    forms = {name: pseudonym.name}
    if " " in name:
        forms[name.replace(" ", "_")] = pseudonym.name.replace(" ", "_")
    return forms


@dataclass(frozen=True)
class Scope:
    """Whose personal data, and where it is.

    ``ticket_ids``: tickets whose requester data is concerned. ``user_ids`` and
    ``usernames``: the person's accounts (empty when retention clears old tickets).
    ``replacements``: each text to remove (an address, a name), lower-cased, and
    what takes its place. ``pseudonyms``: the pseudonym for each address.
    ``person``: the whole person is concerned (erasure, export), so records found
    by address alone count too; off when retention clears only old tickets.
    ``by_ticket``: when set (retention), the texts to remove from each ticket's
    rows, so a row is searched for its own requester only, not the whole batch.
    """

    ticket_ids: frozenset[int] = frozenset()
    user_ids: frozenset[int] = frozenset()
    usernames: frozenset[str] = frozenset()
    replacements: dict[str, str] = field(default_factory=dict)
    pseudonyms: dict[str, Pseudonym] = field(default_factory=dict)
    person: bool = False
    by_ticket: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def needles_for(self, ticket_id: int | None) -> tuple[str, ...] | None:
        """The texts to look for in a row of ``ticket_id`` (None: all of them)."""
        if ticket_id is None or not self.by_ticket:
            return None
        return self.by_ticket.get(ticket_id)

    def pseudonym_for(self, email: str) -> Pseudonym | None:
        return self.pseudonyms.get((email or "").strip().lower())

    def scrub(self, value: Any, needles: tuple[str, ...] | None = None) -> Any:
        """``value`` with every text to remove (or only ``needles``) replaced; dicts
        and lists walked."""
        if needles is None:
            needles = tuple(self.replacements)
        if not needles:
            return value
        if isinstance(value, str):
            # Find the few needles in this text first (a substring test each), then
            # replace with a pattern of those.
            lowered = value.lower()
            found = tuple(n for n in needles if n and n in lowered)
            if not found:
                return value
            return _pattern(found).sub(lambda m: self.replacements[m.group(0).lower()], value)
        if isinstance(value, dict):
            return {self.scrub(k, needles): self.scrub(v, needles) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v, needles) for v in value]
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
        if not fields or (not scope.replacements and not self.file_fields):
            return 0
        changed = 0
        manager = self.model._default_manager
        for pks in _chunks(self.rows(scope).values_list("pk", flat=True)):
            chunk = manager.filter(pk__in=pks).only("pk", *fields)
            if scope.by_ticket and self.ticket_lookup:
                chunk = chunk.annotate(privacy_ticket=F(self.ticket_lookup))
            dirty = [
                row
                for row in chunk
                if self.clean_row(row, scope, scope.needles_for(self.ticket_of(row)))
            ]
            if dirty:
                rows_update(self.model, dirty, list(fields))
                changed += len(dirty)
        return changed

    def ticket_of(self, row: models.Model) -> int | None:
        """The ticket a loaded row belongs to, when known."""
        return getattr(row, "privacy_ticket", None)

    def clean_row(
        self, row: models.Model, scope: Scope, needles: tuple[str, ...] | None = None
    ) -> bool:
        """Scrub one row in place; True when something changed."""
        dirty = False
        for name in (*self.text_fields, *self.json_fields):
            before = getattr(row, name)
            after = scope.scrub(before, needles)
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


def rows_update(model: type[models.Model], rows: list[models.Model], names: list[str]) -> None:
    """Write ``names`` of ``rows`` back. One ``UPDATE ... FROM (VALUES ...)`` per
    chunk on PostgreSQL: Django's bulk_update builds a CASE per field and row, and
    building it costs more than the update itself at hundreds of rows."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    if connection.vendor != "postgresql":
        for row in rows:
            values = {f.attname: getattr(row, f.attname) for f in fields}
            model._default_manager.filter(pk=row.pk).update(**values)
        return
    quote = connection.ops.quote_name
    pk = model._meta.pk
    columns = [pk, *fields]
    one = "(" + ", ".join(f"%s::{c.db_type(connection)}" for c in columns) + ")"
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    names_sql = ", ".join(quote(c.column) for c in columns)
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            params = [
                c.get_db_prep_save(getattr(row, c.attname), connection)
                for row in chunk
                for c in columns
            ]
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([one] * len(chunk))}) AS v({names_sql}) "
                f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}",
                params,
            )


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


def stored_files(scope: Scope) -> list[str]:
    """The storage names of every file the holders keep for ``scope``: read before
    the rows naming them are pseudonymised or deleted, removed after the commit."""
    return [stored for holder in registered() for stored, _name in holder.files(scope)]
