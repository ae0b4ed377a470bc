"""Coupon items in POST /orders: the price, the wire shape, one code per coupon, issued only once
the order is binding, and GET /orders/:id/coupons."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.coupons.helpers import (
    CODE,
    COUPON_PRICES,
    FLEX_PRICE,
    ORDERS,
    balance,
    bought,
    codes_of,
    coupon_item,
    finalize,
    flex_item,
    order_count,
    ordered,
    post_order,
    show,
)


async def test_a_coupon_item_has_the_specs_shape(kasse):
    order = await ordered(kasse, coupon_item(2, 2))
    assert order["total_price_cents"] == 2 * COUPON_PRICES[2]
    [sold] = order["items"]
    attributes = sold["attributes"]
    assert {k: v for k, v in sold.items() if k != "attributes"} == {
        "id": sold["id"],
        "type": "Coupon",
        "price_cents": 9000,
        "vat_pct": "0.0",
        "tax_included": True,
        "cancelled": False,
    }
    assert set(attributes) == {"id", "title", "quantity", "coupon_id", "value_cents", "barcodes"}
    assert attributes["title"] == "Gutschein 50 € zum Sonderpreis"
    assert (attributes["quantity"], attributes["coupon_id"]) == (2, 2)
    assert attributes["value_cents"] == 5000  # what each coupon pays, not what it cost
    assert [b["method"] for b in attributes["barcodes"]] == ["coupon", "coupon"]
    assert all(isinstance(b["id"], int) for b in attributes["barcodes"])
    # one code per coupon, each worth the full value
    for code in codes_of(order):
        assert await balance(kasse, code) == 5000


async def test_codes_are_unique_and_easy_to_type(kasse):
    codes = await bought(kasse, 1, 10) + await bought(kasse, 1, 10)
    assert len(set(codes)) == 20
    assert all(CODE.match(code) for code in codes), codes


async def test_coupons_and_tickets_in_one_order(kasse):
    order = await ordered(kasse, flex_item(2), coupon_item(1), who="cashpoint")
    assert order["total_price_cents"] == 2 * FLEX_PRICE + COUPON_PRICES[1]
    assert [i["type"] for i in order["items"]] == ["Ticket", "Coupon"]
    assert len(order["items"][0]["attributes"]["barcodes"]) == 2
    assert len(codes_of(order)) == 1
    assert sum(i["price_cents"] for i in order["items"]) == order["total_price_cents"]
    assert order["coupons"] == [] and order["coupon_cents"] == 0
    assert order["amount_due_cents"] == order["total_price_cents"]


async def test_the_total_must_include_the_coupons(kasse):
    r = await post_order(kasse, flex_item(), coupon_item(1), total=FLEX_PRICE)
    assert r.status_code == 422, r.text
    assert any(f"server's price {FLEX_PRICE + 2500}" in e for e in r.json()["errors"])


async def test_the_coupons_of_an_order(kasse):
    order = await ordered(kasse, flex_item(), coupon_item(1, 2), coupon_item(2))
    for ref in (order["id"], order["token"]):
        r = await kasse.client.get(f"{ORDERS}/{ref}/coupons", headers=kasse.auth())
        assert r.status_code == 200, r.text
        assert r.json() == {
            "coupons": [i["attributes"] for i in order["items"] if i["type"] == "Coupon"],
            "meta": {"total_count": 2, "page": 1, "per_page": 25},
        }
    r = await kasse.client.get(f"{ORDERS}/{order['id']}/coupons", headers=kasse.auth("two-phase"))
    assert r.status_code == 404, r.text


async def test_a_two_phase_order_gets_its_codes_at_finalize(kasse):
    created = await ordered(kasse, coupon_item(1, 2), who="two-phase")
    assert created["status"] == "created"
    assert codes_of(created) == []  # not binding yet: nothing to pay with
    r = await finalize(kasse, created["id"])  # a mere update
    assert r.status_code == 200, r.text
    assert codes_of(r.json()["order"]) == []
    r = await finalize(kasse, created["id"], completed=True)
    assert r.status_code == 200, r.text
    codes = codes_of(r.json()["order"])
    assert len(codes) == 2
    assert [await balance(kasse, c) for c in codes] == [2500, 2500]


async def test_an_expired_two_phase_order_never_gets_codes(kasse):
    created = await ordered(kasse, coupon_item(1), who="two-phase")
    kasse.clock.advance(timedelta(minutes=31))
    r = await finalize(kasse, created["id"], completed=True)
    assert r.status_code == 422, r.text
    assert codes_of(await show(kasse, created["id"], "two-phase")) == []


@pytest.mark.parametrize(
    ("item", "who", "expected"),
    [
        (coupon_item(999), "reseller", "items[0]: coupon 999 not found"),
        (coupon_item(3), "reseller", "items[0]: coupon 3 is not bookable"),
        (coupon_item(2, 6), "reseller", "items[0]: coupon 2 is sold 1 to 5 at a time, not 6"),
    ],
)
async def test_a_coupon_that_cannot_be_sold_is_422_and_nothing_is_written(
    kasse, item, who, expected
):
    before = await order_count(kasse)
    r = await post_order(kasse, item, who=who, total=0)
    assert r.status_code == 422, r.text
    assert expected in r.json()["errors"], r.json()
    assert await order_count(kasse) == before


@pytest.mark.parametrize(
    "attributes",
    [
        {"id": 1, "quantity": 0},
        {"id": 1, "quantity": -1},
        {"id": 1, "quantity": 10**6},
        {"id": 0, "quantity": 1},
        {"id": "one", "quantity": 1},
        {"id": 1},
        {"quantity": 1},
    ],
)
async def test_malformed_coupon_items_are_422(kasse, attributes):
    before = await order_count(kasse)
    body = {"items": [{"type": "Coupon", "attributes": attributes}], "total": 2500}
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth())
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    assert await order_count(kasse) == before


async def test_the_desk_sells_what_resellers_may_not(kasse):
    [code] = await bought(kasse, 3, 1, who="cashpoint")
    assert await balance(kasse, code) == 2000


async def test_a_token_limited_to_other_museums_cannot_sell_the_coupon(kasse):
    token = await kasse.new_token("cashpoint", museum_ids=[1])
    body = {"items": [coupon_item(3)], "total": 2000}
    r = await kasse.client.post(ORDERS, json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 422, r.text
    assert "items[0]: coupon 3 not found" in r.json()["errors"]
