"""Where settings come from: the environment, and the folder of the embedded mode."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# Embedded-mode state (SQLite file, file broker) lives here.
VAR_DIR = Path(env.str("ESCALADE_VAR_DIR", default=str(BASE_DIR / "var")))


def file_storage(environ: environ.Env = env) -> dict:
    """``STORAGES["default"]`` (attachments): local files under ``MEDIA_ROOT``, or an
    S3-compatible bucket when ``AWS_STORAGE_BUCKET_NAME`` is set (django-storages with
    boto3). Private objects, never overwritten; downloads still go through the
    permission-checked view, which reads the object through the storage."""
    bucket = environ.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        # Keys under this prefix (one bucket may serve several installations).
        "location": environ.str("AWS_LOCATION", default=""),
        "default_acl": None,  # the bucket's own (private) policy, never public-read
        "file_overwrite": False,  # two files of one name get two objects
        "querystring_auth": True,
        "signature_version": "s3v4",
    }
    optional = {
        # MinIO, Ceph, Garage, Scaleway, ...: the provider's address, e.g. https://s3.example.com
        "endpoint_url": "AWS_S3_ENDPOINT_URL",
        "region_name": "AWS_S3_REGION_NAME",
        # Left empty, boto3 finds credentials itself (environment, instance role).
        "access_key": "AWS_ACCESS_KEY_ID",
        "secret_key": "AWS_SECRET_ACCESS_KEY",
        # "path" for stores without bucket sub-domains (most self-hosted ones).
        "addressing_style": "AWS_S3_ADDRESSING_STYLE",
    }
    for option, variable in optional.items():
        value = environ.str(variable, default="")
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
