"""Test fixtures: a database built by the real migrations, the app over ASGI, demo data and tokens.

Every test runs on the engine named by ``KASSE_TEST_DATABASE_URL`` (default: SQLite). PostgreSQL
gets one database per xdist worker, migrated once and truncated between tests; SQLite gets a
migrated template file that each test copies.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from hypothesis import settings
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url

from kasse.app import create_app
from kasse.catalog.demo import demo_catalog
from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import FrozenClock
from kasse.core.db import Instance
from kasse.core.ratelimit import AttemptLimiter
from kasse.migrations import upgrade
from kasse.models import (
    ApiToken,
    Base,
    CatalogState,
)
from kasse.settings import Settings
from tests.helpers import CONTROLLED_APP, IS_POSTGRES, NO_CACHES, TEST_DATABASE_URL


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> None:
    """Run every ``async def`` test under anyio (marked before parametrization sees it)."""
    if name.startswith("test") and inspect.iscoroutinefunction(obj):
        pytest.mark.anyio(obj)


# Apps (and the servers tests start) count their rate limits in memory unless a test names a
# storage: the default file under ./var would be shared by every xdist worker and every run.
os.environ.setdefault("KASSE_RATE_LIMIT_STORAGE", "memory://")

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=150, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


async def _admin_execute(url: str, *statements: str) -> None:
    parsed = make_url(url)
    admin = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
    )
    try:
        for statement in statements:
            await admin.execute(statement)
    finally:
        await admin.close()


def migrated_database_named(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, revision: str = "head"
) -> Iterator[str]:
    """A database at ``revision``: a template file (SQLite) or a database of our own.

    The PostgreSQL database is named after this process and xdist worker, so that several test
    runs on one server never share (and truncate) each other's data.
    """
    if not IS_POSTGRES:
        path = tmp_path_factory.mktemp(suffix) / f"{suffix}.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url, revision)
        yield url
        return
    base = make_url(TEST_DATABASE_URL)
    name = f"{base.database}_kasse_{os.getpid()}_{_worker()}_{suffix}"
    url = base.set(database=name).render_as_string(hide_password=False)
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(_admin_execute(url, drop, f'CREATE DATABASE "{name}"'))
    upgrade(url, revision)
    yield url
    asyncio.run(_admin_execute(url, drop))


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database_named(tmp_path_factory, "main")


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> str:
    if IS_POSTGRES:
        return migrated_database
    template = Path(make_url(migrated_database).database or "")
    copy = tmp_path / "kasse.db"
    shutil.copyfile(template, copy)
    return f"sqlite+aiosqlite:///{copy}"


def next_weekday(start: date, weekday: int) -> date:
    """The first day on or after ``start`` that is ``weekday`` (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def open_day(clock: FrozenClock, weeks_ahead: int = 1) -> date:
    """A Wednesday at least a week ahead: the demo museums are open, far from Christmas Eve."""
    day = next_weekday(clock.now().date() + timedelta(days=7 * weeks_ahead), 2)
    if (day.month, day.day) == (12, 24):
        day += timedelta(days=7)
    return day


@dataclass
class Kasse:
    """What a test needs: the HTTP client, the clock, the instance and ready-made tokens."""

    client: httpx.AsyncClient
    clock: FrozenClock
    instance: Instance
    tokens: dict[str, str]

    def auth(self, access: str = "reseller") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[access]}"}

    def local(self, day: date, clock_time: str) -> str:
        """``2026-05-15T14:00:00+02:00`` for a local date and ``14:00`` in the instance's zone."""
        hour, minute = (int(p) for p in clock_time.split(":"))
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.instance.tz)
        return moment.isoformat()

    async def new_token(
        self, access: str, museum_ids: list[int] | None = None, flow: str = "direct"
    ) -> str:
        async with self.instance.write_sessions() as session, session.begin():
            return await create_api_token(
                session,
                access=access,  # type: ignore[arg-type]
                museum_ids=museum_ids or [],
                name=f"test {access} {flow}",
                now=self.clock.now(),
                flow=flow,
            )

    async def load(self, data: dict[str, Any]) -> None:
        async with self.instance.write_sessions() as session, session.begin():
            await load_catalog_data(session, data, locale="de")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, instances={}, **NO_CACHES)


