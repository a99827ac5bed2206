"""Inserting and updating many rows, each with its own values, in one statement.

Django's ``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression per
row and field and resolves each in Python: for a batch job's chunk (25 level
clocks of 18 fields) that costs more CPU than the round trips it saves. On
PostgreSQL the rows go instead as one ``UPDATE ... FROM (VALUES ...)`` whose
values are prepared by the fields themselves (the same conversions as
``save()``); elsewhere ``bulk_update`` does it.

``rows_insert`` is ``bulk_create`` for a batch job's rows (the audit trail, alerts,
escalation records, inbox messages, deliveries): on PostgreSQL the same ``INSERT
... SELECT * FROM UNNEST(...)`` Django 5.2 sends, each value prepared by its field
as ``bulk_create`` prepares it, without Django's insert compiler, which takes every
value of every row through several layers of calls (about a sixth of the CPU the
chunk's inserts cost). A string into a plain text column, or an integer into a
plain integer or key column, is sent as it is (what those fields' preparation gives
back for it); a row holding an expression goes to ``bulk_create`` itself.

``new_row`` builds the instance of a row about to be inserted (``Model(**values)``)
without ``Model.__init__``, which resolves every keyword against every field and
costs several times more than the row's values: a batch job's chunk builds
hundreds of them (audit entries, inbox messages, deliveries).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import Model, signals
from django.db.models.base import ModelState

# Fields whose preparation gives back a value of this exact type unchanged.
_AS_IS: dict[type, tuple[type, ...]] = {
    str: (models.CharField, models.TextField),
    int: (
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.AutoField,
        models.BigAutoField,
    ),
    bool: (models.BooleanField,),
}
_PLAIN_PRE_SAVE = models.Field.pre_save


_Layout = tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[tuple[str, Any]]]
_layouts: dict[type[Model], _Layout] = {}


def _layout(model: type[Model]) -> _Layout:
    """Per model: its fields by attname, its foreign keys by name, the defaults
    that are constants (what ``get_default()`` gives every time), and the fields
    whose default is made afresh for each row (a callable, a database default)."""
    layout = _layouts.get(model)
    if layout is None:
        plain: dict[str, Any] = {}
        related: dict[str, Any] = {}
        constants: dict[str, Any] = {}
        made: list[tuple[str, Any]] = []
        for field in model._meta.concrete_fields:
            plain[field.attname] = field
            if field.many_to_one:
                related[field.name] = field
            if field.has_db_default() or (field.has_default() and callable(field.default)):
                made.append((field.attname, field.get_default))
            else:
                constants[field.attname] = field.get_default()
        layout = _layouts[model] = (plain, related, constants, made)
    return layout


def new_row(model: type[Model], **values: Any) -> Model:
    """``model(**values)``, for a row about to be inserted: the same attributes
    (each field left out gets its default, a related object given is cached as
    the constructor caches it), built without ``Model.__init__``. A model with
    ``pre_init``/``post_init`` receivers, a name that is not a concrete field,
    a one-to-one relation or a related object of the wrong model go through the
    constructor."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model(**values)
    plain, related, constants, made = _layout(model)
    instance = model.__new__(model)
    instance._state = state = ModelState()
    attributes = instance.__dict__
    attributes.update(constants)
    for attname, default in made:
        if attname not in values:
            attributes[attname] = default()
    for name, value in values.items():
        field = related.get(name)
        if field is None:
            if name not in plain:
                return model(**values)  # let the constructor say what is wrong
            attributes[name] = value
            continue
        if value is None:
            attributes[field.attname] = None
        elif not isinstance(value, field.related_model):
            return model(**values)
        else:  # as the descriptor sets it
            attributes[field.attname] = getattr(value, field.target_field.attname)
            if state.db is None:
                state.db = router.db_for_write(model, instance=value)
            if value._state.db is None:
                value._state.db = router.db_for_write(type(value), instance=instance)
            if not router.allow_relation(value, instance):
                return model(**values)
        state.fields_cache[field.name] = value
    return instance


def rows_update(model: type[Model], instances: Sequence[Model], fields: Sequence[str]) -> int:
    """Write ``fields`` of each of ``instances`` (saved rows of ``model``) as the
    objects hold them; how many rows were updated."""
    if not instances:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return model._default_manager.using(alias).bulk_update(instances, list(fields))
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if all(_unnestable(field, connection) for field in [meta.pk, *columns]):
        return _update_unnest(meta, instances, columns, connection)
    casts = [f"%s::{meta.pk.db_type(connection)}"]
    casts += [f"%s::{field.db_type(connection)}" for field in columns]
    row = "(" + ", ".join(casts) + ")"
    params: list = []
    for instance in instances:
        params.append(meta.pk.get_db_prep_save(instance.pk, connection))
        for field in columns:
            params.append(field.get_db_prep_save(getattr(instance, field.attname), connection))
    source = f"(VALUES {', '.join([row] * len(instances))})"
    return _update_from(meta, columns, connection, source, params)


