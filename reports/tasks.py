"""Celery tasks of the reports: thin, names pinned for beat."""

from celery import shared_task


@shared_task(name="reports.tasks.send_weekly_digests", ignore_result=True)
def send_weekly_digests() -> int:
    """Beat, every 15 minutes: the managers whose digest is due in their own time zone."""
    from reports.services.digest import digests_send

    return digests_send()
