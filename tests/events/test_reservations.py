"""Event reservations: places or seats held for five minutes at a time, refreshed up to an hour,
given up, and redeemed by the caller's own order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kasse.models import Reservation
from tests.conftest import open_day
from tests.events.booking import (
    A1,
    A2,
    A3,
    B1,
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
from tests.orders.test_finalize import count, error_text

pytestmark = pytest.mark.anyio
URL = "/api/v4/events/reservations"


@pytest.fixture
async def events(kasse: Any) -> Any:
    await kasse.load(event_catalog(open_day(kasse.clock), kasse.instance.tz))
    return kasse


async def reserve(kasse: Any, who: str = "reseller", **wanted: Any) -> Any:
    return await kasse.client.post(URL, json={"reservation": wanted}, headers=kasse.auth(who))


async def reserved(kasse: Any, **wanted: Any) -> dict[str, Any]:
    r = await reserve(kasse, **wanted)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["reservation"]
    return result


async def test_a_reservation_holds_places_for_five_minutes(events):
    held = await reserved(events, date_id=LECTURE_DATE, quantity=2)
    assert held["date_id"] == LECTURE_DATE
    assert held["quantity"] == 2
    assert held["seats"] == []
    assert held["start_at"].startswith(open_day(events.clock).isoformat())
    assert await date_usage(events, LECTURE_DATE) == (0, 2)
    events.clock.advance(timedelta(minutes=5, seconds=1))
    assert await date_usage(events, LECTURE_DATE) == (0, 0)


async def test_reserved_seats_are_taken_for_others_and_redeemed_by_the_own_order(events):
    held = await reserved(events, date_id=CONCERT_DATE, seats=[A2, A1])
    assert held["seats"] == [A1, A2]
    assert held["quantity"] == 2
    r = await order(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000, who="cashpoint")
    assert r.status_code == 422, r.text
    assert "seat A1 (6001) is already taken" in error_text(r)
    item = seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS))
    item["attributes"]["reservations"] = [held["token"]]
    await book(events, [item], 6000)
    assert await count(events, Reservation) == 0
    assert await seat_claims(events) == [(CONCERT_DATE, A1, True), (CONCERT_DATE, A2, True)]
    assert await date_usage(events, CONCERT_DATE) == (2, 0)


async def test_a_reservation_is_refreshed_and_changed_by_put(events):
    held = await reserved(events, date_id=CONCERT_DATE, seats=[A1])
    events.clock.advance(timedelta(minutes=4))
    r = await events.client.put(
        f"{URL}/{held['token']}", json={"reservation": {"seats": [B1, A2]}}, headers=events.auth()
    )
    assert r.status_code == 200, r.text
    assert r.json()["reservation"]["seats"] == [A2, B1]
    assert await seat_claims(events) == [(CONCERT_DATE, A2, False), (CONCERT_DATE, B1, False)]
    events.clock.advance(timedelta(minutes=4))  # 8 minutes after creation, 4 after the refresh
    assert await date_usage(events, CONCERT_DATE) == (0, 2)


async def test_a_deleted_reservation_frees_its_seats(events):
    held = await reserved(events, date_id=CONCERT_DATE, seats=[A1])
    r = await events.client.delete(f"{URL}/{held['token']}", headers=events.auth())
    assert r.status_code == 204, r.text
    assert await seat_claims(events) == []
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000, who="cashpoint")


async def test_a_ticket_reservation_route_does_not_see_event_reservations(events):
    held = await reserved(events, date_id=LECTURE_DATE, quantity=1)
    r = await events.client.delete(
        f"/api/v4/tickets/reservations/{held['token']}", headers=events.auth()
    )
    assert r.status_code == 404, r.text
    assert await date_usage(events, LECTURE_DATE) == (0, 1)


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        ({"date_id": 999, "quantity": 1}, "event date 999 not found"),
        ({"date_id": LECTURE_DATE}, "give either quantity or seats"),
        ({"date_id": LECTURE_DATE, "quantity": 1, "seats": [A1]}, "give either quantity or seats"),
        ({"date_id": LECTURE_DATE, "quantity": 4}, "at most 3 participants per order"),
        ({"date_id": LECTURE_DATE, "seats": [A1]}, "has no seating plan"),
        ({"date_id": CONCERT_DATE, "quantity": 2}, "has a seating plan"),
        ({"date_id": CONCERT_DATE, "seats": [A3]}, "seat A3 (6003) is blocked"),
        ({"date_id": CONCERT_DATE, "seats": [A1, A1]}, "seat A1 (6001) is given twice"),
        ({"date_id": CONCERT_DATE, "seats": [12345]}, "seat 12345 is not in the seating plan"),
    ],
)
async def test_a_bad_reservation_is_refused_and_holds_nothing(events, wanted, message):
    r = await reserve(events, **wanted)
    assert r.status_code == 422, r.text
    assert message in error_text(r)
    assert await count(events, Reservation) == 0
    assert await seat_claims(events) == []


async def test_a_reservation_cannot_take_what_is_sold(events):
    await book(events, [quantity(LECTURE_DATE, 3)], 2400)
    await book(events, [quantity(LECTURE_DATE, 1)], 800)
    r = await reserve(events, date_id=LECTURE_DATE, quantity=2)
    assert r.status_code == 422, r.text
    assert "date 610: 2 places wanted, 1 left" in error_text(r)
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    r = await reserve(events, date_id=CONCERT_DATE, seats=[A1])
    assert r.status_code == 422, r.text
    assert await count(events, Reservation) == 0


async def test_the_public_cannot_reserve(events):
    r = await events.client.post(
        URL, json={"reservation": {"date_id": LECTURE_DATE, "quantity": 1}}
    )
    assert r.status_code == 401, r.text
