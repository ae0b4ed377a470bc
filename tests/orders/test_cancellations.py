"""POST /orders/:id/cancellations: whole orders and single items, capacity back at once,
all or nothing, and the spec's rule that cancelling every item leaves the order itself valid."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.orders.test_finalize import (
    HOLD,
    cancel,
    combined,
    count,
    create,
    error_text,
    finalize,
    finalized,
    item,
    left,
    show,
)

from kasse.models import ReservationHold

FLOWS = ["reseller", "two-phase"]  # binding at creation / created, places held


async def three_items(kasse: Any, day: Any, who: str) -> tuple[dict[str, Any], str, str]:
    ten, eleven = kasse.local(day, "10:00"), kasse.local(day, "11:00")
    order = await create(kasse, item(3, 2, ten), item(4, 3, ten), item(11, 4, eleven), who=who)
    return order, ten, eleven


async def places(kasse: Any, ten: str, eleven: str) -> tuple[int, int]:
    """Free places of quota 1 at 10:00 and of quota 4 at 11:00."""
    return await left(kasse, 3, ten), await left(kasse, 11, eleven)


def item_ids(order: dict[str, Any]) -> list[int]:
    return [i["id"] for i in order["items"]]


def cancelled_flags(order: dict[str, Any]) -> list[bool]:
    return [i["cancelled"] for i in order["items"]]


# --- the whole order ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", FLOWS)
async def test_cancelling_the_whole_order_frees_every_place_at_once(kasse, day, who):
    order, ten, eleven = await three_items(kasse, day, who)
    assert await places(kasse, ten, eleven) == (45, 36)
    r = await cancel(kasse, order["id"], who=who)
    assert r.status_code == 200, r.text
    gone = r.json()["order"]
    assert gone["is_valid"] is False
    assert gone["status"] == "cancelled"
    assert gone["expires_at"] is None
    assert cancelled_flags(gone) == [True, True, True]
    assert await places(kasse, ten, eleven) == (50, 40)
    assert await count(kasse, ReservationHold) == 0
    assert await show(kasse, order["id"], who=who) == gone
    # Still free long after (a released sale is not counted twice, a dropped hold not again).
    kasse.clock.advance(HOLD * 2)
    assert await places(kasse, ten, eleven) == (50, 40)


@pytest.mark.parametrize("who", FLOWS)
async def test_cancelling_a_cancelled_order_is_refused_and_changes_nothing(kasse, day, who):
    order, ten, eleven = await three_items(kasse, day, who)
    r = await cancel(kasse, order["token"], who=who)
    assert r.status_code == 200, r.text
    gone = r.json()["order"]
    await create(kasse, item(3, 5, ten), who="reseller")  # someone else buys meanwhile
    kasse.clock.advance(timedelta(minutes=1))
    for ref in (order["id"], order["token"]):
        r = await cancel(kasse, ref, who=who)
        assert r.status_code == 422, r.text
        assert "already cancelled" in r.json()["error"]
        r = await cancel(kasse, ref, [order["items"][0]["id"]], who=who)
        assert r.status_code == 422, r.text
    assert await show(kasse, order["id"], who=who) == gone
    assert await places(kasse, ten, eleven) == (45, 40)


async def test_a_cancelled_created_order_cannot_be_finalized(kasse, day):
    order, ten, eleven = await three_items(kasse, day, "two-phase")
    assert (await cancel(kasse, order["id"])).status_code == 200
    r = await finalize(kasse, order["id"], completed=True)
    assert r.status_code == 422, r.text
    assert "cancelled" in r.json()["error"]
    assert await places(kasse, ten, eleven) == (50, 40)


async def test_an_expired_order_cannot_be_cancelled_any_more(kasse, day):
    order, ten, eleven = await three_items(kasse, day, "two-phase")
    kasse.clock.advance(HOLD)
    expired = await show(kasse, order["id"])
    assert expired["status"] == "cancelled"
    for ids in (None, [order["items"][0]["id"]]):
        r = await cancel(kasse, order["id"], ids)
        assert r.status_code == 422, r.text
        assert "expired" in r.json()["error"]
    assert await show(kasse, order["id"]) == expired
    assert await places(kasse, ten, eleven) == (50, 40)


async def test_a_finalized_two_phase_order_gives_back_its_sold_places(kasse, day):
    order, ten, eleven = await three_items(kasse, day, "two-phase")
    await finalized(kasse, order["id"])
    kasse.clock.advance(HOLD * 2)
    assert await places(kasse, ten, eleven) == (45, 36)
    r = await cancel(kasse, order["id"], [order["items"][1]["id"]])
    assert r.status_code == 200, r.text
    assert await places(kasse, ten, eleven) == (48, 36)
    r = await cancel(kasse, order["id"])
    assert r.status_code == 200, r.text
    assert await places(kasse, ten, eleven) == (50, 40)


# --- single items ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", FLOWS)
async def test_cancelling_an_item_leaves_the_rest_and_the_order_valid(kasse, day, who):
    order, ten, eleven = await three_items(kasse, day, who)
    _, second, third = item_ids(order)
    r = await cancel(kasse, order["id"], [second], who=who)
    assert r.status_code == 200, r.text
    after = r.json()["order"]
    assert after["is_valid"] is True
    assert after["status"] == order["status"]
    assert cancelled_flags(after) == [False, True, False]
    assert await places(kasse, ten, eleven) == (48, 36)
    r = await cancel(kasse, order["id"], [third], who=who)
    assert r.status_code == 200, r.text
    assert cancelled_flags(r.json()["order"]) == [False, True, True]
    assert await places(kasse, ten, eleven) == (48, 40)
    assert await show(kasse, order["id"], who=who) == r.json()["order"]


@pytest.mark.parametrize("who", FLOWS)
async def test_cancelling_every_item_does_not_cancel_the_order(kasse, day, who):
    order, ten, eleven = await three_items(kasse, day, who)
    for expected, item_id in zip(((47, 36), (50, 36), (50, 40)), item_ids(order), strict=True):
        r = await cancel(kasse, order["id"], [item_id], who=who)
        assert r.status_code == 200, r.text
        assert await places(kasse, ten, eleven) == expected
    after = await show(kasse, order["id"], who=who)
    assert cancelled_flags(after) == [True, True, True]
    assert after["is_valid"] is True
    assert after["status"] == order["status"]
    # Cancelling the order itself is a separate call, and it frees nothing twice.
    r = await cancel(kasse, order["id"], who=who)
    assert r.status_code == 200, r.text
    assert (r.json()["order"]["is_valid"], r.json()["order"]["status"]) == (False, "cancelled")
    assert await places(kasse, ten, eleven) == (50, 40)


async def test_several_items_at_once(kasse, day):
    order, ten, eleven = await three_items(kasse, day, "reseller")
    first, _, third = item_ids(order)
    r = await cancel(kasse, order["id"], [third, first, first], who="reseller")
    assert r.status_code == 200, r.text
    assert cancelled_flags(r.json()["order"]) == [True, False, True]
    assert await places(kasse, ten, eleven) == (47, 40)


@pytest.mark.parametrize("who", FLOWS)
async def test_an_already_cancelled_item_is_refused_and_nothing_changes(kasse, day, who):
    order, ten, eleven = await three_items(kasse, day, who)
    first, second, third = item_ids(order)
    assert (await cancel(kasse, order["id"], [first], who=who)).status_code == 200
    before = await show(kasse, order["id"], who=who)
    for ids in ([first], [second, first], [first, third]):
        r = await cancel(kasse, order["id"], ids, who=who)
        assert r.status_code == 422, r.text
        assert f"order item {first} is already cancelled" in error_text(r)
        assert await show(kasse, order["id"], who=who) == before
        assert await places(kasse, ten, eleven) == (47, 36)


@pytest.mark.parametrize("who", FLOWS)
async def test_items_of_another_order_are_refused_and_nothing_changes(kasse, day, who):
    order, ten, eleven = await three_items(kasse, day, who)
    other = await create(kasse, item(3, 1, ten), who=who)
    foreign = other["items"][0]["id"]
    mine = order["items"][0]["id"]
    for ids in ([foreign], [mine, foreign], [999999], [mine, 999999]):
        r = await cancel(kasse, order["id"], ids, who=who)
        assert r.status_code == 422, r.text
        assert "does not belong" in error_text(r)
    assert await show(kasse, order["id"], who=who) == order
    assert await show(kasse, other["id"], who=who) == other
    assert await places(kasse, ten, eleven) == (44, 36)


async def test_an_empty_item_list_is_refused(kasse, day):
    order, _, _ = await three_items(kasse, day, "reseller")
    r = await kasse.client.post(
        f"/api/v4/orders/{order['id']}/cancellations",
        json={"order_item_ids": []},
        headers=kasse.auth("reseller"),
    )
    assert r.status_code == 422, r.text
    assert await show(kasse, order["id"], who="reseller") == order


async def test_a_created_order_finalized_after_an_item_cancellation(kasse, day):
    order, ten, eleven = await three_items(kasse, day, "two-phase")
    third = item_ids(order)[2]
    assert (await cancel(kasse, order["id"], [third])).status_code == 200
    done = await finalized(kasse, order["id"])
    assert done["status"] == "finalized"
    assert [len(i["attributes"]["barcodes"]) for i in done["items"]] == [2, 3, 0]
    kasse.clock.advance(HOLD * 2)
    assert await places(kasse, ten, eleven) == (45, 40)


# --- combined tickets -----------------------------------------------------------------------------


async def combined_places(kasse: Any, day: Any) -> tuple[int, int, int]:
    """Main quota 5 (ticket 6 at 10:00), quota 1 (sub 61 at 10:00), quota 4 (sub 62 at 11:30)."""
    return (
        await left(kasse, 6, kasse.local(day, "10:00")),
        await left(kasse, 61, kasse.local(day, "10:00")),
        await left(kasse, 62, kasse.local(day, "11:30")),
    )


@pytest.mark.parametrize("who", FLOWS)
@pytest.mark.parametrize("whole", [True, False])
async def test_a_combined_ticket_gives_back_every_quota(kasse, day, who, whole):
    order = await create(
        kasse, combined(kasse, day, 2), item(3, 1, kasse.local(day, "10:00")), who=who
    )
    assert await combined_places(kasse, day) == (98, 47, 38)
    ids = None if whole else [order["items"][0]["id"]]
    r = await cancel(kasse, order["id"], ids, who=who)
    assert r.status_code == 200, r.text
    assert await combined_places(kasse, day) == (100, 49 if not whole else 50, 40)


# --- who may cancel -------------------------------------------------------------------------------


async def test_who_may_cancel(kasse, day):
    order, ten, eleven = await three_items(kasse, day, "reseller")
    url = f"/api/v4/orders/{order['id']}/cancellations"
    r = await kasse.client.post(url)
    assert r.status_code == 401, r.text
    r = await kasse.client.post(url, headers=kasse.auth("customer"))
    assert r.status_code == 403, r.text
    r = await kasse.client.post(url, headers=kasse.auth("two-phase"))  # another reseller
    assert r.status_code == 404, r.text
    r = await kasse.client.post("/api/v4/orders/999999/cancellations", headers=kasse.auth())
    assert r.status_code == 404, r.text
    assert await show(kasse, order["id"], who="reseller") == order
    assert await places(kasse, ten, eleven) == (45, 36)
    # The back office (user, cash point) sees every order and may cancel it.
    r = await kasse.client.post(url, headers=kasse.auth("cashpoint"))
    assert r.status_code == 200, r.text
    assert await places(kasse, ten, eleven) == (50, 40)


async def test_freed_places_can_be_sold_again(kasse, day):
    ten = kasse.local(day, "10:00")
    full = await create(kasse, *[item(3, 10, ten)] * 5, who="reseller")
    r = await kasse.client.post(
        "/api/v4/orders",
        json={"items": [item(4, 3, ten)], "total": 2100},
        headers=kasse.auth("reseller"),
    )
    assert r.status_code == 422, r.text
    assert (
        await cancel(kasse, full["id"], [full["items"][2]["id"]], who="reseller")
    ).status_code == 200
    assert await left(kasse, 3, ten) == 10
    await create(kasse, item(4, 10, ten), who="reseller")
    assert await left(kasse, 3, ten) == 0
