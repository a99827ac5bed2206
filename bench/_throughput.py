"""Throughput of one URL under gunicorn: a small threaded HTTP client (``http.client``,
no external tools) sends requests from ``clients`` threads at once for a while and
reports requests per second and latency percentiles.

Used by ``desk_queue.py --gunicorn``; the server is started here on a free port with
the benchmark's database and stopped at the end.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import _common

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(  # noqa: S603
        [
            GUNICORN,
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=_common.ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError("gunicorn did not start listening within 60 s")


def stop(server: subprocess.Popen) -> None:
    """Stop the server this module started (its own process group only)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def get(port: int, path: str, headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def hammer(port: int, path: str, headers: dict, *, clients: int, seconds: float) -> dict:
    """``clients`` threads request ``path`` back to back for ``seconds``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        mine, seen = [], {}
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status = get(port, path, headers)
            mine.append(time.perf_counter() - started)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50": _common.percentile(ms, 50),
        "p99": _common.percentile(ms, 99),
        "statuses": statuses,
    }


def workers_cpu(master: int) -> float | None:
    """CPU seconds (user + system) used so far by the children of process ``master``
    (the gunicorn workers), from /proc; None where there is no /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # the parent's pid; utime and stime follow at 11, 12
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def run(path: str, token: str, *, workers: int, clients: int, seconds: float) -> None:
    headers = {"Authorization": f"Token {token}", "Host": "localhost"}
    server, port = start_gunicorn(workers)
    try:
        hammer(port, path, headers, clients=clients, seconds=3)  # warm every worker up
        # CPU per request, in the workers and in this client: what bounds the rate on a
        # machine's cores whatever else runs on them (the wall figures do depend on it).
        served, asked = workers_cpu(server.pid), time.process_time()
        result = hammer(port, path, headers, clients=clients, seconds=seconds)
        asked = time.process_time() - asked
        if served is not None:
            served = workers_cpu(server.pid) - served
    finally:
        stop(server)
    count = max(result["requests"], 1)
    cpu = "" if served is None else f"workers' CPU {served / count * 1000:.1f} ms per request, "
    cpu += f"the client's {asked / count * 1000:.1f} ms"
    load = os.getloadavg()
    print(
        f"\ngunicorn, {workers} workers, {clients} concurrent clients, "
        f"{seconds:.0f} s, GET {path}\n"
        f"{result['per_second']:.0f} requests/s  p50 {result['p50']:.1f} ms  "
        f"p99 {result['p99']:.1f} ms  ({result['requests']} requests, statuses "
        f"{result['statuses']}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})\n"
        f"{cpu}",
        flush=True,
    )
