"""The settings module reads the environment: embedded defaults, PostgreSQL and Redis."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "db = settings.DATABASES['default'];"
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']),"
    " 'options': db.get('OPTIONS', {}),"
    " 'broker': settings.CELERY_BROKER_URL, 'debug': settings.DEBUG,"
    " 'secure': settings.SESSION_COOKIE_SECURE, 'langs': [c for c, _ in settings.LANGUAGES],"
    " 'tz': settings.TIME_ZONE, 'use_tz': settings.USE_TZ}))"
)


def probe(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "SECURE_COOKIES"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", ESCALADE_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result


def test_no_environment_means_sqlite_and_a_file_broker(tmp_path):
    result = probe(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(tmp_path / "escalade.sqlite3")
    assert found["broker"] == "filesystem://"
    assert (tmp_path / "broker" / "queue").is_dir()
    assert found["langs"] == ["en", "pl", "fr", "nl", "ru"]
    assert (found["tz"], found["use_tz"]) == ("UTC", True)


def test_database_and_redis_urls_switch_to_postgresql_and_redis(tmp_path):
    result = probe(
        tmp_path,
        SECRET_KEY="x",
        DATABASE_URL="postgres://u:p@db.example:5432/esc",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "esc"
    assert found["options"]["options"] == "-c jit=off"
    assert found["broker"] == "redis://cache.example:6379/1"


@pytest.mark.django_db
def test_postgresql_connections_run_without_the_jit_compiler():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the JIT compiler is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.parametrize("debug", ["", "0"])
def test_production_defaults_are_safe(tmp_path, debug):
    missing_key = probe(tmp_path, DEBUG=debug)
    assert missing_key.returncode != 0
    assert "SECRET_KEY must be set" in missing_key.stderr
    found = json.loads(probe(tmp_path, DEBUG=debug, SECRET_KEY="x").stdout)
    assert found["debug"] is False
    assert found["secure"] is True


def test_commands_that_sign_nothing_run_without_a_key(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", ESCALADE_VAR_DIR=str(tmp_path))
    run = [sys.executable, "manage.py"]
    kwargs = {"cwd": ROOT, "env": clean, "capture_output": True, "text": True, "timeout": 60}
    checked = subprocess.run([*run, "makemigrations", "--check", "--dry-run"], **kwargs)
    assert checked.returncode == 0, checked.stderr
    refused = subprocess.run([*run, "migrate", "--plan"], **kwargs)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("escalations.tasks.sweep_sla_clocks", "ENFORCEMENT_QUEUE"),
        ("escalations.tasks.sweep_duty", "ENFORCEMENT_QUEUE"),
        ("escalations.tasks.recompute_clocks", "ENFORCEMENT_QUEUE"),
        ("notifications.tasks.deliver", "DELIVERY_QUEUE"),
        # Long housekeeping never holds the enforcement worker (one process).
        ("reports.privacy.tasks.apply_retention", "DELIVERY_QUEUE"),
        ("reports.privacy.tasks.prepare_export", "DELIVERY_QUEUE"),
        ("reports.privacy.tasks.expire_exports", "DELIVERY_QUEUE"),
        ("reports.tasks.send_weekly_digests", "DELIVERY_QUEUE"),
        ("tickets.tasks.remove_orphaned_attachments", "DELIVERY_QUEUE"),
    ],
)
def test_each_task_goes_to_its_queue(settings, task, queue):
    from config.celery import app

    routed = app.amqp.router.route({}, task)
    assert routed["queue"].name == getattr(settings, queue)


def test_the_api_settings_import_whatever_is_imported_first():
    """DRF reads its parser and pagination settings when ``rest_framework.views`` is
    first imported; a class they name may not live in a module that imports the
    views itself (beat, importing ``config.api`` first, failed so)."""
    import subprocess
    import sys

    code = (
        "import django; django.setup(); import config.api; "
        "from rest_framework.settings import api_settings; "
        "print(api_settings.DEFAULT_PARSER_CLASSES[0].__name__)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "JSONParser"
