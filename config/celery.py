"""Celery application. Settings come from Django's settings under CELERY_*."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("escalade")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
