"""Orders racing over HTTP against a real two-process server to spend the last euros of one
coupon: the coupon pays exactly its value, never more, and no request fails.

The window between the balance check and the write is widened (KASSE_TEST_LOCK_DELAY_MS); the
negative control switches the coupon lock off to show that the same race then overspends.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from kasse.core.db import open_instance
from kasse.models import CouponRedemption
from kasse.settings import Settings
from tests.concurrency.server import prepare_database, race, run_server
from tests.helpers import IS_POSTGRES, postgres_only, truncate_all

pytestmark = pytest.mark.slow

TICKET, COUPON, VALUE = 600, 601, 500
NO_LIMIT = {"coupon_lookup_limit": "1000000/minute"}


def race_catalog() -> dict[str, Any]:
    return {
        "museums": [{"id": 60, "title": "Race museum"}],
        "tickets": [
            {
                "id": TICKET,
                "title": "flex",
                "free_timing": True,
                "price_cents": 100,
                "museum_ids": [60],
            }
        ],
        "coupons": [
            {
                "id": COUPON,
                "title": "5 €",
                "price_cents": VALUE,
                "value_cents": VALUE,
                "museum_ids": [60],
            }
        ],
    }


def paying(places: int, code: str) -> dict[str, Any]:
    item = {"type": "Ticket", "attributes": {"id": TICKET, "quantity": places}}
    return {"items": [item], "coupons": [code], "total": 100 * places}


async def redeemed(url: str) -> int:
    instance = open_instance("check", url, Settings(database_url=url))
    try:
        async with instance.read_sessions() as session:
            kept = func.sum(CouponRedemption.amount_cents - CouponRedemption.returned_cents)
            return int(await session.scalar(select(kept)) or 0)
    finally:
        await instance.dispose()


@pytest.fixture
async def race_db(database_url: str) -> tuple[str, list[str]]:
    if IS_POSTGRES:
        instance = open_instance("reset", database_url, Settings(database_url=database_url))
        await truncate_all(instance)
        await instance.dispose()
    tokens = await prepare_database(database_url, race_catalog(), ["reseller"] * 4)
    return database_url, tokens


async def _race_for_the_last_euros(
    url: str, tokens: list[str], buyers: int, **settings: str
) -> tuple[list[httpx.Response], str, int]:
    """Buy a 5 € coupon, spend 3 € of it, then let ``buyers`` orders race for the last 2 €."""
    with run_server(url, workers=2, **NO_LIMIT, **settings) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            headers = {"Authorization": f"Bearer {tokens[0]}"}
            body = {"items": [{"type": "Coupon", "attributes": {"id": COUPON, "quantity": 1}}]}
            r = await client.post("/api/v4/orders", json={**body, "total": VALUE}, headers=headers)
            assert r.status_code == 200, r.text
            code = r.json()["order"]["items"][0]["attributes"]["barcodes"][0]["barcode"]
            r = await client.post("/api/v4/orders", json=paying(3, code), headers=headers)
            assert r.status_code == 200, r.text
        requests = [
            ("/api/v4/orders", paying(1 + i % 2, code), tokens[i % len(tokens)])
            for i in range(buyers)
        ]
        responses = await race(server.base_url, requests)
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            r = await client.get(f"/api/v4/coupon_sales/barcode/{code}")
            assert r.status_code == 200, r.text
            left = r.json()["coupon_sale"]["value_cents"]
    return responses, code, left


def assert_clean(responses: list[httpx.Response]) -> None:
    unexpected = [
        (r.status_code, r.text[:200]) for r in responses if r.status_code not in (200, 422)
    ]
    assert not unexpected, unexpected


def paid_by_coupon(responses: list[httpx.Response]) -> list[int]:
    return [r.json()["order"]["coupon_cents"] for r in responses if r.status_code == 200]


@postgres_only
async def test_orders_racing_for_the_last_euros_spend_exactly_the_value(race_db):
    url, tokens = race_db
    responses, code, left = await _race_for_the_last_euros(url, tokens, 30, test_lock_delay_ms="30")
    assert_clean(responses)
    won = paid_by_coupon(responses)
    assert sum(won) == VALUE - 300  # the last 2 €, to one order or two
    assert len(won) in (1, 2) and all(amount > 0 for amount in won)
    assert left == 0
    assert await redeemed(url) == VALUE
    refusals = {str(r.json()["errors"]) for r in responses if r.status_code == 422}
    assert refusals == {str([f"coupons[0]: coupon {code} has no value left"])}


@postgres_only
async def test_negative_control_without_the_coupon_lock_overspends(race_db):
    url, tokens = race_db
    # A longer window than the locked run's: on a loaded machine the racers may reach the balance
    # tens of milliseconds apart (new pool connections, a cold catalog), and the control must see
    # them overlap to show the race.
    responses, _, left = await _race_for_the_last_euros(
        url, tokens, 30, test_lock_delay_ms="300", test_disable_locking="true"
    )
    assert_clean(responses)
    # Without the lock the same race takes more from the coupon than it is worth.
    spent = await redeemed(url)
    statuses = sorted(r.status_code for r in responses)
    assert spent > VALUE, f"no overspend: {spent} cents redeemed, answers {statuses}"
    assert left == 0  # the lookup never shows a balance below zero


async def test_sqlite_racing_orders_spend_exactly_the_value(race_db):
    if IS_POSTGRES:
        pytest.skip("the SQLite case")
    url, tokens = race_db
    responses, _, left = await _race_for_the_last_euros(url, tokens, 20, test_lock_delay_ms="5")
    assert_clean(responses)
    assert sum(paid_by_coupon(responses)) == VALUE - 300
    assert left == 0
    assert await redeemed(url) == VALUE
