"""A token limited to museums reads and changes only orders of those museums (else 404).

An order is a token's when every item is of a ticket or coupon the token's museums sell; the
demo sells ticket 1 in museum 1, ticket 11 and coupon 3 in museum 2, ticket 6 in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tests.coupons.helpers import coupon_item
from tests.orders.test_customer_tokens import customer_token
from tests.orders.test_finalize import CUSTOMER, combined, create, finalized, item, show

ORDERS = "/api/v4/orders"


@dataclass
class MuseumOneOrders:
    """Orders of ticket 1 (museum 1): one finalized with a customer, one still created."""

    finalized: dict[str, Any]
    created: dict[str, Any]

    @property
    def barcode(self) -> str:
        return str(self.finalized["items"][0]["attributes"]["barcodes"][0]["barcode"])


async def museum_one_orders(kasse: Any, day: Any) -> MuseumOneOrders:
    ten = kasse.local(day, "10:00")
    done = await finalized(kasse, (await create(kasse, item(1, 1, ten)))["id"])
    return MuseumOneOrders(finalized=done, created=await create(kasse, item(1, 1, ten)))


async def headers_of(kasse: Any, access: str, museum_ids: list[int]) -> dict[str, str]:
    if access == "customer":
        return await customer_token(kasse, CUSTOMER["foreign_id"], museum_ids)
    return {"Authorization": f"Bearer {await kasse.new_token(access, museum_ids)}"}


def _sub_resource(kind: str) -> Any:
    return lambda o: ("GET", f"{ORDERS}/{o.finalized['id']}/{kind}", None)


# name -> (the request against the museum-1 orders, the token kinds that may make it)
READERS = ("cashpoint", "user", "customer")
SELLERS = ("cashpoint", "user")
REQUESTS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "detail": (lambda o: ("GET", f"{ORDERS}/{o.finalized['id']}", None), READERS),
    "detail by token": (lambda o: ("GET", f"{ORDERS}/{o.finalized['token']}", None), READERS),
    "barcode": (lambda o: ("GET", f"{ORDERS}/barcode/{o.barcode}", None), READERS),
    **{
        kind: (_sub_resource(kind), READERS)
        for kind in ("tickets", "coupons", "events", "tours", "invoices")
    },
    "finalize": (
        lambda o: ("POST", f"{ORDERS}/{o.created['id']}/finalize", {"order": {"completed": True}}),
        SELLERS,
    ),
    "cancel": (lambda o: ("POST", f"{ORDERS}/{o.finalized['id']}/cancellations", None), SELLERS),
    "rate": (
        lambda o: ("PUT", f"{ORDERS}/{o.finalized['id']}/rate", {"rating": 4}),
        ("customer",),
    ),
}
CASES = [(name, access) for name, (_, kinds) in REQUESTS.items() for access in kinds]


async def send(
    kasse: Any, request: tuple[str, str, Any], headers: dict[str, str]
) -> httpx.Response:
    method, url, body = request
    return await kasse.client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(("name", "access"), CASES, ids=[f"{n}-{a}" for n, a in CASES])
async def test_another_museums_order_is_not_found_and_left_alone(kasse, day, name, access):
    orders = await museum_one_orders(kasse, day)
    request = REQUESTS[name][0](orders)
    ids = (orders.finalized["id"], orders.created["id"])
    untouched = [await show(kasse, order_id) for order_id in ids]

    r = await send(kasse, request, await headers_of(kasse, access, [2]))
    assert r.status_code == 404, r.text
    assert set(r.json()) == {"error"}
    assert [await show(kasse, order_id) for order_id in ids] == untouched

    # The same request of a token of museum 1 works: the 404 was the scope, nothing else.
    r = await send(kasse, request, await headers_of(kasse, access, [1]))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("access", READERS)
async def test_the_list_shows_only_the_tokens_museums(kasse, day, access):
    orders = await museum_one_orders(kasse, day)
    ids = {orders.finalized["id"], orders.created["id"]}
    for museums, expected in (([2], set()), ([1], ids), ([1, 2], ids)):
        headers = await headers_of(kasse, access, museums)
        r = await kasse.client.get(ORDERS, headers=headers)
        assert r.status_code == 200, r.text
        shown = {o["id"] for o in r.json()["orders"]} & ids
        if access == "customer":  # a customer sees its finalized order only
            expected = expected & {orders.finalized["id"]}
        assert shown == expected, museums
        assert r.json()["meta"]["total_count"] == len(r.json()["orders"])


async def visible_to(kasse: Any, order_id: int, museum_ids: list[int]) -> bool:
    headers = await headers_of(kasse, "cashpoint", museum_ids)
    r = await kasse.client.get(f"{ORDERS}/{order_id}", headers=headers)
    assert r.status_code in (200, 404), r.text
    return r.status_code == 200


def _items(kasse: Any, day: Any, kind: str) -> tuple[list[dict[str, Any]], int]:
    """The items of an order of ``kind`` and their total."""
    ten = kasse.local(day, "10:00")
    if kind == "two museums":
        return [item(1, 1, ten), item(11, 1, ten)], 1200 + 1000
    if kind == "ticket of both":
        return [combined(kasse, day)], 1900
    return [coupon_item(3)], 2000


@pytest.mark.parametrize(
    ("kind", "museums"),
    [
        ("two museums", {(1, 2)}),  # only a token of both museums sees it
        ("ticket of both", {(1,), (2,), (1, 2)}),  # a ticket of both museums is each one's
        ("coupon of museum 2", {(2,), (1, 2)}),  # coupons belong to their museums too
    ],
)
async def test_an_order_is_a_museums_when_every_item_is(kasse, day, kind, museums):
    items, total = _items(kasse, day, kind)
    body = {"items": items, "total": total}
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth("user"))
    assert r.status_code == 200, r.text
    order_id = r.json()["order"]["id"]
    for candidate in ((1,), (2,), (1, 2)):
        assert await visible_to(kasse, order_id, list(candidate)) == (candidate in museums)
