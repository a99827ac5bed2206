"""Export: everything held about a requester as one zip archive (``data.json`` and
the stored files), prepared by a Celery task; the download link is signed and
expires."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import (
    FileSystemStorage,
    InvalidStorageError,
    default_storage,
    storages,
)
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.privacy.models import ExportJob
from reports.privacy.services.subject import (
    NothingHeld,
    normalise_email,
    subject_find,
    subject_scope,
)
from tickets.holders import registered
from tickets.models import User

FORMAT = "escalade-personal-data/1"
SALT = "privacy.export"


def archive_storage():
    """Where archives are kept: the ``privacy_exports`` storage when STORAGES names
    one (e.g. a private bucket), else PRIVACY_EXPORT_DIR. Never the public media."""
    try:
        return storages["privacy_exports"]
    except InvalidStorageError:
        return FileSystemStorage(location=settings.PRIVACY_EXPORT_DIR)


class LinkInvalid(Exception):
    """A download link that is forged, expired, or for an export no longer kept."""


def export_request(*, email: str, region: str = "", actor: User | None) -> ExportJob:
    """Queue an export of what is held about ``email`` (limited to the tickets of
    ``region``'s organizations when given). Raises NothingHeld for an address
    nothing carries."""
    email = normalise_email(email)
    subject_find(email=email, region=region)
    job = ExportJob.objects.create(email=email, region=region, requested_by=actor)
    from reports.privacy.tasks import prepare_export

    transaction.on_commit(lambda: prepare_export.delay(job_id=str(job.pk)))
    return job


def export_prepare(*, job_id: str) -> ExportJob | None:
    """Build the archive of a queued export, recording progress after each holder.
    Idempotent: an export already prepared (or taken by another worker) is left."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, steps_total=len(registered()) + 1
    )
    if not claimed:
        return None
    job = ExportJob.objects.get(pk=job_id)
    try:
        name, size = _build(job)
    except NothingHeld:
        return _finish(job, status=ExportJob.Status.FAILED, error=_("Nothing is held any more."))
    except Exception as error:
        _finish(job, status=ExportJob.Status.FAILED, error=type(error).__name__)
        raise
    now = timezone.now()
    hours = settings.PRIVACY_EXPORT_LINK_HOURS
    return _finish(
        job,
        status=ExportJob.Status.READY,
        archive=name,
        size=size,
        finished_at=now,
        expires_at=now + timedelta(hours=hours),
    )


def _build(job: ExportJob) -> tuple[str, int]:
    scope = subject_scope(subject_find(email=job.email, region=job.region))
    data, files = {}, []
    for number, holder in enumerate(registered(), start=1):
        rows = holder.export(scope)
        if rows:
            data[holder.key] = rows
        files.extend(holder.files(scope))
        ExportJob.objects.filter(pk=job.pk).update(steps_done=number)
    document = {
        "format": FORMAT,
        "email": job.email,
        "region": job.region,
        "generated_at": timezone.now(),
        "data": data,
        "files": [f"files/{name}" for _stored, name in files],
    }
    with tempfile.TemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2))
            for stored, name in files:
                if default_storage.exists(stored):
                    with default_storage.open(stored, "rb") as source:
                        archive.writestr(f"files/{name}", source.read())
        size = buffer.tell()
        buffer.seek(0)
        name = archive_storage().save(f"{job.pk}.zip", File(buffer))
    return name, size


def _finish(job: ExportJob, **values) -> ExportJob:
    values.setdefault("finished_at", timezone.now())
    values["steps_done"] = job.steps_total if values["status"] == ExportJob.Status.READY else 0
    ExportJob.objects.filter(pk=job.pk).update(**values)
    job.refresh_from_db()
    return job


def export_link_token(job: ExportJob) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(job.pk))


def export_open(*, job_id: str, token: str):
    """The archive of a ready export, if ``token`` was signed for it and neither
    the link nor the export has expired."""
    max_age = settings.PRIVACY_EXPORT_LINK_HOURS * 3600
    try:
        signed = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age)
    except signing.BadSignature as error:
        raise LinkInvalid(_("This download link is invalid or has expired.")) from error
    job = ExportJob.objects.filter(pk=job_id).first() if signed == job_id else None
    if job is None:
        raise LinkInvalid(_("This download link is invalid or has expired."))
    expired = job.expires_at is not None and job.expires_at <= timezone.now()
    if job.status != ExportJob.Status.READY or expired:
        raise LinkInvalid(_("This export has expired; request a new one."))
    return job, archive_storage().open(job.archive, "rb")


def exports_expire(*, now=None) -> int:
    """Delete the archives of exports past their time, and forget the address."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.READY, expires_at__lte=now):
        if job.archive:
            archive_storage().delete(job.archive)
        expired += ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.READY).update(
            status=ExportJob.Status.EXPIRED, archive="", email=""
        )
    return expired
