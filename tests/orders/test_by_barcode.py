"""GET /orders/barcode/:code: the order of a ticket's or an event booking's barcode or a coupon's
code, for callers who may see that order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from tests.conftest import Kasse
from tests.coupons.helpers import codes_of, coupon_item, ordered
from tests.events.booking import LECTURE_DATE, book, event_items, load_events, quantity
from tests.helpers import recorded_statements
from tests.orders.test_finalize import create, item

ORDERS = "/api/v4/orders"
MISSING = "4006381333931"


@dataclass(frozen=True)
class Coded:
    """A binding order with a code of one kind of item, and a museum whose tokens do not see it."""

    buy: Callable[[Kasse, date], Awaitable[tuple[dict[str, Any], str]]]
    other_museum: int
    owner: str  # the token that bought it


async def barcode_of_reseller_order(kasse: Kasse, day: date) -> tuple[dict[str, Any], str]:
    order = await create(kasse, item(1, 1, kasse.local(day, "10:00")), who="reseller")
    return order, order["items"][0]["attributes"]["barcodes"][0]["barcode"]


async def code_of_cashpoint_coupon(kasse: Kasse, day: date) -> tuple[dict[str, Any], str]:
    """The code of coupon 3, a voucher of museum 2 sold at its desk."""
    order = await ordered(kasse, coupon_item(3), who="cashpoint")
    [code] = codes_of(order)
    return order, code


async def barcode_of_event_booking(kasse: Kasse, day: date) -> tuple[dict[str, Any], str]:
    """The second participant's barcode of a reseller's booking of museum 60's lecture."""
    await load_events(kasse)
    order = await book(kasse, [quantity(LECTURE_DATE, 2)], 1600)
    [booking] = event_items(order)
    return order, booking["barcodes"][1]["barcode"]


KINDS = {
    "ticket barcode": Coded(barcode_of_reseller_order, other_museum=2, owner="reseller"),
    "coupon code": Coded(code_of_cashpoint_coupon, other_museum=1, owner="cashpoint"),
    "event barcode": Coded(barcode_of_event_booking, other_museum=1, owner="reseller"),
}


@pytest.mark.parametrize("kind", KINDS)
async def test_the_owner_finds_its_order_by_code(kasse, day, kind):
    order, code = await KINDS[kind].buy(kasse, day)
    for who in (KINDS[kind].owner, "cashpoint", "user"):
        r = await kasse.client.get(f"{ORDERS}/barcode/{code}", headers=kasse.auth(who))
        assert r.status_code == 200, r.text
        assert r.json()["order"]["id"] == order["id"]
        assert r.json()["order"]["items"] == order["items"]


async def test_a_coupon_code_is_found_as_typed(kasse, day):
    order, code = await code_of_cashpoint_coupon(kasse, day)
    typed = f"{code[:5].lower()}-{code[5:]}"
    r = await kasse.client.get(f"{ORDERS}/barcode/{typed}", headers=kasse.auth("cashpoint"))
    assert r.status_code == 200, r.text
    assert r.json()["order"]["id"] == order["id"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("caller", ["another reseller", "a cash point of another museum"])
async def test_another_callers_code_costs_the_same_as_a_missing_one(kasse, day, kind, caller):
    coded = KINDS[kind]
    _, code = await coded.buy(kasse, day)
    if caller == "another reseller":
        headers = kasse.auth("two-phase")
    else:
        token = await kasse.new_token("cashpoint", [coded.other_museum])
        headers = {"Authorization": f"Bearer {token}"}

    async def lookup(code: str) -> tuple[list[str], httpx.Response]:
        with recorded_statements(kasse.instance) as statements:
            r = await kasse.client.get(f"{ORDERS}/barcode/{code}", headers=headers)
        return statements, r

    (foreign, foreign_answer), (missing, missing_answer) = (
        await lookup(code),
        await lookup(MISSING),
    )
    # The same statements for both: the visibility is part of the one lookup.
    assert len(foreign) == len(missing)
    assert foreign == missing
    for asked, r in ((code, foreign_answer), (MISSING, missing_answer)):
        assert r.status_code == 404, r.text
        assert r.json() == {"error": f"barcode {asked} not found"}
