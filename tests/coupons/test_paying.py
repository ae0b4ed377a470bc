"""Paying with coupons: the lookup, each coupon in turn giving what it can, and every refusal
leaving orders and balances as they were."""

from __future__ import annotations

from typing import Any

import pytest

from tests.coupons.helpers import (
    FLEX_PRICE,
    LOOKUP,
    ORDERS,
    balance,
    balances,
    bought,
    codes_of,
    coupon_item,
    finalize,
    flex_item,
    lookup,
    order_count,
    ordered,
    payment,
    post_order,
    show,
)

# --- the lookup -------------------------------------------------------------------------------


async def test_the_lookup_answers_the_remaining_value(kasse):
    [code] = await bought(kasse, 2)
    r = await lookup(kasse, code)
    assert r.status_code == 200, r.text
    assert r.json() == {"coupon_sale": {"id": None, "is_valid": True, "value_cents": 5000}}
    r = await lookup(kasse, code, who=None)  # a shop without a token asks too
    assert r.json()["coupon_sale"]["value_cents"] == 5000


async def test_the_lookup_forgives_how_a_code_is_typed(kasse):
    [code] = await bought(kasse, 1)
    for typed in (code.lower(), f"{code[:5]}-{code[5:]}", f"{code[:3]} {code[3:7]} {code[7:]}"):
        r = await kasse.client.get(f"{LOOKUP}/{typed}", headers=kasse.auth("user"))
        assert r.status_code == 200, (typed, r.text)


@pytest.mark.parametrize("typed", ["UNKNOWN234", "2345678923", "x", "%20", "-"])
async def test_an_unknown_code_is_404(kasse, typed):
    await bought(kasse, 1)
    r = await kasse.client.get(f"{LOOKUP}/{typed}", headers=kasse.auth("user"))
    assert r.status_code == 404, r.text
    assert isinstance(r.json()["error"], str)


@pytest.mark.parametrize(("typed", "status"), [("A" * 60, 422), ("AB%00CD", 422), ("A/B", 404)])
async def test_odd_codes_are_clear_4xx(kasse, typed, status):
    r = await kasse.client.get(f"{LOOKUP}/{typed}", headers=kasse.auth("user"))
    assert r.status_code == status, r.text
    assert "error" in r.json()


# --- paying -----------------------------------------------------------------------------------


async def test_a_coupon_worth_more_than_the_order_keeps_the_rest(kasse):
    [code] = await bought(kasse, 1)
    order = await ordered(kasse, flex_item(), coupons=[code])
    assert order["total_price_cents"] == FLEX_PRICE  # the price of the items, coupons or not
    assert [i["price_cents"] for i in order["items"]] == [FLEX_PRICE]
    assert payment(order) == ([(code, FLEX_PRICE)], FLEX_PRICE, 0)
    assert await balance(kasse, code) == 2500 - FLEX_PRICE
    assert await show(kasse, order["id"]) == order


async def test_a_coupon_worth_less_pays_part_and_is_used_up(kasse):
    [code] = await bought(kasse, 1)
    order = await ordered(kasse, flex_item(2), coupons=[code])
    assert payment(order) == ([(code, 2500)], 2500, 2 * FLEX_PRICE - 2500)
    assert await balance(kasse, code) == 0
    r = await lookup(kasse, code)
    assert r.json() == {"coupon_sale": {"id": None, "is_valid": True, "value_cents": 0}}


@pytest.mark.parametrize("first_the_big_one", [False, True])
async def test_several_coupons_pay_in_the_order_given(kasse, first_the_big_one):
    [small] = await bought(kasse, 1)  # 25 €
    [big] = await bought(kasse, 2)  # 50 €
    codes = [big, small] if first_the_big_one else [small, big]
    order = await ordered(kasse, flex_item(4), coupons=codes)  # 60 €
    if first_the_big_one:
        assert payment(order) == ([(big, 5000), (small, 1000)], 6000, 0)
        assert await balances(kasse, [small, big]) == [1500, 0]
    else:
        assert payment(order) == ([(small, 2500), (big, 3500)], 6000, 0)
        assert await balances(kasse, [small, big]) == [0, 1500]


async def test_the_rest_of_a_coupon_pays_a_later_order(kasse):
    [code] = await bought(kasse, 2)
    for left in (3500, 2000, 500):
        await ordered(kasse, flex_item(), coupons=[code])
        assert await balance(kasse, code) == left
    order = await ordered(kasse, flex_item(), coupons=[code], who="cashpoint")
    assert payment(order) == ([(code, 500)], 500, FLEX_PRICE - 500)
    assert await balance(kasse, code) == 0


