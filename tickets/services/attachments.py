"""Attachments: checked (count, size, type by name and by content) before any is
stored, stored through Django's storage API, and recorded in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from tickets import notes
from tickets.models import Attachment, Comment, Ticket, TicketEvent, User
from tickets.services.base import ticket_event_record
from tickets.services.stored_files import (
    atomic_with_files,
    orphaned_files_remove,
    stored_file_save,
)

# What the first bytes of each allowed type look like; text types must be UTF-8
# without NUL bytes. A file whose content is not what its name says is refused.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}
TEXT_TYPES = {"txt", "log", "csv"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# A file name is shown as sent up to the field's length; in storage its last part
# must also fit a file system's 255 bytes, with room for the suffix a storage adds
# to a name already taken ("_a1b2c3d").
SHOWN_NAME_CHARS = Attachment._meta.get_field("name").max_length
STORED_NAME_BYTES = 200


def _shortened(name: str, extension: str, *, chars: int, utf8_bytes: int) -> str:
    """``name`` cut to ``chars`` characters and ``utf8_bytes`` bytes in UTF-8, keeping
    its extension (a name cut anywhere would lose it) and whole characters."""
    suffix = f".{extension}" if extension else ""
    stem = name[: len(name) - len(suffix)] if suffix and name.lower().endswith(suffix) else name
    stem = stem[: max(chars - len(suffix), 1)]
    room = utf8_bytes - len(suffix.encode())
    stem = stem.encode()[:room].decode(errors="ignore")
    return f"{stem}{suffix}"


def _content_matches(upload: UploadedFile, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    if extension in TEXT_TYPES:
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            return error.start >= len(head) - 3
        return True
    return False


def attachments_check(*, ticket: Ticket, files: Sequence[UploadedFile]) -> None:
    """Refuse the whole lot, with a message, unless every file passes: at most
    ``ATTACHMENT_MAX_COUNT`` per message, each at most ``ATTACHMENT_MAX_BYTES``,
    an allowed extension, and content of that type."""
    if len(files) > settings.ATTACHMENT_MAX_COUNT:
        raise ValidationError(
            {
                "attachments": _("At most %(n)d files at a time.")
                % {"n": settings.ATTACHMENT_MAX_COUNT}
            }
        )
    allowed = {ext.lower() for ext in settings.ATTACHMENT_TYPES}
    for upload in files:
        name = upload.name or ""
        extension = _extension(name)
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024) or 1
            raise ValidationError(
                {
                    "attachments": _("%(name)s is larger than %(mb)d MB.")
                    % {"name": name, "mb": limit}
                }
            )
        if extension not in allowed or extension not in CONTENT_TYPES:
            raise ValidationError(
                {
                    "attachments": _("%(name)s: files of this type are not accepted (%(types)s).")
                    % {"name": name, "types": ", ".join(sorted(allowed))}
                }
            )
        if not _content_matches(upload, extension):
            raise ValidationError(
                {
                    "attachments": _("%(name)s is not the kind of file its name says.")
                    % {"name": name}
                }
            )


def attachments_add(
    *, ticket: Ticket, actor: User, files: Sequence[UploadedFile], comment: Comment | None = None
) -> list[Attachment]:
    """Store the files on the ticket (and comment), once all of them pass the
    checks; each is recorded in the ticket's audit trail. Files whose rows are not
    kept (this write or the caller's ``atomic_with_files`` block rolls back) are
    removed from storage again, so a refusal or a failure leaves nothing behind."""
    attachments_check(ticket=ticket, files=files)
    stored: list[Attachment] = []
    with atomic_with_files():
        for upload in files:
            extension = _extension(upload.name)
            valid = get_valid_filename(upload.name) or f"file.{extension}"
            name = _shortened(valid, extension, chars=SHOWN_NAME_CHARS, utf8_bytes=10_000)
            attachment = Attachment(
                ticket=ticket,
                comment=comment,
                name=name,
                content_type=CONTENT_TYPES[extension],
                size=upload.size,
                uploaded_by=actor,
            )
            stored_file_save(
                attachment.file,
                _shortened(name, extension, chars=SHOWN_NAME_CHARS, utf8_bytes=STORED_NAME_BYTES),
                upload,
            )
            attachment.save()
            stored.append(attachment)
            ticket_event_record(
                ticket=ticket,
                actor=actor,
                kind=TicketEvent.Kind.CHANGED,
                field="attachment",
                new=name,
                note=notes.note("comment.internal")
                if comment is not None and not comment.is_public
                else "",
            )
    return stored


def attachments_orphans_remove(
    *, older_than: timedelta, dry_run: bool = False, recent_only: bool = False
) -> list[str]:
    """Remove (or, ``dry_run``, list) attachment files no attachment names, stored
    over ``older_than`` ago: what a process killed between the storage write and
    the end of its transaction left. ``recent_only`` (beat's nightly run) lists only
    this month's and last month's folders (``upload_to`` is ``attachments/%Y/%m/``),
    where such a file is, instead of the whole storage."""
    roots = ["attachments"]
    if recent_only:
        today = timezone.now()
        last_month = today.replace(day=1) - timedelta(days=1)
        roots = [month.strftime("attachments/%Y/%m") for month in (last_month, today)]
    removed: list[str] = []
    for root in roots:
        removed += orphaned_files_remove(
            model=Attachment, field="file", root=root, older_than=older_than, dry_run=dry_run
        )
    return removed
