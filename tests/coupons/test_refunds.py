"""What coupons get back: cancelled orders and items, two-phase orders that expire (no sweeper
needed), finalize and pay by link; and cancelling the coupons themselves.

The rule for cancellations: afterwards the coupons keep at most what the order's items that are
not cancelled cost, and the value goes back to them in reverse order of use.
"""

from __future__ import annotations

from datetime import timedelta

from kasse.orders.housekeeping import tidy_once
from tests.coupons.helpers import (
    FLEX_PRICE,
    balance,
    balances,
    bought,
    cancel,
    coupon_item,
    finalize,
    flex_item,
    ordered,
    payment,
    post_order,
    show,
)

HOLD = timedelta(minutes=30)  # settings.order_hold_minutes
PAY_BY_LINK = timedelta(minutes=60)  # settings.pay_by_link_minutes


async def test_cancelling_the_order_gives_every_coupon_its_value_back(kasse):
    [small] = await bought(kasse, 1)
    [big] = await bought(kasse, 2)
    order = await ordered(kasse, flex_item(3), coupons=[small, big])
    assert await balances(kasse, [small, big]) == [0, 3000]
    r = await cancel(kasse, order["id"])
    assert r.status_code == 200, r.text
    assert payment(r.json()["order"]) == ([(small, 0), (big, 0)], 0, 0)
    assert await balances(kasse, [small, big]) == [2500, 5000]


async def test_cancelling_items_gives_back_last_coupon_first(kasse):
    [small] = await bought(kasse, 1)
    [big] = await bought(kasse, 2)
    order = await ordered(kasse, flex_item(1), flex_item(2), coupons=[small, big])  # 45 €
    assert payment(order) == ([(small, 2500), (big, 2000)], 4500, 0)
    first, second = (i["id"] for i in order["items"])
    # 15 € of items remain: the coupons keep 15 €, the big one (used last) gets its 20 € back
    # first, then the small one 10 €.
    r = await cancel(kasse, order["id"], [second])
    assert r.status_code == 200, r.text
    assert payment(r.json()["order"]) == ([(small, 1500), (big, 0)], 1500, 0)
    assert await balances(kasse, [small, big]) == [1000, 5000]
    r = await cancel(kasse, order["id"], [first])
    assert payment(r.json()["order"]) == ([(small, 0), (big, 0)], 0, 0)
    assert await balances(kasse, [small, big]) == [2500, 5000]


async def test_cancelling_an_item_the_coupons_did_not_pay_for_keeps_them_spent(kasse):
    [code] = await bought(kasse, 1)
    order = await ordered(kasse, flex_item(1), flex_item(2), coupons=[code])  # 45 €, 25 € coupon
    r = await cancel(kasse, order["id"], [order["items"][0]["id"]])  # 30 € remain
    assert payment(r.json()["order"]) == ([(code, 2500)], 2500, 500)
    assert await balance(kasse, code) == 0


async def test_a_failed_cancellation_gives_nothing_back(kasse):
    [code] = await bought(kasse, 1)
    order = await ordered(kasse, flex_item(2), coupons=[code])
    r = await cancel(kasse, order["id"], [order["items"][0]["id"], 999999])
    assert r.status_code == 422, r.text
    assert await balance(kasse, code) == 0


# --- two-phase orders ---------------------------------------------------------------------------


async def test_a_created_order_holds_its_coupons_until_it_expires(kasse):
    [code] = await bought(kasse, 1)
    created = await ordered(kasse, flex_item(), coupons=[code], who="two-phase")
    assert payment(created) == ([(code, FLEX_PRICE)], FLEX_PRICE, 0)
    assert await balance(kasse, code) == 1000
    kasse.clock.advance(HOLD - timedelta(seconds=1))
    assert await balance(kasse, code) == 1000
    kasse.clock.advance(timedelta(seconds=1))
    # no sweeper has run: the hold simply no longer counts
    assert await balance(kasse, code) == 2500
    assert payment(await show(kasse, created["id"], "two-phase")) == ([(code, 0)], 0, 0)
    assert await tidy_once(kasse.instance, kasse.clock) == 1
    assert await balance(kasse, code) == 2500
    kasse.clock.advance(timedelta(days=1))
    assert await balance(kasse, code) == 2500