def _update_unnest(meta, instances: Sequence[Model], columns: list, connection) -> int:
    """The update with one array per column (``UPDATE ... FROM UNNEST(...)``): the
    same text whatever the number of rows, so psycopg parses it once per process
    (a ``VALUES`` list of a chunk's rows is too long for its cache), and a few
    parameters instead of one per value."""
    params = [_prepared(meta.pk, [instance.pk for instance in instances], connection)]
    params += [
        _prepared(field, [getattr(instance, field.attname) for instance in instances], connection)
        for field in columns
    ]
    arrays = ", ".join(
        f"%s::{field.db_type(connection).split('(')[0]}[]" for field in [meta.pk, *columns]
    )
    return _update_from(meta, columns, connection, f"UNNEST({arrays})", params)


def _update_from(meta, columns: list, connection, source: str, params: list) -> int:
    """``UPDATE <table> SET <columns> FROM <source> AS v(v0, v1 ...)``, the rows
    matched on their primary key (``v0``); how many rows were updated."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(f"v{n}") for n in range(len(columns) + 1))
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(f'v{n + 1}')}" for n, field in enumerate(columns)
    )
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 - names quoted
        f"FROM {source} AS v({names}) "
        f"WHERE t.{quote(meta.pk.column)} = v.{quote('v0')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def rows_insert(model: type[Model], instances: Sequence[Model], *, ignore_conflicts=False) -> None:
    """``bulk_create(instances, ignore_conflicts=...)`` in one statement per kind of
    row (with or without a key): the new rows get their keys, and the columns with a
    database default, back as ``bulk_create`` gives them."""
    if not instances:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    plain = not meta.parents and all(_unnestable(field, connection) for field in fields)
    if connection.vendor != "postgresql" or not plain:
        model._default_manager.using(alias).bulk_create(
            instances, ignore_conflicts=ignore_conflicts
        )
        return
    for instance in instances:  # as bulk_create prepares them
        if not instance._is_pk_set():
            instance.pk = meta.pk.get_pk_value_on_save(instance)
        instance._prepare_related_fields_for_save(operation_name="bulk_create")
    with_pk = [instance for instance in instances if instance._is_pk_set()]
    without_pk = [instance for instance in instances if not instance._is_pk_set()]
    groups = [(with_pk, fields)]
    groups.append((without_pk, [f for f in fields if not isinstance(f, models.AutoField)]))
    statements = []
    for rows, columns in groups:
        if rows:
            params = [_column(field, rows, connection) for field in columns]
            if any(column is None for column in params):  # an expression: Django's way
                model._default_manager.using(alias).bulk_create(
                    instances, ignore_conflicts=ignore_conflicts
                )
                return
            statements.append((rows, columns, params))
    returning = [] if ignore_conflicts else list(meta.db_returning_fields)
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        for rows, columns, params in statements:
            cursor.execute(
                _insert_sql(meta, columns, returning, ignore_conflicts, connection), params
            )
            returned = cursor.fetchall() if returning else []
            for instance, values in zip(rows, returned, strict=False):
                for value, field in zip(values, returning, strict=True):
                    if field is not meta.pk or rows is not with_pk:
                        setattr(instance, field.attname, _from_db(meta, field, value, connection))
    for instance in instances:
        instance._state.adding = False
        instance._state.db = alias


def _unnestable(field, connection) -> bool:
    # What Django's own UNNEST insert requires of a column.
    target = field.target_field if field.is_relation else field
    return (
        not hasattr(field, "get_placeholder")
        and target.get_internal_type() in connection.data_types
    )


def _column(field, rows: Sequence[Model], connection) -> list[Any] | None:
    """The column's values for ``rows``, prepared as ``bulk_create`` prepares them;
    None if one is an expression."""
    if type(field).pre_save is _PLAIN_PRE_SAVE:  # the attribute as it is
        attname = field.attname
        values = [getattr(row, attname) for row in rows]
    else:
        values = [field.pre_save(row, True) for row in rows]
    if any(hasattr(value, "resolve_expression") for value in values):
        return None
    return _prepared(field, values, connection)


def _prepared(field, values: list[Any], connection) -> list[Any]:
    """``values`` of ``field`` prepared for the database as ``save()`` prepares them."""
    target = field.target_field if field.is_relation else field
    kept = {kind for kind, classes in _AS_IS.items() if type(target) in classes}
    if field.is_relation and type(field) is not models.ForeignKey:
        kept = set()
    prepare = field.get_db_prep_save
    return [
        value if (value is None and kept) or type(value) in kept else prepare(value, connection)
        for value in values
    ]


def _insert_sql(meta, columns, returning, ignore_conflicts: bool, connection) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in columns)
    arrays = ", ".join(f"%s::{field.db_type(connection).split('(')[0]}[]" for field in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM UNNEST({arrays})"  # noqa: S608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(quote(field.column) for field in returning)
    return sql


def _from_db(meta, field, value: Any, connection) -> Any:
    # A returned column converted as Django converts what an insert returns.
    column = field.get_col(meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    for converter in converters:
        value = converter(value, column, connection)
    return value