async def test_a_code_may_be_typed_loosely_in_an_order_too(kasse):
    [code] = await bought(kasse, 1)
    order = await ordered(kasse, flex_item(), coupons=[f" {code[:5].lower()}-{code[5:]} "])
    assert payment(order)[0] == [(code, FLEX_PRICE)]


async def test_coupons_pay_for_coupons(kasse):
    [old] = await bought(kasse, 2)
    order = await ordered(kasse, coupon_item(1), coupons=[old])
    assert payment(order) == ([(old, 2500)], 2500, 0)
    [new] = [b["barcode"] for b in order["items"][0]["attributes"]["barcodes"]]
    assert await balances(kasse, [old, new]) == [2500, 2500]


# --- refusals: a 422 that names the coupon, and nothing changed ---------------------------------


async def refused(
    kasse: Any, items: list[dict[str, Any]], coupons: Any, watched: list[str]
) -> dict[str, Any]:
    before = (await order_count(kasse), await balances(kasse, watched))
    r = await post_order(kasse, *items, coupons=coupons)
    assert 400 <= r.status_code < 500, r.text
    assert (await order_count(kasse), await balances(kasse, watched)) == before
    body: dict[str, Any] = r.json()
    assert isinstance(body["error"], str)
    return body


async def test_an_unknown_code(kasse):
    [code] = await bought(kasse, 1)
    body = await refused(kasse, [flex_item()], [code, "ZZZZZZZZZZ"], [code])
    assert body["errors"] == ["coupons[1]: coupon ZZZZZZZZZZ not found"]


async def test_the_same_code_twice(kasse):
    [code] = await bought(kasse, 1)
    body = await refused(kasse, [flex_item(4)], [code, code.lower()], [code])
    assert body["errors"] == [f"coupons[1]: coupon {code.lower()} is given more than once"]


async def test_a_used_up_coupon(kasse):
    [used, fresh] = await bought(kasse, 1, 2)
    await ordered(kasse, flex_item(2), coupons=[used])
    body = await refused(kasse, [flex_item()], [used, fresh], [used, fresh])
    assert body["errors"] == [f"coupons[0]: coupon {used} has no value left"]


async def test_a_coupon_more_than_needed(kasse):
    [first, second] = await bought(kasse, 1, 2)
    body = await refused(kasse, [flex_item()], [first, second], [first, second])
    assert body["errors"] == [
        f"coupons[1]: coupon {second} is not needed: the coupons before it pay the total"
    ]


async def test_coupon_problems_come_with_the_items_problems(kasse):
    [code] = await bought(kasse, 1)
    body = await refused(kasse, [coupon_item(999)], [code, "NOPE"], [code])
    assert body["errors"] == [
        "items[0]: coupon 999 not found",
        "coupons[1]: coupon NOPE not found",
    ]


@pytest.mark.parametrize(
    "coupons",
    [
        ["A" * 60],
        [""],
        [None],
        [12345],
        "SUMMER",
        {"code": "X"},
        ["ok"] * 51,
    ],
)
async def test_malformed_coupon_lists(kasse, coupons):
    [code] = await bought(kasse, 1)
    body = await refused(kasse, [flex_item()], coupons, [code])
    assert "errors" in body


async def test_a_nul_character_in_a_code(kasse):
    [code] = await bought(kasse, 1)
    before = (await order_count(kasse), await balance(kasse, code))
    raw = '{"items": [{"type": "Ticket", "attributes": {"id": 7, "quantity": 1}}], '
    raw += f'"coupons": ["{code}\\u0000"], "total": 1500}}'
    r = await kasse.client.post(
        ORDERS, content=raw, headers={**kasse.auth(), "Content-Type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert (await order_count(kasse), await balance(kasse, code)) == before


async def test_a_coupon_pays_once_the_order_that_sold_it_is_binding(kasse):
    created = await ordered(kasse, coupon_item(1), who="two-phase")
    assert codes_of(created) == []  # nothing to pay with, not even for its own order
    r = await finalize(kasse, created["id"], completed=True)
    assert r.status_code == 200, r.text
    [code] = codes_of(r.json()["order"])
    order = await ordered(kasse, flex_item(), coupons=[code])
    assert payment(order)[1] == FLEX_PRICE