# Everything but master data and tokens, children before parents.
MASTER_TABLES = frozenset(
    {
        "api_tokens",
        "catalog_state",
        "museums",
        "opening_hours",
        "museum_closures",
        "exhibitions",
        "quotas",
        "tickets",
        "ticket_museums",
        "ticket_exhibitions",
        "ticket_quotas",
        "coupons",
        "entry_zones",
        "shops",
        "product_tags",
        "seatings",
        "events",
        "event_dates",
        "tours",
        "guides",
        "equipment",
    }
)
LIVE_TABLES = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in MASTER_TABLES]
# name -> (access, flow); kasse.auth(name) gives the headers. "two-phase" is a reseller whose
# orders are binding only after finalize.
BASE_TOKENS = {
    "reseller": ("reseller", "direct"),
    "cashpoint": ("cashpoint", "direct"),
    "user": ("user", "direct"),
    "customer": ("customer", "direct"),
    "two-phase": ("reseller", "two-phase"),
}


@dataclass
class Shared:
    """One app per test session (and xdist worker); each test gets it back with demo data only."""

    harness: Kasse
    # the app's rate limits (coupon codes, failed tokens): counted afresh for every test
    limiters: tuple[AttemptLimiter, ...] = ()
    catalog_version: int = -1
    token_ids: tuple[int, ...] = ()

    async def _is_pristine(self) -> bool:
        async with self.harness.instance.read_sessions() as session:
            version = await session.scalar(select(CatalogState.version))
            tokens = await session.scalar(
                select(func.count()).where(ApiToken.id.in_(self.token_ids))
            )
        return version == self.catalog_version and tokens == len(BASE_TOKENS)

    async def _rebuild(self) -> None:
        h = self.harness
        async with h.instance.write_sessions() as session, session.begin():
            for table in reversed(Base.metadata.sorted_tables):
                if table.name != "catalog_state":
                    await session.execute(table.delete())
        await h.load(demo_catalog(h.clock.now().date()))
        h.tokens = {
            name: await h.new_token(access, flow=flow)
            for name, (access, flow) in BASE_TOKENS.items()
        }
        async with h.instance.read_sessions() as session:
            self.catalog_version = int(await session.scalar(select(CatalogState.version)) or 0)
            self.token_ids = tuple(await session.scalars(select(ApiToken.id)))

    async def reset(self) -> Kasse:
        """Live data gone, extra tokens gone, the clock back at now; the demo rebuilt if touched."""
        h = self.harness
        h.clock.set(datetime.now(UTC).replace(microsecond=0))
        if not await self._is_pristine():
            await self._rebuild()
        async with h.instance.write_sessions() as session, session.begin():
            for table in LIVE_TABLES:
                await session.execute(table.delete())
            await session.execute(delete(ApiToken).where(ApiToken.id.not_in(self.token_ids)))
        for limiter in self.limiters:
            await limiter.forget_everyone()
        return h


@pytest.fixture(scope="session")
async def shared(
    migrated_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Shared]:
    if IS_POSTGRES:
        url = migrated_database
    else:
        copy = tmp_path_factory.mktemp("shared") / "kasse.db"
        shutil.copyfile(Path(make_url(migrated_database).database or ""), copy)
        url = f"sqlite+aiosqlite:///{copy}"
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    mail_folder = tmp_path_factory.mktemp("mail")
    app = create_app(
        Settings(
            database_url=url,
            instances={},
            mail_url=f"file://{mail_folder}",
            **CONTROLLED_APP,
        ),
        clock=clock,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            instance: Instance = app.state.instances[""]
            yield Shared(
                Kasse(client=client, clock=clock, instance=instance, tokens={}),
                limiters=(app.state.coupon_attempts, app.state.token_failures),
            )


@pytest.fixture
async def kasse(shared: Shared) -> Kasse:
    """The app with the demo museum, one token per access level and the clock at now."""
    return await shared.reset()


@pytest.fixture
def clock(kasse: Kasse) -> FrozenClock:
    return kasse.clock


@pytest.fixture
def day(clock: FrozenClock) -> date:
    return open_day(clock)


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield
