"""Shared by the fixtures and by tests that manage their own server: which engine, how to reset."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, text

from kasse.app import create_app
from kasse.core.clock import Clock
from kasse.core.db import Instance
from kasse.models import Base
from kasse.settings import Settings, normalize_database_url
from tests.concurrency.server import free_port

TEST_DATABASE_URL = normalize_database_url(
    os.environ.get("KASSE_TEST_DATABASE_URL", "sqlite+aiosqlite:///")
)
IS_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")

postgres_only = pytest.mark.skipif(
    not IS_POSTGRES, reason="needs PostgreSQL (set KASSE_TEST_DATABASE_URL)"
)


async def truncate_all(instance: Instance) -> None:
    """Empty every table of a PostgreSQL test database and invalidate cached catalogs."""
    tables = ", ".join(
        f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "catalog_state"
    )
    async with instance.write_engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await conn.execute(text("UPDATE catalog_state SET version = version + 1"))


# Tests change the catalog and tokens under a running app and look at once, so their apps read
# them on every request; tests/core/test_caches.py covers the per-process caches.
NO_CACHES: dict[str, Any] = {"catalog_check_seconds": 0, "token_cache_seconds": 0}

# Apps whose tests move the clock and rebuild the data (the shared app, the state machines): no
# background sweep on that clock (tests call tidy_once themselves), no mail round on a timer
# (its statements would land among those a test records; a commit that queues mail still wakes
# the sender) and no per-process caches.
CONTROLLED_APP: dict[str, Any] = {
    "housekeeping_seconds": 0,
    "mail_poll_seconds": 3600,
    **NO_CACHES,
}


@contextmanager
def recorded_statements(instance: Instance) -> Iterator[list[str]]:
    """The SQL statements the instance's engines run inside the block, in order."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    # On PostgreSQL the read engine is the write engine with other options: the write
    # engine's listener hears both.
    own = (
        (instance.read_engine, instance.write_engine)
        if instance.is_sqlite
        else (instance.write_engine,)
    )
    engines = {id(e): e.sync_engine for e in own}
    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", record)


@asynccontextmanager
async def running_app(settings: Settings, clock: Clock | None = None) -> AsyncIterator[FastAPI]:
    """An app of its own on ``settings``, started (its lifespan) for the block."""
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


def app_on(
    instance: Instance, clock: Clock, mail_folder: Path, **settings: Any
) -> AbstractAsyncContextManager[FastAPI]:
    """Another app (running, with its lifespan) on ``instance``'s database, with ``settings``."""
    return running_app(
        Settings(
            database_url=instance.database_url,
            instances={},
            mail_url=f"file://{mail_folder}",
            **{**NO_CACHES, **settings},
        ),
        clock,
    )


def client_of(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client over ASGI that connects from ``address``."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


UNAVAILABLE = {"error": "the database is unavailable; try again shortly"}


def dead_database_url() -> str:
    """A PostgreSQL URL on a loopback port nothing listens on: every connection is refused."""
    return f"postgresql://postgres@127.0.0.1:{free_port()}/kasse"


def app_settings(database_url: str, tmp_path: Path) -> Settings:
    """An app of its own on ``database_url``: mail into ``tmp_path``, no background rounds."""
    return Settings(
        database_url=database_url,
        instances={},
        mail_url=f"file://{tmp_path}",
        **CONTROLLED_APP,
    )


@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app of its own, started (lifespan) and spoken to over ASGI."""
    async with running_app(settings) as app, client_of(app) as client:
        yield client
