"""``kasse serve --workers N``: the workers come up, and a worker that stops answering uvicorn's
health check (for KASSE_WORKER_HEALTHCHECK_SECONDS) is replaced with a line in the log saying so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.concurrency.server import STARTUP_SECONDS, free_port, stop_server, wait_until_ready

KASSE = Path(sys.executable).parent / "kasse"
# Long enough for a worker to start answering on a busy machine, short enough for the test.
HEALTHCHECK_SECONDS = 15


def worker_pids(supervisor: int) -> list[int]:
    """The supervisor's worker processes (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return [
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def wait_for_line(log: Path, text: str) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if text in line:
                return line
        time.sleep(0.2)
    raise AssertionError(f"no line with {text!r} in:\n{log.read_text()}")


@pytest.mark.slow
def test_serve_with_two_workers_comes_up_and_replaces_a_hung_worker(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "KASSE_DATABASE_URL": database_url,
        "KASSE_WORKER_HEALTHCHECK_SECONDS": str(HEALTHCHECK_SECONDS),
        "KASSE_MAIL_URL": f"file://{tmp_path / 'mail'}",
        "KASSE_LOG_LEVEL": "warning",
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(KASSE), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(base_url, server, workers=2)
        r = httpx.get(f"{base_url}/health", timeout=30)
        assert (r.status_code, r.json()) == (200, {"status": "ok"})

        # A stopped process cannot answer the ping: the supervisor kills and replaces it.
        hung = worker_pids(server.pid)[0]
        os.kill(hung, signal.SIGSTOP)
        line = wait_for_line(log, f"worker [{hung}]")
        assert f"did not answer the health check within {HEALTHCHECK_SECONDS} s" in line
    finally:
        stop_server(server)
