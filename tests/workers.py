"""Real Celery processes for tests of Celery behaviour (PostgreSQL + Redis).

Workers and beat run as subprocesses of the test against the test database,
on a queue of their own, so they never pick up anybody else's tasks."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))

needs_broker = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
    reason="needs REDIS_URL and DATABASE_URL pointing at PostgreSQL (as .ci/run sets)",
)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] or "postgres"
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class CeleryProcesses:
    def __init__(self, tmp_path: Path):
        self.queue = f"escalade-test-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            SECRET_KEY="test",
            DATABASE_URL=database_url(),
            CELERY_QUEUE=self.queue,
            CONN_MAX_AGE="0",
            **extra,
        )
        return env

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"celery-{len(self.procs)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [CELERY, "-A", "config", *args],
            cwd=ROOT,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def worker(self, concurrency: int = 2, queues: str = "", **env: str) -> subprocess.Popen:
        """A worker of both queues, or of ``queues`` ("enforcement", "deliveries")."""
        if queues:
            queues = ",".join(f"{self.queue}.{name}" for name in queues.split(","))
        return self.start(
            "worker",
            "-Q",
            queues or f"{self.queue}.enforcement,{self.queue}.deliveries",
            "-c",
            str(concurrency),
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"w{len(self.procs)}-{self.queue}@%h",
            "--loglevel=INFO",
            **env,
        )

    def beat(self, **env: str) -> subprocess.Popen:
        return self.start(
            "beat", "--loglevel=INFO", f"--schedule={self.tmp_path / 'beat-schedule'}", **env
        )

    def send(self, name: str, **kwargs) -> None:
        from config.celery import app

        kind = "deliveries" if name in settings.CELERY_TASK_ROUTES else "enforcement"
        app.send_task(name, kwargs=kwargs, queue=f"{self.queue}.{kind}")

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("celery-*.log")))

    def kill(self, proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    details = message() if callable(message) else message
    raise AssertionError(f"timed out after {timeout}s: {details}")


@pytest.fixture
def celery_processes(tmp_path, transactional_db):
    assert settings.CELERY_BROKER_URL.startswith("redis")
    processes = CeleryProcesses(tmp_path)
    yield processes
    processes.stop_all()


class RedisServer:
    """A Redis of the test's own, on a free port, that it stops and starts empty."""

    def __init__(self, folder: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), timeout=10, message="redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()
