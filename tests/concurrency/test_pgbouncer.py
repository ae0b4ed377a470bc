"""Several kasse hosts against one PostgreSQL through PgBouncer in transaction pooling mode.

Two kasse servers (two ports standing for two hosts) reach the test's database through a PgBouncer
the test starts (Debian's ``pgbouncer``; ``.ci/run`` installs it). Buyers race over both for the
last places: exactly the capacity is sold, and no request fails (a prepared statement that
outlived its transaction would fail one with a 500).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.concurrency.server import free_port, race, run_server
from tests.concurrency.test_races import (
    SINGLE,
    assert_clean,
    at,
    race_db,  # noqa: F401  (the fixture)
    sold_per_quota,
    ticket_order,
)
from tests.helpers import postgres_only

pytestmark = [pytest.mark.slow, postgres_only]

CAPACITY = 10  # quota 50 of the race catalog
STARTUP_SECONDS = 30


def _pgbouncer_binary() -> str:
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("pgbouncer is not installed; .ci/run installs Debian's pgbouncer")
        pytest.skip("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
    return binary


def _config(folder: Path, port: int, server_host: str, server_port: int) -> Path:
    config = folder / "pgbouncer.ini"
    config.write_text(
        f"""[databases]
* = host={server_host} port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "users.txt"}
pool_mode = transaction
max_client_conn = 500
default_pool_size = 8
ignore_startup_parameters = extra_float_digits
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
"""
    )
    (folder / "users.txt").write_text('"postgres" ""\n')
    return config


@contextmanager
def pgbouncer(database_url: str) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of ``database_url``'s server; the URL through it."""
    binary = _pgbouncer_binary()
    url = make_url(database_url)
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="kasse-pgbouncer-"))
    config = _config(folder, port, url.host or "127.0.0.1", url.port or 5432)
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: as postgres, in a folder of its own
        as_postgres = ["-u", "postgres"]
        for path in (folder, *folder.iterdir()):
            shutil.chown(path, "postgres")
    process = subprocess.Popen([binary, *as_postgres, str(config)])
    try:
        _wait_for(port, process, folder)
        yield url.set(port=port).render_as_string(hide_password=False)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (folder / "pgbouncer.log").read_text()
                if (folder / "pgbouncer.log").exists()
                else ""
            )
            raise RuntimeError(f"pgbouncer exited with {process.returncode}: {log[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("pgbouncer did not start in time")


async def _race_through_pgbouncer(
    url: str, tokens: list[str], transaction_pooler: str
) -> tuple[list[httpx.Response], list[httpx.Response]]:
    """40 buyers for the last 10 places, half on each host; then a read of each kind."""
    day = date.today() + timedelta(days=7)
    orders = [
        ("/api/v4/orders", ticket_order(SINGLE, 1, at(day, 10)), tokens[i % len(tokens)])
        for i in range(40)
    ]
    with (
        pgbouncer(url) as through_pooler,
        run_server(through_pooler, workers=1, db_transaction_pooler=transaction_pooler) as one,
        run_server(through_pooler, workers=1, db_transaction_pooler=transaction_pooler) as other,
    ):
        first, second = await asyncio.gather(
            race(one.base_url, orders[:20]), race(other.base_url, orders[20:])
        )
        async with httpx.AsyncClient(base_url=other.base_url) as client:
            reads = [
                await client.get(f"/api/v4/tickets/{SINGLE}/capacity?date={day}"),
                await client.get(
                    "/api/v4/orders", headers={"Authorization": f"Bearer {tokens[0]}"}
                ),
            ]
    return first + second, reads


async def test_two_hosts_through_pgbouncer_sell_exactly_the_capacity(race_db) -> None:  # noqa: F811
    url, tokens = race_db
    responses, (capacity, listed) = await _race_through_pgbouncer(url, tokens, "true")
    assert_clean(responses)
    assert sum(r.status_code == 200 for r in responses) == CAPACITY
    assert (await sold_per_quota(url)).get(50, 0) == CAPACITY
    assert capacity.status_code == 200, capacity.text
    assert listed.status_code == 200, listed.text
    # sold out: the slot is left out of the day's availability, the other slots are there
    starts = [datetime.fromisoformat(moment) for moment in capacity.json()["data"]]
    day = date.today() + timedelta(days=7)
    assert starts and datetime.fromisoformat(at(day, 10)) not in starts


async def test_negative_control_prepared_statements_fail_without_the_pooler_setting(
    race_db,  # noqa: F811
) -> None:
    """Without KASSE_DB_TRANSACTION_POOLER the same race meets prepared statements of other
    clients (or none of its own) on the pooler's server connections: proof the test can fail."""
    url, tokens = race_db
    responses, reads = await _race_through_pgbouncer(url, tokens, "false")
    assert any(r.status_code >= 500 for r in [*responses, *reads])
