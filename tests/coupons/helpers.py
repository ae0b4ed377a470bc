"""Shared by the coupon tests: buying coupons, paying with them, reading balances over HTTP.

The demo museum sells coupon 1 (price 25 €, worth 25 €), coupon 2 (45 €, worth 50 €, at most 5 at
a time) and coupon 3 (20 €, worth 20 €, not sold to resellers). Payments here buy the flex ticket
7 (15 €): it needs no date and draws from no quota, so only the coupons are in play.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

ORDERS = "/api/v4/orders"
COUPONS = "/api/v4/coupons"
LOOKUP = "/api/v4/coupon_sales/barcode"
COUPON_PRICES = {1: 2500, 2: 4500, 3: 2000}
COUPON_VALUES = {1: 2500, 2: 5000, 3: 2000}
FLEX, FLEX_PRICE = 7, 1500
CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$")
CUSTOMER = {"foreign_id": "C-1", "name": "Gutschein", "email": "coupon@example.com"}


def coupon_item(coupon_id: int = 1, quantity: int = 1) -> dict[str, Any]:
    return {"type": "Coupon", "attributes": {"id": coupon_id, "quantity": quantity}}


def flex_item(quantity: int = 1) -> dict[str, Any]:
    return {"type": "Ticket", "attributes": {"id": FLEX, "quantity": quantity}}


def price_of(items: list[dict[str, Any]]) -> int:
    prices = {"Coupon": COUPON_PRICES, "Ticket": {FLEX: FLEX_PRICE}}
    return sum(
        prices[i["type"]].get(i["attributes"]["id"], 0) * i["attributes"]["quantity"] for i in items
    )


async def post_order(
    kasse: Any,
    *items: dict[str, Any],
    coupons: list[Any] | None = None,
    who: str = "reseller",
    total: int | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"items": list(items), "total": price_of(list(items))}
    if total is not None:
        body["total"] = total
    if coupons is not None:
        body["coupons"] = coupons
    return await kasse.client.post(ORDERS, json=body, headers=kasse.auth(who))


async def ordered(kasse: Any, *items: dict[str, Any], **options: Any) -> dict[str, Any]:
    r = await post_order(kasse, *items, **options)
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


def codes_of(order: dict[str, Any]) -> list[str]:
    return [
        b["barcode"]
        for i in order["items"]
        if i["type"] == "Coupon"
        for b in i["attributes"]["barcodes"]
    ]


async def bought(
    kasse: Any, coupon_id: int = 1, quantity: int = 1, who: str = "reseller"
) -> list[str]:
    """The codes of ``quantity`` coupons bought in a direct (binding) order."""
    codes = codes_of(await ordered(kasse, coupon_item(coupon_id, quantity), who=who))
    assert len(codes) == quantity
    return codes


async def lookup(kasse: Any, code: str, who: str | None = "user") -> httpx.Response:
    headers = kasse.auth(who) if who else {}
    return await kasse.client.get(f"{LOOKUP}/{code}", headers=headers)


async def balance(kasse: Any, code: str) -> int | None:
    """What the API says is left on ``code``; None when it answers 404."""
    r = await lookup(kasse, code)
    if r.status_code == 404:
        return None
    assert r.status_code == 200, r.text
    check = r.json()["coupon_sale"]
    assert check["id"] is None and check["is_valid"] is True
    assert check["value_cents"] >= 0
    return int(check["value_cents"])


async def balances(kasse: Any, codes: list[str]) -> list[int | None]:
    return [await balance(kasse, code) for code in codes]


async def show(kasse: Any, order_id: int, who: str = "reseller") -> dict[str, Any]:
    r = await kasse.client.get(f"{ORDERS}/{order_id}", headers=kasse.auth(who))
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


async def order_count(kasse: Any) -> int:
    r = await kasse.client.get(ORDERS, headers=kasse.auth("user"))
    assert r.status_code == 200, r.text
    return int(r.json()["meta"]["total_count"])


async def cancel(
    kasse: Any, order_id: int, item_ids: list[int] | None = None, who: str = "reseller"
) -> httpx.Response:
    body = None if item_ids is None else {"order_item_ids": item_ids}
    return await kasse.client.post(
        f"{ORDERS}/{order_id}/cancellations", json=body, headers=kasse.auth(who)
    )


async def finalize(kasse: Any, order_id: int, **fields: Any) -> httpx.Response:
    body = {"order": {"customer": CUSTOMER, "suppress_mail": True, **fields}}
    return await kasse.client.post(
        f"{ORDERS}/{order_id}/finalize", json=body, headers=kasse.auth("two-phase")
    )


def payment(order: dict[str, Any]) -> tuple[list[tuple[str, int]], int, int]:
    """The coupons an order detail shows, what they pay together, and what is left to pay."""
    return (
        [(c["barcode"], c["value_cents"]) for c in order["coupons"]],
        order["coupon_cents"],
        order["amount_due_cents"],
    )
