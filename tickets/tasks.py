"""Housekeeping of the ticket app run by beat."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from tickets.services import attachments_orphans_remove


@shared_task(ignore_result=True)
def remove_orphaned_attachments() -> int:
    """Beat's nightly removal of orphaned attachment files, older than
    ``ATTACHMENT_ORPHAN_HOURS``, in the recent folders; returns how many went."""
    older_than = timedelta(hours=settings.ATTACHMENT_ORPHAN_HOURS)
    return len(attachments_orphans_remove(older_than=older_than, recent_only=True))
