"""Too many coupon code attempts: 429 with Retry-After, for lookups and order codes alike, per
client; counted in memory (one process), in a SQLite file (shared by a host's workers) or in Redis
(shared by every worker and host)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from kasse.app import create_app
from kasse.core.ratelimit import async_storage
from kasse.coupons.ratelimit import code_attempt_limiter
from kasse.settings import Settings
from tests.coupons.helpers import LOOKUP, ORDERS, bought, flex_item, order_count

LIMIT = 3
REDIS = "redis://127.0.0.1:6379"
SQLITE = "sqlite"  # a file in the test's tmp_path


async def redis_is_up() -> bool:
    try:
        return bool(await async_storage(REDIS).check())
    except Exception:
        return False


@asynccontextmanager
async def app_client(
    kasse: Any, tmp_path: Path, storage: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Another app on the test's database, with a limit of 3 attempts a minute."""
    settings = Settings(
        database_url=kasse.instance.database_url,
        instances={},
        mail_url=f"file://{tmp_path}",
        rate_limit_storage=storage,
        coupon_lookup_limit=f"{LIMIT}/minute",
    )
    app = create_app(settings, clock=kasse.clock)
    counts = async_storage(storage)
    app.state.coupon_attempts = code_attempt_limiter(settings, counts, namespace=namespace)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@dataclass(frozen=True)
class Apps:
    """Starts apps (with a client each) on one rate limit storage."""

    kasse: Any
    tmp_path: Path
    storage: str
    namespace: str

    @property
    def shared(self) -> bool:
        return not self.storage.startswith("memory")

    def __call__(self) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return app_client(self.kasse, self.tmp_path, self.storage, self.namespace)


@pytest.fixture(params=["memory://", SQLITE, REDIS])
async def clients(request: pytest.FixtureRequest, kasse: Any, tmp_path: Path) -> Apps:
    if request.param == REDIS and not await redis_is_up():
        pytest.skip(f"needs Redis at {REDIS}")
    storage = f"sqlite:///{tmp_path}/limits.sqlite" if request.param == SQLITE else request.param
    # this test's own counts, even in a Redis that other tests (and runs) use at the same time
    return Apps(kasse, tmp_path, storage, namespace=f"kasse-test-{uuid.uuid4()}")


def auth(kasse: Any, who: str | None) -> dict[str, str]:
    return kasse.auth(who) if who else {}


async def look(client: httpx.AsyncClient, kasse: Any, code: str, who: str | None) -> int:
    r = await client.get(f"{LOOKUP}/{code}", headers=auth(kasse, who))
    if r.status_code == 429:
        assert isinstance(r.json()["error"], str)
        assert 1 <= int(r.headers["Retry-After"]) <= 60
    return r.status_code


async def test_the_fourth_lookup_within_a_minute_is_429(kasse, clients):
    [code] = await bought(kasse, 1)
    async with clients() as client:
        statuses = [await look(client, kasse, c, "reseller") for c in (code, "NOPE", code, code)]
        assert statuses == [200, 404, 200, 429]
        # every client counts on its own: another token, and callers without a token by address
        assert await look(client, kasse, code, "cashpoint") == 200
        assert [await look(client, kasse, code, None) for _ in range(4)] == [200, 200, 200, 429]


async def test_codes_sent_with_orders_count_too(kasse, clients):
    [first, second] = await bought(kasse, 1, 2)
    async with clients() as client:
        body = {"items": [flex_item(2)], "coupons": [first, second], "total": 3000}
        r = await client.post(ORDERS, json=body, headers=kasse.auth("reseller"))
        assert r.status_code == 200, r.text
        assert await look(client, kasse, first, "reseller") == 200
        before = await order_count(kasse)
        body = {"items": [flex_item()], "coupons": [second], "total": 1500}
        r = await client.post(ORDERS, json=body, headers=kasse.auth("reseller"))
        assert r.status_code == 429, r.text
        assert int(r.headers["Retry-After"]) >= 1
        assert await order_count(kasse) == before
        # guessing through orders: more codes than the limit are refused before any lookup
        body = {"items": [flex_item()], "coupons": ["A", "B", "C", "D"], "total": 1500}
        r = await client.post(ORDERS, json=body, headers=kasse.auth("cashpoint"))
        assert r.status_code == 429, r.text


async def test_the_count_is_shared_by_every_app_of_the_storage(kasse, clients):
    """Two apps stand for two workers: in a SQLite file or Redis they share one count, in memory
    each counts for itself."""
    [code] = await bought(kasse, 1)
    async with clients() as one, clients() as other:
        assert [await look(one, kasse, code, "user") for _ in range(LIMIT)] == [200] * LIMIT
        assert await look(other, kasse, code, "user") == (429 if clients.shared else 200)


async def test_an_unreachable_shared_storage_falls_back_to_counting_in_the_process(kasse, tmp_path):
    """Redis down: coupon requests still work and are still limited, per process, not 500."""
    [code] = await bought(kasse, 1)
    down = Apps(kasse, tmp_path, "redis://127.0.0.1:1", namespace=f"kasse-test-{uuid.uuid4()}")
    async with down() as client:
        statuses = [await look(client, kasse, code, "reseller") for _ in range(LIMIT + 1)]
        assert statuses == [200] * LIMIT + [429]
