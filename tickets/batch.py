"""A unit of work for batch jobs (the SLA sweep): one transaction handling many
tickets at once, whose services should not read the same rows again and again
nor write the audit trail one row at a time.

Inside ``work_batch()``:

- ``ticket_lock`` hands back the ticket the batch already holds (``hold``), the
  same object each time, so every service sees the changes made before it;
- ``ticket_event_record`` queues the audit entry; the whole batch's entries are
  inserted with one statement when the batch is flushed;
- services keep what they read for the rest of the batch with ``memo`` (paths
  and levels, calendars, policies, a team's members, message templates), and
  queue their own bulk writes with ``on_flush``;
- ``update_later`` queues the update of a row the batch holds (a ticket moved
  to its new level, its route, its new level clock): the rows of one kind are
  written with one statement when the batch is flushed, each with its fields as
  they are then (the services change the same objects). A reader that needs
  the table itself as the batch left it (counting an agent's open tickets)
  calls ``settle()`` first;
- ``insert_later`` gives a new row its key at once (PostgreSQL: taken ahead
  from the table's sequence) and inserts it with the others of its kind when
  the batch is flushed (the escalation records of a chunk); elsewhere the
  caller saves it at once.

``flush()`` runs before the batch's transaction commits. Outside a batch every
helper does what it would do anyway (``memo`` calls its loader, nothing is
queued). What a batch remembers is valid for that transaction only: the batch
holds its tickets, and anything else it reads is configuration, which a batch of
a few seconds may see as it was when the batch began.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, transaction

from tickets.bulk import rows_insert, rows_update

if TYPE_CHECKING:
    from django.db.models import Model

    from tickets.models import Ticket, TicketEvent

T = TypeVar("T")


class WorkBatch:
    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.trail: list[TicketEvent] = []
        self.memos: dict[Any, Any] = {}
        self.flushers: dict[str, Callable[[], None]] = {}
        self.updates: dict[tuple[type[Model], Any], tuple[Model, set[str]]] = {}
        self.inserts: dict[tuple[type[Model], Any], Model] = {}

    def flush(self) -> None:
        """Write what the batch queued: the audit trail and the queued updates
        first, then each service's rows."""
        from tickets.models import TicketEvent

        trail, self.trail = self.trail, []
        rows_insert(TicketEvent, trail)
        self.settle()
        while self.flushers:
            _name, flusher = self.flushers.popitem()
            flusher()
            self.settle()

    def settle(self) -> None:
        """Write the queued rows: one insert per model, then one update per model
        and set of fields."""
        inserts, self.inserts = self.inserts, {}
        new_rows: dict[type[Model], list[Model]] = {}
        for (model, _pk), instance in inserts.items():
            new_rows.setdefault(model, []).append(instance)
        for model, instances in new_rows.items():
            rows_insert(model, instances)
        updates, self.updates = self.updates, {}
        groups: dict[tuple[type[Model], frozenset[str]], list[Model]] = {}
        for (model, _pk), (instance, fields) in updates.items():
            groups.setdefault((model, frozenset(fields)), []).append(instance)
        for (model, fields), instances in groups.items():
            rows_update(model, instances, sorted(fields))

    def reset(self) -> None:
        """Forget what was queued and read: a savepoint rolled back what the
        batch's services wrote, so the tickets it holds are read again."""
        self.trail, self.flushers, self.memos = [], {}, {}
        self.updates, self.inserts = {}, {}
        for ticket in self.tickets.values():
            ticket.refresh_from_db()


_current: ContextVar[WorkBatch | None] = ContextVar("work_batch", default=None)


@contextmanager
def work_batch() -> Iterator[WorkBatch]:
    """Run the block as one unit of work; call ``flush()`` before its transaction
    commits (leaving the block without flushing drops what was queued)."""
    batch = WorkBatch()
    token = _current.set(batch)
    try:
        yield batch
    finally:
        _current.reset(token)


def current() -> WorkBatch | None:
    return _current.get()


def hold(tickets: list[Ticket]) -> None:
    """The batch holds these tickets (locked by its own query)."""
    batch = current()
    if batch is not None:
        for ticket in tickets:
            batch.tickets[ticket.pk] = ticket


