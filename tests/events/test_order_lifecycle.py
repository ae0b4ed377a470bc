"""Event items through the order's life: held by a created order, sold at finalize, freed at
once by a cancellation or by the end of the hold, and never sold twice on the way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kasse.orders.lifecycle import expire_orders
from tests.conftest import open_day
from tests.events.booking import (
    A1,
    A2,
    B1,
    CIRCLE,
    CONCERT_DATE,
    LECTURE_DATE,
    STALLS,
    book,
    date_usage,
    event_catalog,
    order,
    quantity,
    seat_claims,
    seats,
)
from tests.orders.test_finalize import HOLD, cancel, error_text, finalize, finalized

pytestmark = pytest.mark.anyio


@pytest.fixture
async def events(kasse: Any) -> Any:
    await kasse.load(event_catalog(open_day(kasse.clock), kasse.instance.tz))
    return kasse


async def test_a_created_order_holds_its_seats_without_barcodes_and_finalize_sells_them(events):
    created = await book(
        events, [seats(CONCERT_DATE, (A1, STALLS), (B1, CIRCLE))], 5000, "two-phase"
    )
    assert created["items"][0]["attributes"]["barcodes"] == []
    assert await seat_claims(events) == [(CONCERT_DATE, A1, False), (CONCERT_DATE, B1, False)]
    assert await date_usage(events, CONCERT_DATE) == (0, 2)
    r = await order(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    assert r.status_code == 422, r.text
    assert "seat A1 (6001) is already taken" in error_text(r)
    done = await finalized(events, created["id"])
    assert len(done["items"][0]["attributes"]["barcodes"]) == 2
    assert await seat_claims(events) == [(CONCERT_DATE, A1, True), (CONCERT_DATE, B1, True)]
    assert await date_usage(events, CONCERT_DATE) == (2, 0)
    events.clock.advance(HOLD * 3)  # sold seats do not expire
    assert await date_usage(events, CONCERT_DATE) == (2, 0)
    r = await order(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    assert r.status_code == 422, r.text


async def test_a_hold_that_ended_frees_its_seat_without_any_housekeeping(events):
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000, "two-phase")
    events.clock.advance(HOLD + timedelta(seconds=1))
    assert await date_usage(events, CONCERT_DATE) == (0, 0)
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    assert await seat_claims(events) == [(CONCERT_DATE, A1, True)]


async def test_a_late_finalize_of_a_seat_someone_else_took_is_refused(events):
    created = await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000, "two-phase")
    events.clock.advance(HOLD + timedelta(seconds=1))
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    r = await finalize(events, created["id"], completed=True)
    assert r.status_code == 422, r.text
    assert await seat_claims(events) == [(CONCERT_DATE, A1, True)]
    assert await date_usage(events, CONCERT_DATE) == (1, 0)


@pytest.mark.parametrize("who", ["reseller", "two-phase"])
async def test_cancelling_an_event_item_frees_its_seats_and_places_at_once(events, who):
    placed = await book(
        events,
        [seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS)), quantity(LECTURE_DATE, 2)],
        7600,
        who,
    )
    seat_item, _lecture_item = (i["id"] for i in placed["items"])
    r = await cancel(events, placed["id"], [seat_item], who=who)
    assert r.status_code == 200, r.text
    assert await seat_claims(events) == []
    assert await date_usage(events, CONCERT_DATE) == (0, 0)
    assert sum(await date_usage(events, LECTURE_DATE)) == 2
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    r = await cancel(events, placed["id"], who=who)
    assert r.status_code == 200, r.text
    assert await date_usage(events, LECTURE_DATE) == (0, 0)


async def test_the_housekeeping_removes_the_seats_of_expired_orders(events):
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000, "two-phase")
    events.clock.advance(HOLD + timedelta(seconds=1))
    async with events.instance.write_sessions() as session, session.begin():
        assert await expire_orders(session, events.clock.now()) == 1
    assert await seat_claims(events) == []


async def test_the_events_of_an_order_are_listed(events):
    placed = await book(events, [quantity(LECTURE_DATE, 2)], 1600)
    r = await events.client.get(f"/api/v4/orders/{placed['id']}/events", headers=events.auth())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["total_count"] == 1
    assert body["events"] == [placed["items"][0]["attributes"]]
