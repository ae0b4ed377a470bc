"""Booking events through ``POST /orders``: the three item shapes, prices, seats and barcodes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import open_day
from tests.events.booking import (
    A1,
    A2,
    B1,
    CIRCLE,
    CONCERT,
    CONCERT_DATE,
    GROUP,
    LECTURE,
    LECTURE_DATE,
    REDUCED,
    REGULAR,
    STALLS,
    WORKSHOP_DATE,
    book,
    event_catalog,
    quantities,
    quantity,
    seats,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def events(kasse: Any) -> Any:
    await kasse.load(event_catalog(open_day(kasse.clock), kasse.instance.tz))
    return kasse


def _event_item(order: dict[str, Any]) -> dict[str, Any]:
    (item,) = [i for i in order["items"] if i["type"] == "Event"]
    return item


async def test_a_single_price_date_is_booked_by_quantity(events):
    order = await book(events, [quantity(LECTURE_DATE, 3)], 2400)
    item = _event_item(order)
    assert item["price_cents"] == 2400
    attributes = item["attributes"]
    assert attributes["date_id"] == LECTURE_DATE
    assert attributes["event_id"] == LECTURE
    assert attributes["quantity"] == 3
    assert attributes["title"] == "Vortrag"
    assert attributes["quantities"] == {}
    assert attributes["seats"] == []
    assert len(attributes["barcodes"]) == 3
    assert len({b["barcode"] for b in attributes["barcodes"]}) == 3
    assert attributes["location"] == {
        "name": None,
        "street": None,
        "zip": None,
        "city": None,
        "country": None,
        "latitude": None,
        "longitude": None,
    }  # the test museum gives no address


async def test_scale_prices_count_per_participant_and_a_group_price_once(events):
    order = await book(events, [quantities(WORKSHOP_DATE, {REGULAR: 2, REDUCED: 1})], 6500)
    attributes = _event_item(order)["attributes"]
    assert attributes["quantity"] == 3
    assert attributes["quantities"] == {str(REGULAR): 2, str(REDUCED): 1}
    group = await book(events, [quantities(WORKSHOP_DATE, {GROUP: 3})], 12000)
    assert _event_item(group)["attributes"]["quantity"] == 3
    assert len(_event_item(group)["attributes"]["barcodes"]) == 3


async def test_seats_are_booked_with_their_category_price_and_get_a_barcode_each(events):
    order = await book(events, [seats(CONCERT_DATE, (A1, STALLS), (B1, CIRCLE))], 5000)
    attributes = _event_item(order)["attributes"]
    assert attributes["event_id"] == CONCERT
    assert attributes["seats"] == [
        {"seat_id": A1, "scale_price_id": STALLS, "title": "A1"},
        {"seat_id": B1, "scale_price_id": CIRCLE, "title": "B1"},
    ]
    assert attributes["quantity"] == 2
    assert len(attributes["barcodes"]) == 2


async def test_a_sold_seat_cannot_be_sold_again(events):
    await book(events, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    r = await events.client.post(
        "/api/v4/orders",
        json={"items": [seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS))], "total": 6000},
        headers=events.auth(),
    )
    assert r.status_code in (409, 422), r.text
    assert "A1" in r.text


async def test_the_dates_discount_applies_to_each_price_as_to_a_tickets(kasse):
    catalog = event_catalog(open_day(kasse.clock), kasse.instance.tz)
    workshop = next(e for e in catalog["events"] if e["id"] == 62)
    workshop["discount"] = 15  # 2500 -> 2125, 1500 -> 1275, the group's 12000 -> 10200
    await kasse.load(catalog)
    order = await book(
        kasse, [quantities(WORKSHOP_DATE, {REGULAR: 1, REDUCED: 1, GROUP: 1})], 13600
    )
    assert _event_item(order)["price_cents"] == 2125 + 1275 + 10200
