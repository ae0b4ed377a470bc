"""The rate limits of a real two-worker server: the default SQLite file gives one client exactly
the limit whichever worker answers; the negative control shows that memory:// gives more.

Which worker accepts a connection is the kernel's choice, so the tests make it theirs: every worker
but one is stopped (SIGSTOP) while requests are sent, which leaves the other to answer them all.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.concurrency.server import RunningServer, run_server
from tests.coupons.helpers import LOOKUP

pytestmark = pytest.mark.slow

LIMIT = 3


def worker_pids(server: RunningServer) -> list[int]:
    """uvicorn's worker processes: the children of the server started by multiprocessing."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


@contextmanager
def only_worker(server: RunningServer, worker: int) -> Iterator[None]:
    """Every other worker stopped, so ``worker`` accepts every connection made meanwhile."""
    others = [pid for pid in worker_pids(server) if pid != worker]
    # The supervisor would take a stopped worker for hung and replace it: it pauses too.
    paused = [server.process.pid, *others]
    for pid in paused:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in reversed(paused):
            os.kill(pid, signal.SIGCONT)


def lookup(server: RunningServer) -> int:
    """One coupon code attempt without a token (counted by address), on a connection of its own."""
    return httpx.get(f"{server.base_url}{LOOKUP}/NOPE", timeout=60).status_code


@contextmanager
def two_workers(database_url: str, storage: str) -> Iterator[tuple[RunningServer, int, int]]:
    limit = f"{LIMIT}/minute"
    with run_server(
        database_url, workers=2, rate_limit_storage=storage, coupon_lookup_limit=limit
    ) as server:
        first, second = worker_pids(server)
        yield server, first, second


def test_the_default_storage_gives_one_client_exactly_the_limit_across_workers(
    database_url: str, tmp_path: Path
) -> None:
    with two_workers(database_url, f"sqlite:///{tmp_path}/rate-limits.sqlite") as workers:
        server, first, second = workers
        with only_worker(server, first):
            assert [lookup(server) for _ in range(LIMIT - 1)] == [404] * (LIMIT - 1)
        with only_worker(server, second):
            assert [lookup(server) for _ in range(2)] == [404, 429]
        with only_worker(server, first):
            assert lookup(server) == 429


def test_negative_control_in_memory_every_worker_counts_on_its_own(database_url: str) -> None:
    with two_workers(database_url, "memory://") as workers:
        server, first, second = workers
        with only_worker(server, first):
            assert [lookup(server) for _ in range(LIMIT + 1)] == [404] * LIMIT + [429]
        with only_worker(server, second):
            assert lookup(server) == 404
