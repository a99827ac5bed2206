"""`make run` on another port: the banner and the links in e-mails follow it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_banner_follows_the_port():
    result = subprocess.run(
        [shutil.which("make") or "/usr/bin/make", "-n", "run", "ESCALADE_PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "http://127.0.0.1:8123/" in result.stdout
    assert ":8000" not in result.stdout


def test_site_url_follows_the_port(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", ESCALADE_VAR_DIR=str(tmp_path), DEBUG="1")
    env["ESCALADE_PORT"] = "8123"
    probe = (
        "import django; from django.conf import settings; django.setup(); print(settings.SITE_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8123", result.stderr
