"""Housekeeping of the ticket app run by beat."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from tickets.models import Attachment
from tickets.services.stored_files import orphaned_files_remove


@shared_task(ignore_result=True)
def remove_orphaned_attachments() -> int:
    """Remove attachment files no attachment row names, stored over
    ``ATTACHMENT_ORPHAN_HOURS`` ago: what a process killed between the storage
    write and the end of its transaction left. Such a file is recent, so the
    daily run lists only this month's and last month's folders (``upload_to``
    is ``attachments/%Y/%m/``), not the whole storage; ``manage.py
    attachments_orphans`` walks all of it by hand. Returns how many went."""
    today = timezone.now()
    last_month = today.replace(day=1) - timedelta(days=1)
    removed = 0
    for month in (last_month, today):
        removed += len(
            orphaned_files_remove(
                model=Attachment,
                field="file",
                root=month.strftime("attachments/%Y/%m"),
                older_than=timedelta(hours=settings.ATTACHMENT_ORPHAN_HOURS),
                dry_run=False,
            )
        )
    return removed
