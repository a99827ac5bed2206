"""Attachments in an S3-compatible bucket, configured as production is (the
environment read by ``config.environment.file_storage``), against moto's in-process
S3: upload through the API, permission-checked download, cleanup on rollback."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from config.environment import env, file_storage
from tests.factories import UserFactory, create_ticket
from tickets.models import Attachment

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BUCKET = "escalade-attachments"
ENDPOINT = "http://s3.example.test:9000"  # an S3-compatible store of one's own (MinIO, ...)


@pytest.fixture
def s3(monkeypatch, settings):
    """The settings path of production: environment variables -> STORAGES["default"]."""
    for name, value in {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": ENDPOINT,
        "AWS_S3_REGION_NAME": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_LOCATION": "desk",
        "MOTO_S3_CUSTOM_ENDPOINTS": ENDPOINT,
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        client = boto3.client(
            "s3",
            endpoint_url=ENDPOINT,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        settings.STORAGES = {**settings.STORAGES, "default": file_storage(env)}
        yield client


def keys(client):
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_no_bucket_means_local_files(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    assert file_storage(env) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_the_bucket_settings_come_from_the_environment(s3):
    config = file_storage(env)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["endpoint_url"] == ENDPOINT
    assert config["OPTIONS"]["default_acl"] is None
    assert config["OPTIONS"]["file_overwrite"] is False
    assert default_storage.bucket_name == BUCKET
    assert default_storage.location == "desk"


def test_upload_and_permission_checked_download(s3, api_as, client, agent, requester, policy):
    ticket = create_ticket(agent, requester_email=requester.email)
    created = api_as(agent).post(
        f"/api/v1/tickets/{ticket.pk}/comments/",
        {"body": "Screenshot", "attachments": [SimpleUploadedFile("s.png", PNG, "image/png")]},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    attachment = Attachment.objects.get()
    assert type(attachment.file.storage._wrapped).__name__ == "S3Storage"
    (key,) = keys(s3)
    assert key.startswith("desk/attachments/")
    assert key.endswith(".png")
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PNG
    # Two files of one name are two objects.
    api_as(agent).post(
        f"/api/v1/tickets/{ticket.pk}/comments/",
        {"body": "Again", "attachments": [SimpleUploadedFile("s.png", PNG, "image/png")]},
        format="multipart",
    )
    assert len(keys(s3)) == 2

    client.force_login(requester)
    download = client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PNG
    stranger = UserFactory(username="stranger", email="someone@elsewhere.example")
    client.force_login(stranger)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_a_failed_reply_leaves_no_object_in_the_bucket(s3, client, agent, requester, policy):
    ticket = create_ticket(agent, requester_email=requester.email)
    client.force_login(agent)
    response = client.post(
        f"/tickets/{ticket.pk}/comment/",
        {
            "body": "Closing with a picture",
            "is_public": "public",
            "set_status": "closed",  # new -> closed is refused after the file is stored
            "attachments": [SimpleUploadedFile("screen.png", PNG, "image/png")],
        },
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()
    assert keys(s3) == []


def test_the_orphan_sweep_lists_the_bucket(s3, agent, requester, policy):
    from datetime import timedelta

    from tickets.services import attachments_add
    from tickets.services.stored_files import atomic_with_files, orphaned_files_remove

    ticket = create_ticket(agent, requester_email=requester.email)
    with atomic_with_files():
        (kept,) = attachments_add(
            ticket=ticket, actor=agent, files=[SimpleUploadedFile("k.png", PNG, "image/png")]
        )
    orphan = default_storage.save("attachments/2026/01/left.png", SimpleUploadedFile("l", PNG))
    removed = orphaned_files_remove(
        model=Attachment, field="file", root="attachments", older_than=timedelta(0), dry_run=False
    )
    assert removed == [orphan]
    assert keys(s3) == [f"desk/{kept.file.name}"]