def held(ticket_id: int) -> Ticket | None:
    batch = current()
    return None if batch is None else batch.tickets.get(ticket_id)


def atomic(func: Callable[..., T]) -> Callable[..., T]:
    """``transaction.atomic`` for a service a batch job calls: inside a batch it
    adds no savepoint of its own (a failure undoes the batch's chunk, which has
    one), outside it is the usual atomic block."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with transaction.atomic(savepoint=current() is None):
            return func(*args, **kwargs)

    return wrapper


def memo(key: Any, load: Callable[[], T]) -> T:
    """``load()``, kept for the rest of the batch under ``key`` (``load()`` each
    time outside a batch)."""
    batch = current()
    if batch is None:
        return load()
    if key not in batch.memos:
        batch.memos[key] = load()
    return batch.memos[key]


def recall(key: Any, default: Any = None) -> Any:
    """What the batch keeps under ``key``; ``default`` when nothing (or outside a batch)."""
    batch = current()
    return default if batch is None else batch.memos.get(key, default)


def remember(key: Any, value: Any) -> None:
    """Put ``value`` under ``key`` for the rest of the batch (read ahead in bulk)."""
    batch = current()
    if batch is not None:
        batch.memos[key] = value


def queue_event(event: TicketEvent) -> bool:
    """Queue an audit entry for the batch's bulk insert; False outside a batch."""
    batch = current()
    if batch is None:
        return False
    batch.trail.append(event)
    return True


def update_later(instance: Model, fields: list[str]) -> bool:
    """Queue the update of ``fields`` of a saved row for the batch's bulk update
    (several calls for one row add up their fields); False outside a batch
    (save now instead)."""
    batch = current()
    if batch is None or instance.pk is None:
        return False
    key = (type(instance), instance.pk)
    if batch.inserts.get(key) is instance:
        return True  # inserted with its fields as they are when the batch is flushed
    queued = batch.updates.get(key)
    if queued is not None and queued[0] is not instance:
        batch.settle()  # another copy of the row: what it queued is written first
        queued = None
    batch.updates[key] = (instance, (queued[1] if queued else set()) | set(fields))
    return True


def insert_later(instance: Model, *, ahead: int = 1) -> bool:
    """Give ``instance`` its primary key now and queue its row for the batch's
    bulk insert; False outside a batch, or where keys cannot be taken ahead
    (only PostgreSQL sequences can): save it now instead. Keys are taken from
    the table's sequence ``ahead`` at a time (one statement); those a batch
    leaves unused are only gaps."""
    batch = current()
    if batch is None or instance.pk is not None or connection.vendor != "postgresql":
        return False
    model = type(instance)
    pool = batch.memos.setdefault(("keys", model), [])
    if not pool:
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, max(1, ahead)],
            )
            pool.extend(sorted((row[0] for row in cursor.fetchall()), reverse=True))
    instance.pk = pool.pop()
    instance._state.adding = False
    instance._state.db = connection.alias
    batch.inserts[(model, instance.pk)] = instance
    return True


def inserting(model: type[Model], pks: set[Any]) -> bool:
    """Whether any of these rows is still queued for the batch's insert."""
    batch = current()
    return batch is not None and any((model, pk) in batch.inserts for pk in pks)


def settle() -> None:
    """Write the batch's queued rows now (for a reader that counts rows)."""
    batch = current()
    if batch is not None:
        batch.settle()


def on_flush(name: str, flusher: Callable[[], None]) -> bool:
    """Run ``flusher`` (once, whatever the number of calls with ``name``) when
    the batch is flushed; False outside a batch (write now instead)."""
    batch = current()
    if batch is None:
        return False
    batch.flushers.setdefault(name, flusher)
    return True


def flush_first(name: str) -> None:
    """Run the flusher queued as ``name`` now, if there is one (a flusher whose
    rows another flusher reads: flushers otherwise run last queued first)."""
    batch = current()
    if batch is not None and (flusher := batch.flushers.pop(name, None)) is not None:
        flusher()
