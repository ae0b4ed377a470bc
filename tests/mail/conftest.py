"""Mail tests run on a database of their own, so no other app's mail sender can take their mail."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import make_url

from kasse.core.clock import FrozenClock
from kasse.core.db import Instance, make_engine, open_instance
from kasse.models import OutboxMessage
from kasse.settings import Settings
from tests.conftest import migrated_database_named
from tests.helpers import IS_POSTGRES
from tests.mail.shop import Shop, open_shop
from tests.mail.smtp_server import SmtpServer


@pytest.fixture(scope="session")
def mail_migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database_named(tmp_path_factory, "mail")


@pytest.fixture
async def mail_database_url(mail_migrated_database: str, tmp_path: Path) -> str:
    """A fresh copy (SQLite), or the worker's mail database with an empty outbox (PostgreSQL)."""
    if not IS_POSTGRES:
        copy = tmp_path / "mail.db"
        shutil.copyfile(make_url(mail_migrated_database).database or "", copy)
        return f"sqlite+aiosqlite:///{copy}"
    engine = make_engine(mail_migrated_database)
    async with engine.begin() as connection:
        await connection.execute(delete(OutboxMessage))
    await engine.dispose()
    return mail_migrated_database


@pytest.fixture
async def instance(mail_database_url: str) -> AsyncIterator[Instance]:
    settings = Settings(database_url=mail_database_url, instances={})
    opened = open_instance("default", mail_database_url, settings)
    yield opened
    await opened.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A server on a free port, not yet started: ``smtp.start()`` brings it up."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def running_smtp(smtp: SmtpServer) -> SmtpServer:
    smtp.start()
    return smtp


@pytest.fixture
async def shop(
    mail_database_url: str, running_smtp: SmtpServer, clock: FrozenClock, tmp_path: Any
) -> AsyncIterator[Shop]:
    wallet = str(tmp_path / "wallet")
    async with open_shop(mail_database_url, running_smtp, clock, wallet, senders=False) as opened:
        yield opened
