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


async def test_a_finalize_that_waited_while_its_hold_ended_is_refused_if_the_seat_is_gone(events):
    """The race the seat re-claim at finalize guards against: a finalize that started before its
    order's hold ended, while a buyer who came after the end took the seat (the places alone would
    still fit). The clock is set back to replay the finalize's moment."""
    started = events.clock.now()
    created = await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000, "two-phase")
    events.clock.advance(HOLD + timedelta(seconds=1))
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    events.clock.set(started + HOLD - timedelta(seconds=1))
    r = await finalize(events, created["id"], completed=True)
    assert r.status_code == 422, r.text
    assert "seat A1 (6001) is already taken" in error_text(r)
    assert await seat_claims(events) == [(CONCERT_DATE, A1, True)]
    assert await date_usage(events, CONCERT_DATE) == (1, 1)  # the other's sale, our hold


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


async def cancel_seats(
    kasse: Any, order: dict[str, Any], *seats_: tuple[int, int], who: str
) -> Any:
    body = {"seats": [{"order_item_id": i, "seat_id": s} for i, s in seats_]}
    return await kasse.client.post(
        f"/api/v4/orders/{order['id']}/cancellations", json=body, headers=kasse.auth(who)
    )


@pytest.mark.parametrize("who", ["reseller", "two-phase"])
async def test_one_seat_is_cancelled_and_the_item_keeps_the_others(events, who):
    placed = await book(
        events, [seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS), (B1, CIRCLE))], 8000, who
    )
    item = placed["items"][0]
    r = await cancel_seats(events, placed, (item["id"], A2), who=who)
    assert r.status_code == 200, r.text
    after = r.json()["order"]["items"][0]
    assert after["cancelled"] is False
    assert after["price_cents"] == 5000
    assert [s["seat_id"] for s in after["attributes"]["seats"]] == [A1, B1]
    assert after["attributes"]["quantity"] == 2
    assert len(after["attributes"]["barcodes"]) == (2 if who == "reseller" else 0)
    sold = who == "reseller"
    assert await seat_claims(events) == [(CONCERT_DATE, A1, sold), (CONCERT_DATE, B1, sold)]
    assert await date_usage(events, CONCERT_DATE) == ((2, 0) if sold else (0, 2))
    await book(events, [seats(CONCERT_DATE, (A2, STALLS))], 3000)  # free again at once
    if not sold:
        done = await finalized(events, placed["id"])
        assert done["items"][0]["price_cents"] == 5000
        assert len(done["items"][0]["attributes"]["barcodes"]) == 2
        assert await date_usage(events, CONCERT_DATE) == (3, 0)


async def test_cancelling_every_seat_cancels_the_item(events):
    placed = await book(events, [seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS))], 6000)
    item_id = placed["items"][0]["id"]
    r = await cancel_seats(events, placed, (item_id, A1), (item_id, A2), who="reseller")
    assert r.status_code == 200, r.text
    assert r.json()["order"]["items"][0]["cancelled"] is True
    assert await seat_claims(events) == []
    assert await date_usage(events, CONCERT_DATE) == (0, 0)


async def test_a_seat_cancellation_that_leaves_fewer_than_the_minimum_is_refused(kasse):
    catalog = event_catalog(open_day(kasse.clock), kasse.instance.tz)
    concert = next(e for e in catalog["events"] if e["id"] == 63)
    concert["min_seats"] = 2
    await kasse.load(catalog)
    placed = await book(kasse, [seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS))], 6000)
    r = await cancel_seats(kasse, placed, (placed["items"][0]["id"], A1), who="reseller")
    assert r.status_code == 422, r.text
    assert "1 seats would be left, event date 630 needs at least 2" in error_text(r)
    assert await seat_claims(kasse) == [(CONCERT_DATE, A1, True), (CONCERT_DATE, A2, True)]


async def test_a_seat_the_item_does_not_have_is_refused_and_nothing_changes(events):
    placed = await book(
        events, [seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS)), quantity(LECTURE_DATE, 1)], 6800
    )
    seat_item, lecture_item = (i["id"] for i in placed["items"])
    for wanted, message in (
        ([(seat_item, B1)], f"seat {B1} is not a seat of order item {seat_item}"),
        ([(lecture_item, A1)], f"seat {A1} is not a seat of order item {lecture_item}"),
        ([(seat_item, A1), (seat_item + 999, A1)], "does not belong to order"),
    ):
        r = await cancel_seats(events, placed, *wanted, who="reseller")
        assert r.status_code == 422, r.text
        assert message in error_text(r)
    assert await seat_claims(events) == [(CONCERT_DATE, A1, True), (CONCERT_DATE, A2, True)]
    assert await date_usage(events, CONCERT_DATE) == (2, 0)
