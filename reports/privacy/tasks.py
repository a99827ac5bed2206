"""Celery tasks of the privacy app: ids in, one service call."""

from celery import shared_task

from reports.privacy.services import export, retention


@shared_task(acks_late=True)
def prepare_export(*, job_id: str) -> None:
    export.export_prepare(job_id=job_id)


@shared_task
def apply_retention() -> None:
    retention.retention_apply()


@shared_task
def expire_exports() -> None:
    export.exports_expire()
