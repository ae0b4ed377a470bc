"""GET /api/v4/orders and /api/v4/orders/:id: who sees which orders, dates, filters, paging."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

ORDERS = "/api/v4/orders"

LIST_FIELDS = {
    "id",
    "token",
    "is_valid",
    "total_price_cents",
    "comment",
    "reference",
    "rating",
    "invoice",
    "created_at",
    "source",
    "items",
    "status",
    "expires_at",
}


async def order(kasse: Any, day: Any, headers: dict[str, str], quantity: int = 1) -> dict:
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {
                    "id": 1,
                    "quantity": quantity,
                    "time": kasse.local(day, "12:00"),
                },
            }
        ],
        "total": 1200 * quantity,
        "comment": f"{quantity} persons",
    }
    r = await kasse.client.post(ORDERS, json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["order"]


async def listed(kasse: Any, headers: dict[str, str], query: str = "") -> dict:
    r = await kasse.client.get(f"{ORDERS}{query}", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"orders", "meta"}
    return body


async def ids(kasse: Any, headers: dict[str, str], query: str = "") -> list[int]:
    return [o["id"] for o in (await listed(kasse, headers, query))["orders"]]


async def test_the_list_shape_and_newest_first(kasse, day):
    reseller = kasse.auth("reseller")
    first = await order(kasse, day, reseller, 1)
    kasse.clock.advance(timedelta(minutes=1))
    second = await order(kasse, day, reseller, 2)
    third = await order(kasse, day, reseller, 3)  # same moment: the later id comes first
    body = await listed(kasse, reseller)
    assert body["meta"] == {"total_count": 3, "page": 1, "per_page": 25}
    assert [o["id"] for o in body["orders"]] == [third["id"], second["id"], first["id"]]
    for shown in body["orders"]:
        assert set(shown) == LIST_FIELDS
    # The list entry is the detail minus the detail-only keys.
    detail_only = ("payment_status", "billing_address_id", "customer_id", "pay_by_link", "paid")
    detail_only += ("coupons", "coupon_cents", "amount_due_cents", "personalization_token")
    detail = {k: v for k, v in third.items() if k not in detail_only}
    assert body["orders"][0] == detail


async def test_the_default_window_is_the_last_30_days(kasse, day):
    reseller = kasse.auth("reseller")
    old = await order(kasse, day, reseller)
    kasse.clock.advance(timedelta(days=29))
    assert await ids(kasse, reseller) == [old["id"]]
    kasse.clock.advance(timedelta(days=2))  # 31 days later
    assert await ids(kasse, reseller) == []
    created = old["created_at"][:10]
    assert await ids(kasse, reseller, f"?start_at={created}") == [old["id"]]


async def test_start_and_end_filter_by_order_date(kasse, day):
    reseller = kasse.auth("reseller")
    tz = kasse.instance.tz
    made = []
    for _ in range(3):
        o = await order(kasse, day, reseller)
        made.append((kasse.clock.now().astimezone(tz).date(), o["id"]))
        kasse.clock.advance(timedelta(days=2))
    (d1, o1), (d2, o2), (d3, o3) = made
    assert await ids(kasse, reseller, f"?start_at={d2}") == [o3, o2]
    assert await ids(kasse, reseller, f"?start_at={d1}&end_at={d2}") == [o2, o1]
    assert await ids(kasse, reseller, f"?start_at={d2}&end_at={d2}") == [o2]
    assert await ids(kasse, reseller, f"?end_at={d1}") == [o1]
    assert (
        await ids(
            kasse, reseller, f"?start_at={d1 + timedelta(days=1)}&end_at={d1 + timedelta(days=1)}"
        )
        == []
    )
    assert await ids(kasse, reseller, f"?start_at={d3 + timedelta(days=1)}") == []
    r = await kasse.client.get(f"{ORDERS}?start_at={d3}&end_at={d1}", headers=reseller)
    assert r.status_code == 422, r.text
    assert "error" in r.json()


async def test_the_valid_filter(kasse, day):
    reseller = kasse.auth("reseller")
    made = await order(kasse, day, reseller)
    assert await ids(kasse, reseller, "?valid=true") == [made["id"]]
    assert await ids(kasse, reseller, "?valid=false") == []
    assert await ids(kasse, reseller) == [made["id"]]


async def test_paging(kasse, day):
    reseller = kasse.auth("reseller")
    made = [(await order(kasse, day, reseller, q))["id"] for q in range(1, 6)]
    newest_first = made[::-1]
    body = await listed(kasse, reseller, "?per_page=2")
    assert body["meta"] == {"total_count": 5, "page": 1, "per_page": 2}
    assert [o["id"] for o in body["orders"]] == newest_first[:2]
    body = await listed(kasse, reseller, "?per_page=2&page=2")
    assert body["meta"] == {"total_count": 5, "page": 2, "per_page": 2}
    assert [o["id"] for o in body["orders"]] == newest_first[2:4]
    assert await ids(kasse, reseller, "?per_page=2&page=3") == newest_first[4:]
    body = await listed(kasse, reseller, "?per_page=2&page=4")
    assert body["orders"] == []
    assert body["meta"]["total_count"] == 5
    assert await ids(kasse, reseller, "?per_page=1000") == newest_first


async def test_a_reseller_sees_only_its_own_orders(kasse, day):
    other = {"Authorization": f"Bearer {await kasse.new_token('reseller')}"}
    mine = await order(kasse, day, kasse.auth("reseller"))
    theirs = await order(kasse, day, other)
    assert await ids(kasse, kasse.auth("reseller")) == [mine["id"]]
    assert await ids(kasse, other) == [theirs["id"]]
    assert (await listed(kasse, other))["meta"]["total_count"] == 1
    # only_my_orders=false does not widen a reseller's view.
    assert await ids(kasse, other, "?only_my_orders=false") == [theirs["id"]]


async def test_a_cashpoint_sees_all_and_can_narrow_to_its_own(kasse, day):
    by_reseller = await order(kasse, day, kasse.auth("reseller"))
    by_cashpoint = await order(kasse, day, kasse.auth("cashpoint"))
    by_user = await order(kasse, day, kasse.auth("user"))
    every = [by_user["id"], by_cashpoint["id"], by_reseller["id"]]
    assert await ids(kasse, kasse.auth("cashpoint")) == every
    assert await ids(kasse, kasse.auth("cashpoint"), "?only_my_orders=true") == [by_cashpoint["id"]]
    assert await ids(kasse, kasse.auth("user")) == every
    assert await ids(kasse, kasse.auth("user"), "?only_my_orders=true") == [by_user["id"]]
    assert await ids(kasse, kasse.auth("customer")) == []


async def test_the_list_needs_a_token(kasse, day):
    await order(kasse, day, kasse.auth("reseller"))
    r = await kasse.client.get(ORDERS)
    assert r.status_code == 401, r.text
    assert "error" in r.json()
    r = await kasse.client.get(ORDERS, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401, r.text
    assert "error" in r.json()


async def test_the_detail_by_id_and_by_token(kasse, day):
    made = await order(kasse, day, kasse.auth("reseller"), 2)
    for ref in (made["id"], made["token"]):
        for who in ("reseller", "cashpoint", "user"):
            r = await kasse.client.get(f"{ORDERS}/{ref}", headers=kasse.auth(who))
            assert r.status_code == 200, r.text
            assert r.json() == {"order": made}
    assert set(made) == LIST_FIELDS | {
        "payment_status",
        "billing_address_id",
        "customer_id",
        "pay_by_link",
        "paid",
        "coupons",
        "coupon_cents",
        "amount_due_cents",
        "personalization_token",
    }


async def test_another_resellers_order_is_not_found(kasse, day):
    other = {"Authorization": f"Bearer {await kasse.new_token('reseller')}"}
    theirs = await order(kasse, day, other)
    for ref in (theirs["id"], theirs["token"]):
        for headers in (kasse.auth("reseller"), kasse.auth("customer")):
            r = await kasse.client.get(f"{ORDERS}/{ref}", headers=headers)
            assert r.status_code == 404, r.text
            assert "error" in r.json()


async def test_the_detail_needs_a_token(kasse, day):
    made = await order(kasse, day, kasse.auth("reseller"))
    for ref in (made["id"], made["token"]):
        r = await kasse.client.get(f"{ORDERS}/{ref}")
        assert r.status_code == 401, r.text
        assert "error" in r.json()
        r = await kasse.client.get(f"{ORDERS}/{ref}", headers={"Authorization": "Bearer x"})
        assert r.status_code == 401, r.text


@pytest.mark.parametrize(
    "ref",
    [
        "999",
        "0",
        "-1",
        "99999999999",
        "99999999999999999",
        "9" * 40,
        "nope",
        "x" * 64,
        "1.5",
        "²",  # a digit to str.isdigit, not to int()
        "١",  # an Arabic-Indic one: not order 1
    ],
)
async def test_unknown_orders_are_404(kasse, day, ref):
    await order(kasse, day, kasse.auth("reseller"))
    r = await kasse.client.get(f"{ORDERS}/{ref}", headers=kasse.auth("user"))
    assert r.status_code == 404, r.text
    assert "error" in r.json()


async def test_an_over_long_reference_is_refused(kasse):
    r = await kasse.client.get(f"{ORDERS}/{'x' * 65}", headers=kasse.auth("user"))
    assert r.status_code in (404, 422), r.text
    assert "error" in r.json()
