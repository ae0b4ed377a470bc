"""A real kasse server in worker processes, on a database the test prepared, for race tests."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import Clock
from kasse.core.db import open_instance
from kasse.settings import Settings

# Generous: on a busy two-core CI machine the workers' imports alone can take many seconds.
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def prepare_database(url: str, catalog: dict[str, Any], accesses: list[str]) -> list[str]:
    """Load ``catalog`` and create one token per entry of ``accesses``."""
    instance = open_instance("race", url, Settings(database_url=url))
    try:
        async with instance.write_sessions() as session, session.begin():
            await load_catalog_data(session, catalog, locale="de")
            return [
                await create_api_token(
                    session,
                    access=a,
                    museum_ids=[],
                    name=f"race {a}",
                    now=Clock().now(),  # type: ignore[arg-type]
                )
                for a in accesses
            ]
    finally:
        await instance.dispose()


@dataclass
class RunningServer:
    base_url: str
    process: subprocess.Popen[bytes]


def start_server_process(
    database_url: str, workers: int, settings: dict[str, str], *, own_session: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn with ``workers`` processes on a free loopback port; ``own_session`` puts it in
    a process group of its own (so that one killpg takes the supervisor and every worker)."""
    port = free_port()
    env = {**os.environ, "KASSE_DATABASE_URL": database_url, "KASSE_LOG_LEVEL": "warning"}
    env.update({f"KASSE_{key.upper()}": value for key, value in settings.items()})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "kasse.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=own_session,
    )
    return process, f"http://127.0.0.1:{port}"


@contextmanager
def run_server(database_url: str, *, workers: int = 2, **settings: str) -> Iterator[RunningServer]:
    """uvicorn with ``workers`` processes on loopback; stopped (and waited for) on exit."""
    process, base_url = start_server_process(database_url, workers, settings)
    try:
        wait_until_ready(base_url, process, workers)
        yield RunningServer(base_url=base_url, process=process)
    finally:
        stop_server(process)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Terminate the supervisor (it stops its workers) and wait; kill it if it hangs."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes], workers: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    ready = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/openapi.json", timeout=5).status_code == 200:
                ready += 1
                # Give every worker process time to come up, not just the first one.
                if ready >= workers * 3:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start in time")


async def race(
    base_url: str, requests: list[tuple[str, dict[str, Any], str]], *, request_timeout: float = 60
) -> list[httpx.Response]:
    """Send every (path, body, token) POST at once, each on its own connection."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=request_timeout, limits=limits
    ) as client:
        start = asyncio.Event()

        async def one(path: str, body: dict[str, Any], token: str) -> httpx.Response:
            await start.wait()
            return await client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})

        tasks = [asyncio.create_task(one(*r)) for r in requests]
        await asyncio.sleep(0.05)
        start.set()
        return list(await asyncio.gather(*tasks))
