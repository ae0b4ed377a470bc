"""Engines per instance, and the one transaction every writing request runs in.

SQLite serialises writers itself, but a deferred transaction that upgrades to a write fails at
once with "database is locked". Writing requests therefore start with ``BEGIN IMMEDIATE`` (they
queue on the busy timeout instead), reading requests with a plain deferred ``BEGIN``. On
PostgreSQL reading requests run without an explicit transaction (autocommit): two round trips
fewer on the busiest paths.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from kasse.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
# SQLite opens a file it may not write read-only, and such a connection stays read-only after
# the file is writable again; after an I/O error its state is unknown. Either is replaced.
SQLITE_STUCK_CODES = frozenset(
    {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN}
)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _configure_sqlite(engine: AsyncEngine, begin_statement: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_statement)

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # A "disconnect" makes SQLAlchemy drop the connection and every older one of the pool,
        # so the next request opens a fresh one.
        error = context.original_exception
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in SQLITE_STUCK_CODES:
            context.is_disconnect = True


def _unique_statement_name() -> str:
    return f"__kasse_{uuid.uuid4().hex}__"


# Behind a transaction-pooling PgBouncer consecutive transactions of one connection may run on
# different server connections, so no prepared statement may be expected to outlive its
# transaction: none are cached, and each gets a name no other client can have used (SQLAlchemy's
# recipe for PgBouncer). A statement is then prepared on every run: the price of the pooler.
TRANSACTION_POOLER_CONNECT_ARGS: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    "prepared_statement_name_func": _unique_statement_name,
}


def make_engine(
    url: str,
    *,
    write: bool = True,
    pool_size: int = 10,
    transaction_pooler: bool = False,
    lock_timeout_seconds: float = 10.0,
) -> AsyncEngine:
    """An engine for ``url``; on PostgreSQL a fixed pool of ``pool_size`` connections.

    No overflow: an overflow connection is closed when it is returned, so under load every
    request beyond the pool paid for a new connection (TCP, SSL probe, authentication, a backend
    process). Requests beyond the pool wait for a pooled connection instead, which also bounds
    what a worker asks of the server's ``max_connections``.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, json_serializer=_json_dumps)
        _configure_sqlite(engine, "BEGIN IMMEDIATE" if write else "BEGIN")
        return engine
    # Behind a transaction pooler a connection's settings do not follow its transactions: the
    # lock timeout is set per transaction there instead (core/locking.py).
    direct = {"server_settings": {"lock_timeout": str(int(lock_timeout_seconds * 1000))}}
    return create_async_engine(
        url,
        json_serializer=_json_dumps,
        pool_size=pool_size,
        max_overflow=0,
        connect_args=TRANSACTION_POOLER_CONNECT_ARGS if transaction_pooler else direct,
    )


@dataclass
class Instance:
    """One data pool: its own database, time zone and settings."""

    name: str
    database_url: str
    settings: Settings
    write_engine: AsyncEngine
    read_engine: AsyncEngine
    tz: ZoneInfo
    write_sessions: async_sessionmaker[AsyncSession] = field(init=False)
    read_sessions: async_sessionmaker[AsyncSession] = field(init=False)
    # per-process caches keyed by the instance, filled by the domains that own them
    cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.is_sqlite:
            await self.read_engine.dispose()


def open_instance(name: str, database_url: str, settings: Settings) -> Instance:
    pooler = settings.db_transaction_pooler
    write_engine = make_engine(
        database_url,
        write=True,
        pool_size=settings.db_pool_size,
        transaction_pooler=pooler,
        lock_timeout_seconds=settings.lock_timeout_seconds,
    )
    # Reading requests run without an explicit transaction on PostgreSQL (no BEGIN and COMMIT
    # round trips; each statement sees the data committed when it starts), on the same pool;
    # behind a transaction pooler in a transaction, which keeps one server connection throughout.
    if database_url.startswith("sqlite"):
        read_engine = make_engine(database_url, write=False)
    elif pooler:
        read_engine = write_engine
    else:
        read_engine = write_engine.execution_options(isolation_level="AUTOCOMMIT")
    return Instance(
        name=name,
        database_url=database_url,
        settings=settings,
        write_engine=write_engine,
        read_engine=read_engine,
        tz=ZoneInfo(settings.time_zone),
    )


def open_instances(settings: Settings) -> dict[str, Instance]:
    """Host name -> instance; the key ``""`` is the default instance when no hosts are configured."""
    if not settings.instances:
        return {"": open_instance("default", settings.database_url, settings)}
    return {host: open_instance(host, url, settings) for host, url in settings.instances.items()}


async def session_scope(instance: Instance, *, write: bool) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the work succeeds, rolled back on any error.

    The session begins its transaction at its first statement (SQLAlchemy's autobegin), so a
    request that needs no statement (a cached catalog, a cached token) costs no transaction; the
    explicit ``begin()`` block cost a read of this kind 37 µs more (measured).
    """
    factory = instance.write_sessions if write else instance.read_sessions
    async with factory() as session:
        yield session
        if session.in_transaction():
            await session.commit()
