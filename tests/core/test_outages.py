"""A database that does not answer or a file that cannot be written: 503 with Retry-After in the
error shape, one log line per failed request, and the app recovers when the fault is gone."""

from __future__ import annotations

import http.client
import json
import logging
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.session import SessionTransaction

from kasse.catalog.demo import demo_catalog
from kasse.core.clock import FrozenClock
from tests.concurrency.server import prepare_database, run_server
from tests.conftest import Kasse, _admin_execute, migrated_database_named, open_day
from tests.helpers import (
    IS_POSTGRES,
    UNAVAILABLE,
    app_client,
    app_settings,
    dead_database_url,
)


def lines_about(caplog: pytest.LogCaptureFixture, request: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if request in r.getMessage()]


async def test_a_database_that_refuses_connections_is_a_503_in_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with app_client(app_settings(dead_database_url(), tmp_path)) as client:
        read = await client.get("/api/v4/tickets")
        write = await client.post(
            "/api/v4/orders", json={"items": []}, headers={"Authorization": "Bearer x"}
        )
    for r in (read, write):
        assert (r.status_code, r.json()) == (503, UNAVAILABLE)
        assert r.headers["Retry-After"] == "5"
    for request in ("GET /api/v4/tickets", "POST /api/v4/orders"):
        [line] = lines_about(caplog, request)
        assert line.levelno == logging.WARNING
        assert "ConnectionRefusedError" in line.getMessage()
    assert [r for r in caplog.records if r.exc_info] == []


def _chattr(flag: str, path: Path) -> None:
    subprocess.run(["chattr", flag, str(path)], check=True, capture_output=True)


def make_immutable(path: Path) -> None:
    """Not even root may open the file for writing: SQLite opens it read-only instead."""
    try:
        _chattr("+i", path)
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"cannot make {path} immutable here (chattr +i): {error}")


@pytest.mark.skipif(IS_POSTGRES, reason="a fault of the SQLite file")
async def test_a_read_only_sqlite_file_is_a_503_and_writes_resume_once_it_is_writable(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    day = open_day(clock)
    [token] = await prepare_database(database_url, demo_catalog(clock.now().date()), ["reseller"])
    settings = app_settings(database_url, tmp_path)
    start_at = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(settings.time_zone))
    body = {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": start_at.isoformat()}}
    headers = {"Authorization": f"Bearer {token}"}
    path = Path(make_url(database_url).database or "")
    caplog.set_level(logging.INFO)

    make_immutable(path)
    try:
        # The app's connections are opened while the file cannot be written.
        async with app_client(settings) as client:
            r = await client.post("/api/v4/tickets/reservations", json=body, headers=headers)
            assert (r.status_code, r.json()) == (503, UNAVAILABLE)
            assert r.headers["Retry-After"] == "5"
            [line] = lines_about(caplog, "POST /api/v4/tickets/reservations")
            assert "readonly" in line.getMessage()
            assert [r for r in caplog.records if r.exc_info] == []

            _chattr("-i", path)
            r = await client.post("/api/v4/tickets/reservations", json=body, headers=headers)
            assert r.status_code == 200, r.text
    finally:
        _chattr("-i", path)


@pytest.fixture
def own_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database no other app of this test run talks to: its connections may be killed."""
    yield from migrated_database_named(tmp_path_factory, "outage")


@pytest.mark.skipif(not IS_POSTGRES, reason="connections of a PostgreSQL server")
async def test_killed_postgresql_connections_are_replaced(
    own_database: str, tmp_path: Path
) -> None:
    async with app_client(app_settings(own_database, tmp_path)) as client:
        assert (await client.get("/api/v4/tickets")).status_code == 200
        # What a restart of the server does to the pooled connections.
        name = make_url(own_database).database
        await _admin_execute(
            own_database,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
        first = await client.get("/api/v4/tickets")
        assert first.status_code in (200, 503)
        # One failure drops the whole pool: the next request gets a fresh connection.
        assert (await client.get("/api/v4/tickets")).status_code == 200


def real_sqlite_error() -> sqlite3.OperationalError:
    try:
        sqlite3.connect("file:/nonexistent/kasse.db?mode=ro", uri=True)
    except sqlite3.OperationalError as error:
        return error
    raise AssertionError("the file exists")


async def test_a_failing_commit_is_a_503_too(kasse: Kasse, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fault that lets a transaction run and hits only its commit cannot be arranged for real;
    # this checks that an error raised there (after the route returned) still gets its answer.
    error = OperationalError("COMMIT", {}, real_sqlite_error())

    def failing_commit(_transaction: SessionTransaction, _to_root: bool = False) -> None:
        raise error

    start_at = kasse.local(open_day(kasse.clock), "10:00")
    body = {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": start_at}}
    monkeypatch.setattr(SessionTransaction, "commit", failing_commit)
    r = await kasse.client.post("/api/v4/tickets/reservations", json=body, headers=kasse.auth())
    monkeypatch.undo()
    assert (r.status_code, r.json()) == (503, UNAVAILABLE)
    assert r.headers["Retry-After"] == "5"


@pytest.mark.slow
def test_a_real_server_keeps_the_connection_open_while_the_database_is_down() -> None:
    with run_server(dead_database_url(), workers=1) as server:
        address = urlsplit(server.base_url)
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
        try:
            for _ in range(3):
                connection.request("GET", "/api/v4/tickets")
                response = connection.getresponse()
                assert json.loads(response.read()) == UNAVAILABLE
                assert (response.status, response.getheader("Retry-After")) == (503, "5")
                assert not response.will_close  # the next request goes over the same connection
        finally:
            connection.close()