async def test_finalize_makes_the_payment_permanent(kasse):
    [code] = await bought(kasse, 1)
    created = await ordered(kasse, flex_item(), coupons=[code], who="two-phase")
    r = await finalize(kasse, created["id"], completed=True)
    assert r.status_code == 200, r.text
    assert payment(r.json()["order"]) == ([(code, FLEX_PRICE)], FLEX_PRICE, 0)
    kasse.clock.advance(HOLD * 10)
    assert await balance(kasse, code) == 1000


async def test_pay_by_link_holds_the_coupons_as_long_as_the_places(kasse):
    [code] = await bought(kasse, 1)
    created = await ordered(kasse, flex_item(), coupons=[code], who="two-phase")
    r = await finalize(kasse, created["id"], pay_by_link=True)
    assert r.status_code == 200, r.text
    kasse.clock.advance(HOLD + timedelta(minutes=1))
    assert await balance(kasse, code) == 1000
    kasse.clock.advance(PAY_BY_LINK - HOLD)
    assert await balance(kasse, code) == 2500


async def test_cancelling_a_created_order_gives_the_held_value_back(kasse):
    [code] = await bought(kasse, 1)
    created = await ordered(kasse, flex_item(), coupons=[code], who="two-phase")
    r = await cancel(kasse, created["id"], who="two-phase")
    assert r.status_code == 200, r.text
    assert await balance(kasse, code) == 2500


async def test_an_expired_hold_may_be_spent_by_another_order(kasse):
    [code] = await bought(kasse, 1)
    created = await ordered(kasse, flex_item(), coupons=[code], who="two-phase")
    kasse.clock.advance(HOLD)
    other = await ordered(kasse, flex_item(2), coupons=[code])
    assert payment(other)[1] == 2500
    # A finalize that started just before the expiry but got the coupon's lock only after the
    # other order took its value must not make the coupon pay twice.
    kasse.clock.advance(-timedelta(seconds=1))
    r = await finalize(kasse, created["id"], completed=True)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [f"coupon {code} no longer covers its part of this order"]
    kasse.clock.advance(timedelta(seconds=1))
    assert await balance(kasse, code) == 0


# --- cancelling sold coupons --------------------------------------------------------------------


async def test_a_cancelled_coupon_can_neither_be_looked_up_nor_pay(kasse):
    order = await ordered(kasse, flex_item(), coupon_item(1, 2))
    codes = [b["barcode"] for b in order["items"][1]["attributes"]["barcodes"]]
    r = await cancel(kasse, order["id"], [order["items"][1]["id"]])
    assert r.status_code == 200, r.text
    assert await balances(kasse, codes) == [None, None]
    r = await post_order(kasse, flex_item(), coupons=codes[:1])
    assert r.status_code == 422
    assert r.json()["errors"] == [f"coupons[0]: coupon {codes[0]} not found"]


async def test_a_cancelled_order_voids_its_coupons(kasse):
    order = await ordered(kasse, coupon_item(1))
    [code] = [b["barcode"] for b in order["items"][0]["attributes"]["barcodes"]]
    assert (await cancel(kasse, order["id"])).status_code == 200
    assert await balance(kasse, code) is None


async def test_a_coupon_that_paid_another_order_cannot_be_cancelled(kasse):
    sale = await ordered(kasse, coupon_item(1))
    [code] = [b["barcode"] for b in sale["items"][0]["attributes"]["barcodes"]]
    spender = await ordered(kasse, flex_item(), coupons=[code])
    for item_ids in ([sale["items"][0]["id"]], None):
        r = await cancel(kasse, sale["id"], item_ids)
        assert r.status_code == 422, r.text
        assert r.json()["errors"] == [
            f"order item {sale['items'][0]['id']}: coupon {code} already paid 1500 cents of "
            "another order; cancel that order first"
        ]
    assert await balance(kasse, code) == 1000
    assert (await cancel(kasse, spender["id"])).status_code == 200
    assert (await cancel(kasse, sale["id"], [sale["items"][0]["id"]])).status_code == 200
    assert await balance(kasse, code) is None


async def test_a_held_payment_blocks_the_cancellation_until_it_expires(kasse):
    sale = await ordered(kasse, coupon_item(1))
    [code] = [b["barcode"] for b in sale["items"][0]["attributes"]["barcodes"]]
    await ordered(kasse, flex_item(), coupons=[code], who="two-phase")
    assert (await cancel(kasse, sale["id"])).status_code == 422
    kasse.clock.advance(HOLD)
    assert (await cancel(kasse, sale["id"])).status_code == 200
