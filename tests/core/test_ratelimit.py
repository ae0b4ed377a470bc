"""The rate limit storage: named in the start-up log; kasse's SQLite file as a ``limits`` storage.

How the counts hold across the workers of a real server: tests/concurrency/test_rate_limit_workers.py.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from limits import parse
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from kasse.core.ratelimit import async_storage
from tests.conftest import Kasse
from tests.core.test_token_failures import LIMIT, WHOAMI, assert_refused, bearer
from tests.helpers import app_on, client_of


@pytest.mark.parametrize(
    ("storage", "logged"),
    [
        ("memory://", "memory (per worker process: every worker counts on its own)"),
        ("sqlite:///./var/rate-limits.sqlite", "the SQLite file ./var/rate-limits.sqlite (shared"),
        (
            "redis://:secret@10.0.0.5:6380",
            "redis at 10.0.0.5:6380 (shared by every worker and host",
        ),
    ],
)
async def test_the_start_up_log_says_where_the_limits_count(
    kasse: Kasse, tmp_path: Path, caplog: pytest.LogCaptureFixture, storage: str, logged: str
):
    caplog.set_level(logging.INFO, logger="kasse")
    async with app_on(kasse.instance, kasse.clock, tmp_path, rate_limit_storage=storage):
        pass
    [line] = [r.getMessage() for r in caplog.records if "rate limits counted in" in r.getMessage()]
    assert logged in line
    assert "secret" not in line


async def assert_the_limit_holds(kasse: Kasse, tmp_path: Path, storage: str) -> None:
    async with (
        app_on(
            kasse.instance,
            kasse.clock,
            tmp_path,
            rate_limit_storage=storage,
            auth_failure_limit=f"{LIMIT}/minute",
        ) as app,
        client_of(app) as client,
    ):
        for i in range(LIMIT):
            assert (await client.get(WHOAMI, headers=bearer(f"wrong-{i}"))).status_code == 401
        assert_refused(await client.get(WHOAMI, headers=bearer("wrong")))


async def test_the_limits_hold_in_the_sqlite_file(kasse: Kasse, tmp_path: Path):
    # the folder is made on first use
    await assert_the_limit_holds(kasse, tmp_path, f"sqlite:///{tmp_path}/limits/counts.sqlite")
    assert (tmp_path / "limits" / "counts.sqlite").exists()


async def test_an_unusable_sqlite_file_falls_back_to_counting_in_the_process(
    kasse: Kasse, tmp_path: Path
):
    """Not a 500: the limit then holds per worker."""
    (tmp_path / "a-file").write_text("not a folder")
    await assert_the_limit_holds(kasse, tmp_path, f"sqlite:///{tmp_path}/a-file/counts.sqlite")


async def test_the_sqlite_storage_keeps_moving_and_fixed_windows(tmp_path: Path):
    """The whole ``limits`` storage interface, so that any strategy may count in the file."""
    storage = async_storage(f"sqlite:///{tmp_path}/counts.sqlite")
    two = parse("2/minute")
    moving = MovingWindowRateLimiter(storage)
    assert [await moving.hit(two, "a") for _ in range(3)] == [True, True, False]
    assert not await moving.hit(parse("1/minute"), "b", cost=2)
    assert (await moving.get_window_stats(two, "a")).remaining == 0
    fixed = FixedWindowRateLimiter(storage)
    assert [await fixed.hit(two, "c") for _ in range(3)] == [True, True, False]
    assert (await fixed.get_window_stats(two, "c")).remaining == 0
    await fixed.clear(two, "c")
    assert await fixed.test(two, "c")
    assert await storage.check()
    assert await storage.reset()
    assert await moving.test(two, "a")
