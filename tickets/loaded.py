"""Rows read from the database, built without ``Model.__init__``.

``Model.from_db`` calls the constructor, which matches each value against every
field of the model (the deferred ones too) and sends ``pre_init`` and
``post_init``: for a page of the ticket list API (50 tickets with their
organization, category, team and assignee, and 100 clocks) about a fifth of the
request's CPU. ``loaded_row`` builds the same instance from the values directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute

# What a plain column of a model is on its class: setting it only stores the value
# (a foreign key's id also drops a cached related object, which a new row has not).
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)
_plain_rows: dict[type[Model], bool] = {}


def _loads_plainly(model: type[Model]) -> bool:
    """Whether the constructor would do no more than store each value read."""
    plain = _plain_rows.get(model)
    if plain is None:
        plain = _plain_rows[model] = all(
            type(getattr(model, field.attname, None)) in _PLAIN_DESCRIPTORS
            for field in model._meta.concrete_fields
        ) and model.from_db.__func__ in (Model.from_db.__func__, LoadedRows.from_db.__func__)
    return plain


def loaded_row(
    model: type[Model], db: str, attnames: Sequence[str], values: Sequence[Any]
) -> Model:
    """``model.from_db(db, attnames, values)`` (a row read; attnames in the order of
    the values) without ``Model.__init__``: the same attributes (the columns not read
    stay deferred), state and database. A model with ``pre_init``/``post_init``
    receivers, a column whose descriptor does more than store the value, or a
    ``from_db`` of its own goes through Django's ``from_db``."""
    if (
        not _loads_plainly(model)
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
    ):
        return Model.from_db.__func__(model, db, list(attnames), list(values))
    instance = model.__new__(model)
    instance._state = state = ModelState()
    state.adding, state.db = False, db
    instance.__dict__.update(zip(attnames, values, strict=True))
    return instance


class LoadedRows:
    """A model whose rows read are built by ``loaded_row`` (the tickets, their clocks
    and what lists show beside them)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        return loaded_row(cls, db, field_names, values)
