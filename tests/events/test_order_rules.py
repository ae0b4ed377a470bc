"""Event items that cannot be booked: every problem of the order in one answer, in the error
shape, naming the item, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from kasse.models import EventBooking, Order
from tests.conftest import open_day
from tests.events.booking import (
    A1,
    A2,
    A3,
    B1,
    CIRCLE,
    CONCERT_DATE,
    GROUP,
    LECTURE_DATE,
    PAST_DATE,
    REGULAR,
    SMALL_HALL_DATE,
    SMALL_HALL_PRICE,
    SMALL_HALL_SEAT,
    STALLS,
    WORKSHOP_DATE,
    book,
    date_usage,
    event_catalog,
    order,
    quantities,
    quantity,
    seat_claims,
    seats,
)
from tests.orders.test_finalize import count

pytestmark = pytest.mark.anyio


@pytest.fixture
async def events(kasse: Any) -> Any:
    await kasse.load(event_catalog(open_day(kasse.clock), kasse.instance.tz))
    return kasse


async def refused(
    kasse: Any, items: list[dict[str, Any]], total: int, status: int = 422
) -> list[str]:
    r = await order(kasse, items, total)
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body["error"], str)
    assert await count(kasse, Order) == 0
    assert await count(kasse, EventBooking) == 0
    return [str(e) for e in body["errors"]]


BAD_ITEMS = [
    (quantity(999, 1), "event date 999 not found"),
    (quantity(PAST_DATE, 1), f"event date {PAST_DATE} has already begun"),
    (quantity(LECTURE_DATE, 4), "at most 3 participants per order"),
    (
        {
            "type": "Event",
            "attributes": {"id": LECTURE_DATE, "quantity": 1, "quantities": {"71": 1}},
        },
        "exactly one of quantity, quantities or seats",
    ),
    ({"type": "Event", "attributes": {"id": LECTURE_DATE}}, "exactly one of quantity"),
    (quantities(LECTURE_DATE, {REGULAR: 1}), "has a single price: book a quantity"),
    (quantity(WORKSHOP_DATE, 2), "has scale prices: book quantities"),
    (quantities(WORKSHOP_DATE, {STALLS: 1}), f"{STALLS} is not a scale price of event date"),
    (quantities(WORKSHOP_DATE, {REGULAR: -1, GROUP: 1}), "greater than or equal to 0"),
    (
        {"type": "Event", "attributes": {"id": WORKSHOP_DATE, "quantities": {"²": 1}}},
        "String should match pattern",
    ),
    (
        {"type": "Event", "attributes": {"id": WORKSHOP_DATE, "quantities": {"071": 1}}},
        "String should match pattern",
    ),
    (quantities(WORKSHOP_DATE, {REGULAR: 10**4300 - 1}), "less than or equal to 10000"),
    (quantities(WORKSHOP_DATE, {REGULAR: 0}), "at least one participant"),
    (quantities(WORKSHOP_DATE, {REGULAR: 7}), "has 6 places in all"),
    (quantity(CONCERT_DATE, 2), "has a seating plan: book its seats"),
    (seats(LECTURE_DATE, (A1, STALLS)), "has no seating plan"),
    (seats(CONCERT_DATE, (A3, STALLS)), "seat A3 (6003) is blocked"),
    (seats(CONCERT_DATE, (9999, STALLS)), "seat 9999 is not in the seating plan"),
    (
        seats(CONCERT_DATE, (SMALL_HALL_SEAT, STALLS)),
        f"seat {SMALL_HALL_SEAT} is not in the seating plan",
    ),
    (seats(CONCERT_DATE, (A1, CIRCLE)), "is not for the seat's category"),
    (
        seats(CONCERT_DATE, (A1, SMALL_HALL_PRICE)),
        f"{SMALL_HALL_PRICE} is not a scale price of event date",
    ),
    (seats(CONCERT_DATE, (A1, STALLS), (A1, STALLS)), "seat A1 (6001) is given twice"),
    (seats(SMALL_HALL_DATE, (SMALL_HALL_SEAT, STALLS)), "is not a scale price of event date"),
]


@pytest.mark.parametrize(("item", "message"), BAD_ITEMS, ids=[m for _, m in BAD_ITEMS])
async def test_a_bad_event_item_is_refused_naming_it(events, item, message):
    errors = await refused(events, [quantity(LECTURE_DATE, 1), item], 800 + 100)
    # the planner's problems name "items[1]: ...", the wire schema's "items.1.Event...: ..."
    assert any(e.startswith(("items[1]: ", "items.1.")) and message in e for e in errors), errors


async def test_every_problem_of_an_order_is_reported_at_once(events):
    errors = await refused(
        events,
        [quantity(999, 1), seats(CONCERT_DATE, (A3, STALLS)), quantity(LECTURE_DATE, 4)],
        0,
    )
    assert [e.split(":")[0] for e in errors] == ["items[0]", "items[1]", "items[2]"]


async def test_one_seat_in_two_items_is_refused(events):
    errors = await refused(
        events,
        [seats(CONCERT_DATE, (A1, STALLS)), seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS))],
        9000,
    )
    assert any("seat 6001 of date 630 is booked by more than one item" in e for e in errors), errors


async def test_the_total_must_match_the_servers_price(events):
    errors = await refused(events, [quantities(WORKSHOP_DATE, {GROUP: 4, REGULAR: 1})], 12000)
    assert errors == ["total 12000 does not match the server's price 14500"]


async def test_a_seat_already_sold_is_named_and_nothing_else_is_written(events):
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    before = await seat_claims(events)
    r = await order(events, [seats(CONCERT_DATE, (A2, STALLS), (A1, STALLS), (B1, CIRCLE))], 8000)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == ["date 630: seat A1 (6001) is already taken"]
    assert await seat_claims(events) == before
    assert await date_usage(events, CONCERT_DATE) == (1, 0)


async def test_a_full_date_refuses_more_participants(events):
    await book(events, [quantity(LECTURE_DATE, 3)], 2400)
    await book(events, [quantity(LECTURE_DATE, 2)], 1600)
    r = await order(events, [quantity(LECTURE_DATE, 1)], 800)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == ["date 610: 1 places wanted, 0 left"]
    assert await date_usage(events, LECTURE_DATE) == (5, 0)


async def test_max_per_registration_counts_every_item_of_the_order(events):
    errors = await refused(events, [quantity(LECTURE_DATE, 3), quantity(LECTURE_DATE, 2)], 4000)
    assert errors == [
        f"event date {LECTURE_DATE} takes at most 3 participants per order, the items give 5"
    ]
