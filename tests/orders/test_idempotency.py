"""The Idempotency-Key header on POST /orders, finalize and cancellations: a retry with the same
key and body gets the first answer again; the work is done once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from tests.helpers import postgres_only
from tests.orders.test_finalize import (
    CUSTOMER,
    ORDERS,
    PAYMENT,
    cancel,
    count,
    create,
    finalize,
    item,
    left,
    post_order,
    show,
)

from kasse.core.idempotency import _lock_id
from kasse.core.ids import hash_token
from kasse.models import ApiToken, Customer, IdempotencyKey, Order, Payment

REPLAYED = "Idempotent-Replayed"


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


async def all_orders(kasse: Any) -> int:
    return await count(kasse, Order)


async def token_id(kasse: Any, who: str) -> int:
    async with kasse.instance.read_sessions() as session:
        row = await session.scalar(
            select(ApiToken.id).where(ApiToken.token_hash == hash_token(kasse.tokens[who]))
        )
    assert row is not None
    return int(row)


# --- POST /orders ---------------------------------------------------------------------------------


async def test_a_retried_order_is_created_once(kasse, day):
    ten = kasse.local(day, "10:00")
    first = await post_order(kasse, item(3, 2, ten), who="reseller", **key("order-1"))
    assert first.status_code == 200, first.text
    assert REPLAYED not in first.headers
    for _ in range(2):
        again = await post_order(kasse, item(3, 2, ten), who="reseller", **key("order-1"))
        assert again.status_code == 200, again.text
        assert again.headers[REPLAYED] == "true"
        assert again.json() == first.json()
    assert await all_orders(kasse) == 1
    assert await left(kasse, 3, ten) == 48


async def test_a_two_phase_order_is_created_once(kasse, day):
    ten = kasse.local(day, "10:00")
    first = await post_order(kasse, item(3, 2, ten), **key("k"))
    again = await post_order(kasse, item(3, 2, ten), **key("k"))
    assert first.status_code == again.status_code == 200, again.text
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert await all_orders(kasse) == 1
    assert await left(kasse, 3, ten) == 48


async def test_the_same_key_with_another_body_is_refused(kasse, day):
    ten = kasse.local(day, "10:00")
    first = await post_order(kasse, item(3, 2, ten), who="reseller", **key("order-1"))
    assert first.status_code == 200, first.text
    r = await post_order(kasse, item(3, 3, ten), who="reseller", **key("order-1"))
    assert r.status_code == 422, r.text
    assert "Idempotency-Key" in r.json()["error"]
    assert await all_orders(kasse) == 1
    assert await left(kasse, 3, ten) == 48


async def test_keys_belong_to_their_token(kasse, day):
    ten = kasse.local(day, "10:00")
    mine = await post_order(kasse, item(3, 2, ten), who="reseller", **key("shared"))
    theirs = await post_order(kasse, item(3, 2, ten), who="cashpoint", **key("shared"))
    assert mine.status_code == theirs.status_code == 200, theirs.text
    assert REPLAYED not in theirs.headers
    assert mine.json()["order"]["id"] != theirs.json()["order"]["id"]
    # another body under the same key is fine for another token, too
    other = await post_order(kasse, item(3, 1, ten), who="two-phase", **key("shared"))
    assert other.status_code == 200, other.text
    assert await all_orders(kasse) == 3
    assert await left(kasse, 3, ten) == 45


async def test_a_failed_request_is_not_remembered(kasse, day):
    ten = kasse.local(day, "10:00")
    full = await create(kasse, *[item(3, 10, ten)] * 5, who="reseller")
    r = await post_order(kasse, item(4, 2, ten), who="reseller", **key("retry-me"))
    assert r.status_code == 422, r.text
    r = await post_order(kasse, item(4, 2, ten), who="reseller", **key("retry-me"))
    assert r.status_code == 422, r.text  # ran again (still sold out), not replayed
    assert REPLAYED not in r.headers
    assert await count(kasse, IdempotencyKey) == 0
    assert (await cancel(kasse, full["id"], who="reseller")).status_code == 200
    r = await post_order(kasse, item(4, 2, ten), who="reseller", **key("retry-me"))
    assert r.status_code == 200, r.text
    assert REPLAYED not in r.headers
    assert await left(kasse, 3, ten) == 48


async def test_a_request_without_a_key_is_not_deduplicated(kasse, day):
    ten = kasse.local(day, "10:00")
    for _ in range(2):
        r = await post_order(kasse, item(3, 1, ten), who="reseller")
        assert r.status_code == 200, r.text
    assert await all_orders(kasse) == 2
    assert await count(kasse, IdempotencyKey) == 0


async def test_an_over_long_key_is_refused(kasse, day):
    r = await post_order(
        kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller", **key("k" * 201)
    )
    assert r.status_code == 422, r.text
    assert await all_orders(kasse) == 0


async def test_a_key_used_for_another_endpoint_is_refused(kasse, day):
    created = await post_order(kasse, item(3, 1, kasse.local(day, "10:00")), **key("one"))
    order = created.json()["order"]
    r = await finalize(kasse, order["id"], headers=key("one"), completed=True)
    assert r.status_code == 422, r.text
    assert "Idempotency-Key" in r.json()["error"]
    assert (await show(kasse, order["id"]))["status"] == "created"


# --- finalize -------------------------------------------------------------------------------------


async def test_a_retried_finalize_replays_instead_of_failing(kasse, day):
    ten = kasse.local(day, "10:00")
    order = await create(kasse, item(3, 2, ten))
    body = {"customer": CUSTOMER, "payment": PAYMENT, "completed": True}
    first = await finalize(kasse, order["id"], headers=key("fin-1"), **body)
    assert first.status_code == 200, first.text
    again = await finalize(kasse, order["id"], headers=key("fin-1"), **body)
    assert again.status_code == 200, again.text
    assert again.headers[REPLAYED] == "true"
    assert again.json() == first.json()
    assert await count(kasse, Payment) == 1
    assert await count(kasse, Customer) == 1
    r = await kasse.client.get(f"{ORDERS}/{order['id']}/invoices", headers=kasse.auth("two-phase"))
    assert len(r.json()["invoices"]) == 1
    assert r.json()["invoices"][0]["number"].endswith("-000001")
    # Without the key (or with a new one) it is a second finalize: refused.
    for headers in ({}, key("fin-2")):
        r = await finalize(kasse, order["id"], headers=headers, **body)
        assert r.status_code == 422, r.text
    # The same key with another body is refused as well.
    r = await finalize(kasse, order["id"], headers=key("fin-1"), completed=True)
    assert r.status_code == 422, r.text
    assert "Idempotency-Key" in r.json()["error"]
    assert await show(kasse, order["id"]) == first.json()["order"]


async def test_a_failed_finalize_runs_again_on_retry(kasse, day):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(kasse, order["id"], headers=key("pbl"), pay_by_link=True)
    assert r.status_code == 422, r.text  # no customer email yet
    r = await finalize(kasse, order["id"], customer=CUSTOMER)
    assert r.status_code == 200, r.text
    r = await finalize(kasse, order["id"], headers=key("pbl"), pay_by_link=True)
    assert r.status_code == 200, r.text
    assert r.json()["order"]["pay_by_link"] is True


# --- cancellations --------------------------------------------------------------------------------


async def test_a_retried_cancellation_replays(kasse, day):
    ten = kasse.local(day, "10:00")
    order = await create(kasse, item(3, 2, ten), item(4, 1, ten), who="reseller")
    first = await cancel(kasse, order["id"], who="reseller", headers=key("c-1"))
    assert first.status_code == 200, first.text
    again = await cancel(kasse, order["id"], who="reseller", headers=key("c-1"))
    assert again.status_code == 200, again.text
    assert again.headers[REPLAYED] == "true"
    assert again.json() == first.json()
    assert await left(kasse, 3, ten) == 50
    r = await cancel(kasse, order["id"], who="reseller")
    assert r.status_code == 422, r.text


async def test_a_retried_item_cancellation_frees_the_places_once(kasse, day):
    ten = kasse.local(day, "10:00")
    order = await create(kasse, item(3, 2, ten), item(4, 1, ten), who="reseller")
    ids = [order["items"][0]["id"]]
    for _ in range(3):
        r = await cancel(kasse, order["id"], ids, who="reseller", headers=key("c-2"))
        assert r.status_code == 200, r.text
        assert await left(kasse, 3, ten) == 49
    r = await cancel(kasse, order["id"], [order["items"][1]["id"]], "reseller", key("c-2"))
    assert r.status_code == 422, r.text
    assert await left(kasse, 3, ten) == 49


# --- in flight ------------------------------------------------------------------------------------


@postgres_only
async def test_a_retry_while_the_first_request_runs_is_a_conflict(kasse, day):
    """The first request holds the key's advisory lock until it commits; a second one meanwhile
    must not do the work again, nor wait: 409 at once."""
    ten = kasse.local(day, "10:00")
    lock = _lock_id(await token_id(kasse, "reseller"), "in-flight")
    async with kasse.instance.write_engine.connect() as other:
        await other.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock})
        r = await post_order(kasse, item(3, 2, ten), who="reseller", **key("in-flight"))
        assert r.status_code == 409, r.text
        assert "in progress" in r.json()["error"]
        # other tokens and other keys are not held up
        r = await post_order(kasse, item(3, 1, ten), who="cashpoint", **key("in-flight"))
        assert r.status_code == 200, r.text
        r = await post_order(kasse, item(3, 1, ten), who="reseller", **key("another"))
        assert r.status_code == 200, r.text
        order = r.json()["order"]
        r = await cancel(kasse, order["id"], who="reseller", headers=key("in-flight"))
        assert r.status_code == 409, r.text
        await other.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock})
        await other.commit()
    assert await all_orders(kasse) == 2
    assert (await show(kasse, order["id"], who="reseller"))["is_valid"] is True
    assert await left(kasse, 3, ten) == 48
    r = await post_order(kasse, item(3, 2, ten), who="reseller", **key("in-flight"))
    assert r.status_code == 200, r.text
    assert await left(kasse, 3, ten) == 46
