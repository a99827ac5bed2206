"""Settings for the test suite: the real settings with test-friendly secrets."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_COOKIES", "false")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"auth": "1000/minute"}  # noqa: F405
# Tasks enqueued by the code under test run inline; tests of real workers send
# tasks by name (send_task), which is never eager.
CELERY_TASK_ALWAYS_EAGER = True
# Each test starts with no sign-in failures: counted in the test's own database,
# and caches kept per process (tests of the Redis-backed lock-out set their own).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
