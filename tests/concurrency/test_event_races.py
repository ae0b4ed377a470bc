"""Concurrent buyers of event dates over HTTP against a real two-worker server on PostgreSQL:
a date never sells more places than it has, and a seat is never sold twice.

As in ``test_races.py`` the window between the check and the write is widened in every run
(KASSE_TEST_LOCK_DELAY_MS), and the negative controls switch the lock off to show the race.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kasse.core.db import open_instance
from kasse.models import QuotaSlot, SeatClaim
from kasse.settings import Settings
from tests.concurrency.server import prepare_database, race, run_server
from tests.helpers import IS_POSTGRES, postgres_only, truncate_all

pytestmark = pytest.mark.slow

PLACES_DATE, SEATED_DATE, CAPACITY, SEATS = 710, 720, 10, list(range(7001, 7007))
PRICE = 500
ALL_WEEK = {d: "09:00-22:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def race_catalog() -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0).isoformat()
    return {
        "museums": [{"id": 70, "title": "Race hall", "opening_hours": ALL_WEEK}],
        "seatings": [
            {
                "id": 70,
                "title": "Saal",
                "categories": [{"id": 1, "title": "Parkett"}],
                "rows": [{"id": 1, "title": "1"}],
                "seats": [
                    {"id": s, "row_id": 1, "category_id": 1, "title": str(s), "x": s % 10, "y": 0}
                    for s in SEATS
                ],
            }
        ],
        "events": [
            {
                "id": 71,
                "museum_id": 70,
                "title": "Vortrag",
                "max_seats": CAPACITY,
                "prices": [{"price_cents": PRICE}],
                "dates": [{"id": PLACES_DATE, "start": start}],
            },
            {
                "id": 72,
                "museum_id": 70,
                "title": "Konzert",
                "seating_id": 70,
                "scale_prices": [
                    {"id": 79, "seat_category_id": 1, "title": "Parkett", "price_cents": PRICE}
                ],
                "dates": [{"id": SEATED_DATE, "start": start}],
            },
        ],
    }


def places_order(quantity: int) -> dict[str, Any]:
    item = {"type": "Event", "attributes": {"id": PLACES_DATE, "quantity": quantity}}
    return {"items": [item], "total": quantity * PRICE}


def seats_order(*seat_ids: int) -> dict[str, Any]:
    seats = [{"seat_id": s, "scale_price_id": 79} for s in seat_ids]
    item = {"type": "Event", "attributes": {"id": SEATED_DATE, "seats": seats}}
    return {"items": [item], "total": len(seat_ids) * PRICE}


async def stored(url: str) -> tuple[dict[int, int], Counter[tuple[int, int]]]:
    """Places sold per date, and how often each (date, seat) is claimed."""
    instance = open_instance("check", url, Settings(database_url=url))
    try:
        async with instance.read_sessions() as session:
            sold = {
                -quota: places
                for quota, places in await session.execute(
                    select(QuotaSlot.quota_id, QuotaSlot.sold).where(QuotaSlot.quota_id < 0)
                )
            }
            claims = Counter(
                (d, s)
                for d, s in await session.execute(select(SeatClaim.date_id, SeatClaim.seat_id))
            )
            return sold, claims
    finally:
        await instance.dispose()


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


@pytest.fixture
async def race_db(database_url: str) -> tuple[str, list[str]]:
    if IS_POSTGRES:
        instance = open_instance("reset", database_url, Settings(database_url=database_url))
        await truncate_all(instance)
        await instance.dispose()
    tokens = await prepare_database(database_url, race_catalog(), ["reseller"] * 4)
    return database_url, tokens


async def _race(
    url: str, tokens: list[str], orders: list[dict[str, Any]], **settings: str
) -> list[httpx.Response]:
    with run_server(url, workers=2, **settings) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            # One sale first, so the date's slot row exists and only the lock stands between buyers.
            warmup = await client.post(
                "/api/v4/orders",
                json=places_order(1),
                headers={"Authorization": f"Bearer {tokens[0]}"},
            )
            assert warmup.status_code == 200, warmup.text
        return await race(
            server.base_url,
            [("/api/v4/orders", body, tokens[i % 4]) for i, body in enumerate(orders)],
        )


@postgres_only
async def test_buyers_racing_for_the_last_places_of_a_date_get_exactly_its_places(race_db):
    url, tokens = race_db
    responses = await _race(url, tokens, [places_order(1)] * 40, test_lock_delay_ms="30")
    assert statuses(responses) == {200: CAPACITY - 1, 422: 40 - CAPACITY + 1}
    sold, _ = await stored(url)
    assert sold[PLACES_DATE] == CAPACITY


@postgres_only
async def test_negative_control_without_the_lock_a_date_oversells(race_db):
    url, tokens = race_db
    responses = await _race(
        url, tokens, [places_order(1)] * 40, test_lock_delay_ms="30", test_disable_locking="true"
    )
    assert set(statuses(responses)) <= {200, 422}
    sold, _ = await stored(url)
    assert sold[PLACES_DATE] > CAPACITY


@postgres_only
async def test_buyers_racing_for_one_seat_get_it_exactly_once(race_db):
    url, tokens = race_db
    responses = await _race(url, tokens, [seats_order(SEATS[0])] * 30, test_lock_delay_ms="30")
    assert statuses(responses) == {200: 1, 422: 29}
    refused = [r.json()["errors"] for r in responses if r.status_code == 422]
    assert all(
        errors == [f"date {SEATED_DATE}: seat {SEATS[0]} ({SEATS[0]}) is already taken"]
        for errors in refused
    )
    sold, claims = await stored(url)
    assert claims == {(SEATED_DATE, SEATS[0]): 1}
    assert sold[SEATED_DATE] == 1


@postgres_only
async def test_negative_control_without_the_lock_one_seat_is_fought_over_in_the_database(race_db):
    url, tokens = race_db
    responses = await _race(
        url,
        tokens,
        [seats_order(SEATS[0])] * 30,
        test_lock_delay_ms="30",
        test_disable_locking="true",
    )
    # Without the lock every racer passes the check: only the unique key is left to refuse the
    # second claim, and it does so with a server error rather than a clear answer.
    assert statuses(responses)[500] > 0
    _, claims = await stored(url)
    assert claims == {(SEATED_DATE, SEATS[0]): 1}


@postgres_only
async def test_buyers_of_overlapping_seats_never_share_one(race_db):
    url, tokens = race_db
    chooser = random.Random(7)
    orders = [seats_order(*chooser.sample(SEATS, 2)) for _ in range(30)]
    responses = await _race(url, tokens, orders, test_lock_delay_ms="10")
    assert set(statuses(responses)) <= {200, 422}
    sold, claims = await stored(url)
    assert set(claims.values()) == {1}
    accepted = [body for body, r in zip(orders, responses, strict=True) if r.status_code == 200]
    booked = [s["seat_id"] for body in accepted for s in body["items"][0]["attributes"]["seats"]]
    assert sorted(booked) == sorted(seat for _, seat in claims)
    assert sold[SEATED_DATE] == len(booked) <= len(SEATS)
