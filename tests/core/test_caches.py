"""The per-process caches of the catalog and of API tokens: trusted for a short time, then read
again, so that a change made by another process (``kasse load``, another host) arrives in time."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete

from kasse.app import create_app
from kasse.catalog.demo import demo_catalog
from kasse.catalog.loader import load_catalog_data
from kasse.core.ids import hash_token
from kasse.models import ApiToken
from kasse.settings import Settings
from tests.conftest import Kasse

TTL = 2.0  # seconds: long enough for a catalog load and two requests on a busy machine


@asynccontextmanager
async def caching_app(kasse: Kasse, tmp_path: Path, **caches: float) -> AsyncIterator[Any]:
    """A second app on the test's database with the production caches switched on."""
    settings = Settings(
        database_url=kasse.instance.database_url,
        instances={},
        mail_url=f"file://{tmp_path}",
        **caches,
    )
    app = create_app(settings, clock=kasse.clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def _delete_token(kasse: Kasse, token: str) -> None:
    async with kasse.instance.write_sessions() as session, session.begin():
        await session.execute(delete(ApiToken).where(ApiToken.token_hash == hash_token(token)))


async def test_a_deleted_token_works_until_its_cache_entry_expires(
    kasse: Kasse, tmp_path: Path
) -> None:
    token = await kasse.new_token("reseller")
    headers = {"Authorization": f"Bearer {token}"}
    async with caching_app(kasse, tmp_path, token_cache_seconds=TTL) as client:
        assert (await client.get("/api/v4/orders", headers=headers)).status_code == 200
        await _delete_token(kasse, token)
        assert (await client.get("/api/v4/orders", headers=headers)).status_code == 200
        await asyncio.sleep(TTL * 1.5)
        response = await client.get("/api/v4/orders", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid API token"}


async def test_a_new_token_works_at_once_and_an_unknown_one_never(
    kasse: Kasse, tmp_path: Path
) -> None:
    async with caching_app(kasse, tmp_path, token_cache_seconds=60) as client:
        unknown = {"Authorization": "Bearer not-a-token"}
        assert (await client.get("/api/v4/orders", headers=unknown)).status_code == 401
        token = await kasse.new_token("reseller")
        response = await client.get("/api/v4/orders", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        assert (await client.get("/api/v4/orders", headers=unknown)).status_code == 401


async def test_without_the_token_cache_a_deleted_token_is_refused_at_once(
    kasse: Kasse, tmp_path: Path
) -> None:
    token = await kasse.new_token("reseller")
    headers = {"Authorization": f"Bearer {token}"}
    async with caching_app(kasse, tmp_path, token_cache_seconds=0) as client:
        assert (await client.get("/api/v4/orders", headers=headers)).status_code == 200
        await _delete_token(kasse, token)
        assert (await client.get("/api/v4/orders", headers=headers)).status_code == 401


async def _price(client: httpx.AsyncClient, kasse: Kasse) -> int:
    response = await client.get("/api/v4/tickets/1", headers=kasse.auth())
    assert response.status_code == 200, response.text
    return int(response.json()["ticket"]["price_cents"])


def _with_day_ticket_price(kasse: Kasse, cents: int) -> dict[str, Any]:
    data = copy.deepcopy(demo_catalog(kasse.clock.now().date()))
    [ticket] = [t for t in data["tickets"] if t["id"] == 1]
    ticket["price_cents"] = cents
    return data


async def test_a_loaded_catalog_reaches_a_running_app_within_the_check_interval(
    kasse: Kasse, tmp_path: Path
) -> None:
    async with caching_app(kasse, tmp_path, catalog_check_seconds=TTL) as client:
        before = await _price(client, kasse)
        await kasse.load(_with_day_ticket_price(kasse, before + 100))
        assert await _price(client, kasse) == before  # the snapshot is trusted for TTL
        await asyncio.sleep(TTL * 1.5)
        assert await _price(client, kasse) == before + 100


async def test_without_the_interval_every_request_sees_the_loaded_catalog(
    kasse: Kasse, tmp_path: Path
) -> None:
    async with caching_app(kasse, tmp_path, catalog_check_seconds=0) as client:
        before = await _price(client, kasse)
        await kasse.load(_with_day_ticket_price(kasse, before + 100))
        assert await _price(client, kasse) == before + 100


async def test_a_lowered_capacity_applies_at_once_to_orders_however_long_reads_cache(
    kasse: Kasse, tmp_path: Path, day: date
) -> None:
    """Writes read the catalog version every time: no sale uses a capacity already lowered."""
    order = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 3, "quantity": 2, "time": kasse.local(day, "10:00")},
            }
        ],
        "total": 2800,
    }
    async with caching_app(kasse, tmp_path, catalog_check_seconds=600) as client:
        capacity = f"/api/v4/tickets/3/capacity?date={day.isoformat()}"
        assert (await client.get(capacity, headers=kasse.auth())).status_code == 200
        async with kasse.instance.write_sessions() as session, session.begin():
            quota = {"id": 1, "title": "Sammlung Zeitfenster", "capacity": 1}
            await load_catalog_data(session, {"quotas": [quota]}, locale="de")
        response = await client.post("/api/v4/orders", json=order, headers=kasse.auth())
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "not enough places left"
