"""Files written to storage inside a database transaction, removed again when the
transaction does not keep the row that refers to them.

Storage (a disk, S3) takes no part in the database transaction: a file saved before
a later step fails (the reply, the status change, the ticket itself) would stay
behind with nothing pointing at it. ``atomic_with_files`` opens a transaction and
notes every file saved through ``stored_file_save`` inside it; when the outermost
such block ends, each noted file whose row is not in the database (rolled back by
an exception, a savepoint or ``set_rollback``) is deleted. The row is the truth,
whatever path the rollback took. ``orphaned_files_remove`` (the command
``attachments_orphans``) catches what a killed process left. See docs/decisions.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.core.files import File
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Stored:
    instance: models.Model  # the row the file belongs to (its pk once saved)
    field: str
    storage: object
    name: str


# The files saved in the current outermost block (None outside any block).
_pending: ContextVar[list[_Stored] | None] = ContextVar("stored_files_pending", default=None)


@contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[None]:
    """``transaction.atomic`` that removes, at the end of the outermost such block,
    the files saved inside it whose rows were not kept. Doors wrap the whole write
    (ticket or reply, files, status) in it, so the check runs after the last step
    that could undo the rows."""
    outer = _pending.get()
    if outer is not None:
        with transaction.atomic(using=using):
            yield
        return
    pending: list[_Stored] = []
    token = _pending.set(pending)
    try:
        with transaction.atomic(using=using):
            yield
    finally:
        _pending.reset(token)
        _remove_orphans(pending)


def stored_file_save(field_file: FieldFile, name: str, content: File) -> str:
    """Save ``content`` through the field's storage (under the name the storage
    picks) and note it for removal should its row not be kept. Must run inside
    ``atomic_with_files``: a file saved outside one could not be cleaned up."""
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("stored_file_save() needs an enclosing atomic_with_files() block.")
    field_file.save(name, content, save=False)
    pending.append(
        _Stored(
            instance=field_file.instance,
            field=field_file.field.name,
            storage=field_file.storage,
            name=field_file.name,
        )
    )
    return field_file.name


def _remove_orphans(pending: list[_Stored]) -> None:
    """Delete the files whose rows are not in the database: one query by primary key
    per model and field; a row never saved has no pk and keeps nothing."""
    groups: dict[tuple[type[models.Model], str], list[_Stored]] = {}
    for stored in pending:
        groups.setdefault((type(stored.instance), stored.field), []).append(stored)
    for (model, field), files in groups.items():
        pks = [stored.instance.pk for stored in files if stored.instance.pk is not None]
        try:
            kept = set(model._default_manager.filter(pk__in=pks).values_list("pk", field))
        except Exception:  # the database cannot tell: keep the files, never lose one
            log.exception("Could not check whether %d stored files are referenced", len(files))
            continue
        for stored in files:
            if (stored.instance.pk, stored.name) in kept:
                continue
            try:
                stored.storage.delete(stored.name)
            except Exception:
                log.exception("Could not remove the orphaned file %s", stored.name)


def orphaned_files_remove(
    *, model: type[models.Model], field: str, root: str, older_than: timedelta, dry_run: bool
) -> list[str]:
    """Delete the files under ``root`` of the field's storage that no row names and
    that were stored more than ``older_than`` ago: what a process killed between
    the storage write and the end of its transaction left behind. Younger files
    are left alone (their transaction may still be open). Returns the names."""
    storage = model._meta.get_field(field).storage
    cutoff = timezone.now() - older_than
    found: list[str] = []
    for folder, files in _walk(storage, root):
        # One query per folder (a month, with the default upload_to), not per file.
        named = set(
            model._default_manager.filter(**{f"{field}__startswith": f"{folder}/"}).values_list(
                field, flat=True
            )
        )
        for name in files:
            if name in named or storage.get_modified_time(name) > cutoff:
                continue
            if not dry_run:
                storage.delete(name)
            found.append(name)
    return found


def _walk(storage, folder: str) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``folder`` with the names of the files directly in it."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    if files:
        yield folder, [f"{folder}/{name}" for name in sorted(files)]
    for sub in sorted(folders):
        yield from _walk(storage, f"{folder}/{sub}")
