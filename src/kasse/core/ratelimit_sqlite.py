"""A ``limits`` storage in a SQLite file of its own: one count for every worker process of a host.

``sqlite:///./var/rate-limits.sqlite`` (SQLAlchemy's slashes: three for a relative path, four for
an absolute one). It is never the instance database: on SQLite a writing request holds BEGIN
IMMEDIATE on that one, and a counter written from the same process would wait on itself.

The stdlib driver is synchronous, so every call runs in a worker thread, one at a time per process
(one connection); the processes take turns on the file through BEGIN IMMEDIATE, WAL and a busy
timeout. A hit is one transaction: count the window, then record the hit or refuse it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from limits.aio.storage import MovingWindowSupport, Storage

T = TypeVar("T")

SCHEME = "sqlite"
# Each hit holds the write lock for a few statements on a small table: waiting this long means the
# file is stuck, and the limiter falls back to counting in the process.
BUSY_TIMEOUT_SECONDS = 5.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL, expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);
CREATE INDEX IF NOT EXISTS hits_expires_at ON hits (expires_at);
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL
);
"""


def sqlite_path(uri: str) -> str:
    """``[async+]sqlite:///relative`` or ``sqlite:////absolute`` -> the file's path."""
    _, _, rest = uri.partition("://")
    path = rest.removeprefix("/")
    if not path:
        raise ValueError(f"{uri}: no file named (e.g. sqlite:///./var/rate-limits.sqlite)")
    return path


class SQLiteStorage(Storage, MovingWindowSupport):
    """Moving windows (what kasse uses) and fixed-window counters in one SQLite file."""

    STORAGE_SCHEME = [f"async+{SCHEME}"]  # noqa: RUF012  (limits declares it so)

    def __init__(
        self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = sqlite_path(uri)
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error, OSError)

    def _connect(self) -> sqlite3.Connection:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # a power cut may forget the last hits; counters need no fsync per request
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(SCHEMA)
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    def _call(self, work: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        with self._lock:
            if self._connection is None:
                self._connection = self._connect()
            connection = self._connection
            if not write:
                return work(connection)
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return result

    async def _run(self, work: Callable[[sqlite3.Connection], T], *, write: bool = True) -> T:
        return await asyncio.to_thread(self._call, work, write=write)

    # --- moving window ---------------------------------------------------------------------------

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False

        def acquire(db: sqlite3.Connection) -> bool:
            now = time.time()
            db.execute("DELETE FROM hits WHERE expires_at <= ?", (now,))
            (count,) = db.execute(
                "SELECT count(*) FROM hits WHERE key = ? AND at > ?", (key, now - expiry)
            ).fetchone()
            if count + amount > limit:
                return False
            db.executemany("INSERT INTO hits VALUES (?, ?, ?)", [(key, now, now + expiry)] * amount)
            return True

        return await self._run(acquire)

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        def window(db: sqlite3.Connection) -> tuple[float, int]:
            now = time.time()
            oldest, count = db.execute(
                "SELECT min(at), count(*) FROM hits WHERE key = ? AND at > ?", (key, now - expiry)
            ).fetchone()
            return (float(oldest), int(count)) if count else (now, 0)

        return await self._run(window, write=False)

    # --- fixed window (the rest of the Storage interface) ----------------------------------------

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        def increment(db: sqlite3.Connection) -> int:
            now = time.time()
            (count,) = db.execute(
                "INSERT INTO counters VALUES (?1, ?2, ?3 + ?4) ON CONFLICT (key) DO UPDATE SET"
                " count = iif(expires_at <= ?3, ?2, count + ?2),"
                " expires_at = iif(expires_at <= ?3, ?3 + ?4, expires_at) RETURNING count",
                (key, amount, now, expiry),
            ).fetchone()
            return int(count)

        return await self._run(increment)

    async def get(self, key: str) -> int:
        def count(db: sqlite3.Connection) -> int:
            row = db.execute(
                "SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
            ).fetchone()
            return int(row[0]) if row else 0

        return await self._run(count, write=False)

    async def get_expiry(self, key: str) -> float:
        def expiry(db: sqlite3.Connection) -> float:
            row = db.execute("SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
            return float(row[0]) if row else time.time()

        return await self._run(expiry, write=False)

    async def check(self) -> bool:
        return bool(await self._run(lambda db: db.execute("SELECT 1").fetchone(), write=False))

    async def clear(self, key: str) -> None:
        def clear(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM hits WHERE key = ?", (key,))
            db.execute("DELETE FROM counters WHERE key = ?", (key,))

        await self._run(clear)

    async def reset(self) -> int | None:
        def reset(db: sqlite3.Connection) -> int:
            hits = db.execute("DELETE FROM hits").rowcount
            return hits + db.execute("DELETE FROM counters").rowcount

        return await self._run(reset)
