"""The two-phase flow through HTTP: created orders hold places, finalize makes them binding,
pay by link keeps them a while longer, and an order never finalized gives its places back.

The small helpers at the top are shared by the other lifecycle test modules.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from tests.helpers import postgres_only

from kasse.models import (
    Barcode,
    Customer,
    Order,
    OrderItem,
    OutboxMessage,
    Payment,
    ReservationHold,
)
from kasse.orders.housekeeping import tidy_once
from kasse.orders.lifecycle import expire_orders

ORDERS = "/api/v4/orders"
PRICES = {1: 1200, 3: 1400, 4: 700, 6: 1900, 9: 2400, 11: 1000}
HOLD = timedelta(minutes=30)  # settings.order_hold_minutes
PAY_BY_LINK = timedelta(minutes=60)  # settings.pay_by_link_minutes

CUSTOMER = {
    "foreign_id": "SF-12345",
    "name": "Schmidt",
    "surname": "Lukas",
    "email": "lukas@example.com",
    "language": "Deutsch",
    "addr_street": "Beispielallee 12",
    "addr_zip": "10115",
    "addr_city": "Berlin",
    "addr_country": "Deutschland",
}
PAYMENT = {
    "payment_id": "PAY-9988-7766",
    "provider_id": "creditcard",
    "provider_name": "VISA",
    "message": "captured by reseller portal",
}


# --- helpers (imported by the other lifecycle test modules) -----------------------------------


def item(ticket_id: int, quantity: int, time: str, **attributes: Any) -> dict[str, Any]:
    return {
        "type": "Ticket",
        "attributes": {"id": ticket_id, "quantity": quantity, "time": time, **attributes},
    }


def combined(kasse: Any, day: Any, quantity: int = 1) -> dict[str, Any]:
    """Ticket 6 at 10:00: sub ticket 61 (quota 1) at 10:00, sub ticket 62 (quota 4) at 11:30."""
    subs = {"61": kasse.local(day, "10:00"), "62": kasse.local(day, "11:30")}
    return item(6, quantity, kasse.local(day, "10:00"), sub_ticket_times=subs)


def total_of(items: tuple[dict[str, Any], ...]) -> int:
    return sum(PRICES[i["attributes"]["id"]] * i["attributes"]["quantity"] for i in items)


async def post_order(
    kasse: Any, *items: dict[str, Any], who: str = "two-phase", **headers: str
) -> httpx.Response:
    body = {"items": list(items), "total": total_of(items)}
    return await kasse.client.post(ORDERS, json=body, headers=kasse.auth(who) | headers)


async def create(kasse: Any, *items: dict[str, Any], who: str = "two-phase") -> dict[str, Any]:
    r = await post_order(kasse, *items, who=who)
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


async def show(kasse: Any, ref: Any, who: str = "two-phase") -> dict[str, Any]:
    r = await kasse.client.get(f"{ORDERS}/{ref}", headers=kasse.auth(who))
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


async def finalize(
    kasse: Any,
    ref: Any,
    who: str = "two-phase",
    headers: dict[str, str] | None = None,
    **order: Any,
) -> httpx.Response:
    return await kasse.client.post(
        f"{ORDERS}/{ref}/finalize",
        json={"order": order},
        headers=kasse.auth(who) | (headers or {}),
    )


async def finalized(kasse: Any, ref: Any, who: str = "two-phase", **order: Any) -> dict[str, Any]:
    body = {"customer": CUSTOMER, "payment": PAYMENT, "completed": True} | order
    r = await finalize(kasse, ref, who=who, **body)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["order"]
    return result


async def cancel(
    kasse: Any,
    ref: Any,
    item_ids: list[int] | None = None,
    who: str = "two-phase",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = None if item_ids is None else {"order_item_ids": item_ids}
    return await kasse.client.post(
        f"{ORDERS}/{ref}/cancellations", json=body, headers=kasse.auth(who) | (headers or {})
    )


async def left(kasse: Any, ticket_id: int, start_at: str) -> int:
    """Free places of a ticket at one slot, as the public capacity endpoint reports them."""
    r = await kasse.client.get(
        f"/api/v4/tickets/{ticket_id}/capacity", params={"date": start_at[:10]}
    )
    assert r.status_code == 200, r.text
    return int(r.json()["data"].get(start_at, 0))


def local(kasse: Any, moment: datetime) -> str:
    return moment.astimezone(kasse.instance.tz).isoformat()


def barcodes_of(order: dict[str, Any]) -> list[str]:
    return [c["barcode"] for i in order["items"] for c in i["attributes"]["barcodes"]]


async def count(kasse: Any, model: Any, *where: Any) -> int:
    async with kasse.instance.read_sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def stored_order(kasse: Any, order_id: int) -> Order:
    async with kasse.instance.read_sessions() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order


async def mails(kasse: Any, kind: str) -> list[OutboxMessage]:
    async with kasse.instance.read_sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def error_text(r: httpx.Response) -> str:
    body = r.json()
    return " ".join([body["error"], *map(str, body.get("errors", []))])


# --- a created order ------------------------------------------------------------------------------


async def test_a_created_order_holds_its_places_and_has_no_barcodes(kasse, day):
    ten = kasse.local(day, "10:00")
    order = await create(kasse, item(3, 3, ten), item(11, 2, ten))
    now = kasse.clock.now()
    assert order["status"] == "created"
    assert order["is_valid"] is True
    assert order["expires_at"] == local(kasse, now + HOLD)
    assert order["invoice"] is False
    assert order["paid"] is False
    assert order["pay_by_link"] is False
    assert order["customer_id"] is None
    assert barcodes_of(order) == []
    assert [i["cancelled"] for i in order["items"]] == [False, False]
    assert await left(kasse, 3, ten) == 47
    assert await left(kasse, 11, ten) == 38
    assert await count(kasse, Barcode) == 0
    assert await show(kasse, order["id"]) == order
    assert await show(kasse, order["token"]) == order


async def test_held_places_count_against_every_other_buyer(kasse, day):
    ten = kasse.local(day, "10:00")
    await create(kasse, *[item(3, 10, ten)] * 4)  # 40 of 50 held
    r = await post_order(kasse, item(4, 10, ten), item(3, 1, ten), who="reseller")
    assert r.status_code == 422, r.text
    assert "10 left" in error_text(r)
    await create(kasse, item(4, 10, ten), who="reseller")
    assert await left(kasse, 3, ten) == 0


# --- finalize -------------------------------------------------------------------------------------


async def test_finalize_by_id_makes_the_order_binding(kasse, day):
    await _finalize_makes_binding(kasse, day, by="id")


async def test_finalize_by_token_makes_the_order_binding(kasse, day):
    await _finalize_makes_binding(kasse, day, by="token")


async def _finalize_makes_binding(kasse: Any, day: Any, by: str) -> None:
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 3, ten), item(11, 2, ten))
    kasse.clock.advance(timedelta(minutes=10))
    order = await finalized(kasse, created[by])
    assert order["id"] == created["id"]
    assert order["token"] == created["token"]
    assert order["status"] == "finalized"
    assert order["is_valid"] is True
    assert order["expires_at"] is None
    assert order["invoice"] is True
    assert order["paid"] is True
    assert isinstance(order["customer_id"], int)
    assert order["total_price_cents"] == created["total_price_cents"] == 3 * 1400 + 2 * 1000
    assert [len(i["attributes"]["barcodes"]) for i in order["items"]] == [3, 2]
    codes = barcodes_of(order)
    assert len(set(codes)) == 5
    assert await count(kasse, Barcode) == 5
    # The held places became sold ones: still taken, now for good.
    assert await count(kasse, ReservationHold) == 0
    assert await left(kasse, 3, ten) == 47
    assert await left(kasse, 11, ten) == 38
    kasse.clock.advance(HOLD * 3)
    assert await left(kasse, 3, ten) == 47
    assert await left(kasse, 11, ten) == 38
    assert await tidy_once(kasse.instance, kasse.clock) == 0
    again = await show(kasse, order["id"])
    assert again == order
    for code in codes:
        r = await kasse.client.get(f"{ORDERS}/barcode/{code}", headers=kasse.auth("two-phase"))
        assert r.status_code == 200, r.text
        assert r.json()["order"]["id"] == order["id"]


async def test_finalize_records_customer_payment_and_sends_the_confirmation(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    order = await finalized(kasse, created["id"])
    async with kasse.instance.read_sessions() as session:
        customer = await session.get(Customer, order["customer_id"])
        assert customer is not None
        assert (customer.foreign_id, customer.name, customer.email, customer.addr_city) == (
            "SF-12345",
            "Schmidt",
            "lukas@example.com",
            "Berlin",
        )
        [payment] = await session.scalars(select(Payment).where(Payment.order_id == order["id"]))
        assert (payment.payment_id, payment.provider_id, payment.provider_name) == (
            "PAY-9988-7766",
            "creditcard",
            "VISA",
        )
        assert payment.message == "captured by reseller portal"
    [mail] = await mails(kasse, "order_confirmation")
    assert mail.recipient == "lukas@example.com"
    assert mail.payload["order_id"] == order["id"]


async def test_suppress_mail_sends_no_confirmation(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    await finalized(kasse, created["id"], suppress_mail=True)
    assert await mails(kasse, "order_confirmation") == []


async def test_no_mail_without_a_customer_email(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    order = await finalized(kasse, created["id"], customer={"name": "Ohne", "surname": "Mail"})
    assert order["status"] == "finalized"
    assert await mails(kasse, "order_confirmation") == []


async def test_a_second_finalize_is_refused_and_changes_nothing(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten))
    first = await finalized(kasse, created["id"])
    counts = [await count(kasse, m) for m in (Customer, Payment, Barcode, OutboxMessage)]
    invoices = (
        await kasse.client.get(f"{ORDERS}/{first['id']}/invoices", headers=kasse.auth("two-phase"))
    ).json()
    kasse.clock.advance(timedelta(minutes=1))
    for ref in (created["id"], created["token"]):
        r = await finalize(
            kasse,
            ref,
            customer=CUSTOMER | {"foreign_id": "OTHER", "email": "other@example.com"},
            payment=PAYMENT | {"payment_id": "PAY-2"},
            completed=True,
        )
        assert r.status_code == 422, r.text
        assert "already finalized" in r.json()["error"]
    for body in ({"completed": False}, {}):
        r = await finalize(kasse, created["id"], **body)
        assert r.status_code == 422, r.text
    assert await show(kasse, created["id"]) == first
    assert [await count(kasse, m) for m in (Customer, Payment, Barcode, OutboxMessage)] == counts
    r = await kasse.client.get(f"{ORDERS}/{first['id']}/invoices", headers=kasse.auth("two-phase"))
    assert r.json() == invoices
    assert await left(kasse, 3, ten) == 48


async def test_direct_orders_are_binding_already(kasse, day):
    ten = kasse.local(day, "10:00")
    order = await create(kasse, item(3, 2, ten), who="reseller")
    assert order["status"] == "finalized"
    assert order["expires_at"] is None
    assert len(barcodes_of(order)) == 2
    r = await finalize(kasse, order["id"], who="reseller", customer=CUSTOMER, completed=True)
    assert r.status_code == 422, r.text
    assert "already finalized" in r.json()["error"]
    assert await show(kasse, order["id"], who="reseller") == order
    assert await count(kasse, Customer) == 0
    assert await left(kasse, 3, ten) == 48


async def test_finalize_without_completed_records_but_leaves_the_order_open(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten))
    kasse.clock.advance(timedelta(minutes=5))
    r = await finalize(kasse, created["id"], customer=CUSTOMER, payment=PAYMENT, completed=False)
    assert r.status_code == 200, r.text
    open_order = r.json()["order"]
    assert open_order["status"] == "created"
    assert open_order["is_valid"] is True
    assert open_order["expires_at"] == created["expires_at"]  # no longer hold for a mere update
    assert isinstance(open_order["customer_id"], int)
    assert open_order["paid"] is True
    assert open_order["invoice"] is False
    assert barcodes_of(open_order) == []
    assert await count(kasse, Payment) == 1
    assert await mails(kasse, "order_confirmation") == []
    assert await left(kasse, 3, ten) == 48
    # Without "completed" at all, it is the same.
    r = await finalize(kasse, created["id"], customer={"foreign_id": "SF-12345"})
    assert r.status_code == 200, r.text
    assert r.json()["order"]["status"] == "created"
    assert r.json()["order"]["customer_id"] == open_order["customer_id"]
    # Closing it later needs nothing more: the customer is known already.
    order = await finalized(kasse, created["token"], customer=None, payment=None)
    assert order["status"] == "finalized"
    assert order["customer_id"] == open_order["customer_id"]
    assert len(barcodes_of(order)) == 2
    [mail] = await mails(kasse, "order_confirmation")
    assert mail.recipient == CUSTOMER["email"]


async def test_finalize_with_an_empty_body_changes_nothing(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await kasse.client.post(
        f"{ORDERS}/{created['id']}/finalize", headers=kasse.auth("two-phase")
    )
    assert r.status_code == 200, r.text
    assert r.json()["order"] == created


async def test_who_may_finalize(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    body = {"order": {"completed": True}}
    url = f"{ORDERS}/{created['id']}/finalize"
    r = await kasse.client.post(url, json=body)
    assert r.status_code == 401, r.text
    r = await kasse.client.post(url, json=body, headers=kasse.auth("customer"))
    assert r.status_code == 403, r.text
    other = await kasse.new_token("reseller", flow="two-phase")
    r = await kasse.client.post(url, json=body, headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 404, r.text
    assert await show(kasse, created["id"]) == created
    r = await kasse.client.post(f"{ORDERS}/999999/finalize", json=body, headers=kasse.auth())
    assert r.status_code == 404, r.text


async def test_invoice_numbers_are_consecutive(kasse, day):
    ten = kasse.local(day, "10:00")
    created = [await create(kasse, item(3, 1, ten)) for _ in range(3)]
    year = kasse.clock.now().astimezone(kasse.instance.tz).year
    numbers = []
    for order in created:
        await finalized(kasse, order["id"])
        r = await kasse.client.get(
            f"{ORDERS}/{order['id']}/invoices", headers=kasse.auth("two-phase")
        )
        numbers.append(r.json()["invoices"][0]["number"])
        # a refused finalize in between takes no number
        assert (await finalize(kasse, order["id"], completed=True)).status_code == 422
    assert numbers == [f"{year}-{n:06d}" for n in (1, 2, 3)]


@postgres_only
async def test_concurrent_first_finalizes_each_get_their_own_invoice_number(kasse, day):
    # Each order in a slot of its own, so that no slot lock makes the finalizes take turns.
    slots = ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30"]
    created = [await create(kasse, item(3, 1, kasse.local(day, s))) for s in slots]
    responses = await asyncio.gather(
        *(
            finalize(kasse, o["id"], customer=CUSTOMER | {"foreign_id": f"F-{n}"}, completed=True)
            for n, o in enumerate(created)
        )
    )
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    numbers = []
    for order in created:
        r = await kasse.client.get(
            f"{ORDERS}/{order['id']}/invoices", headers=kasse.auth("two-phase")
        )
        numbers.append(int(r.json()["invoices"][0]["number"].split("-")[1]))
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]


# --- expiry ---------------------------------------------------------------------------------------


async def test_a_created_order_never_finalized_gives_its_places_back(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 4, ten))
    kasse.clock.advance(HOLD - timedelta(seconds=1))
    assert (await show(kasse, created["id"]))["status"] == "created"
    assert await left(kasse, 3, ten) == 46
    kasse.clock.advance(timedelta(seconds=1))
    assert await left(kasse, 3, ten) == 50
    gone = await show(kasse, created["id"])
    assert gone["is_valid"] is False
    assert gone["status"] == "cancelled"
    r = await finalize(kasse, created["id"], customer=CUSTOMER, completed=True)
    assert r.status_code == 422, r.text
    assert "expired" in r.json()["error"]
    assert await count(kasse, Barcode) == 0
    assert await count(kasse, Customer) == 0
    assert await left(kasse, 3, ten) == 50


async def test_freed_places_can_be_sold_again_and_the_late_finalize_is_refused(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, *[item(3, 10, ten)] * 5)
    assert await left(kasse, 3, ten) == 0
    r = await post_order(kasse, item(4, 1, ten), who="reseller")
    assert r.status_code == 422, r.text
    kasse.clock.advance(HOLD)
    await create(kasse, *[item(4, 10, ten)] * 5, who="reseller")
    r = await finalize(kasse, created["id"], completed=True)
    assert r.status_code == 422, r.text
    assert await left(kasse, 3, ten) == 0


async def test_expire_orders_marks_expired_orders_cancelled(kasse, day):
    ten = kasse.local(day, "10:00")
    stale = await create(kasse, item(3, 2, ten))
    kasse.clock.advance(timedelta(minutes=20))
    fresh = await create(kasse, item(3, 3, ten))
    binding = await create(kasse, item(3, 1, ten), who="reseller")
    kasse.clock.advance(timedelta(minutes=10))  # stale is 30 minutes old, fresh 10
    async with kasse.instance.write_sessions() as session, session.begin():
        await expire_orders(session, kasse.clock.now())
    row = await stored_order(kasse, stale["id"])
    assert (row.status, row.is_valid, row.expires_at) == ("cancelled", False, None)
    assert row.cancelled_at == datetime.fromisoformat(stale["expires_at"])
    # No half-cancelled order: its items are cancelled at the same moment.
    assert (
        await count(
            kasse,
            OrderItem,
            OrderItem.order_id == stale["id"],
            OrderItem.cancelled_at == row.cancelled_at,
        )
        == 1
    )
    assert await count(kasse, OrderItem, OrderItem.cancelled_at.is_not(None)) == 1
    assert (await stored_order(kasse, fresh["id"])).status == "created"
    assert (await stored_order(kasse, binding["id"])).status == "finalized"
    assert await count(kasse, ReservationHold) == 1  # the fresh order's one slot
    assert await left(kasse, 3, ten) == 46
    gone = await show(kasse, stale["id"])
    assert (gone["status"], gone["is_valid"]) == ("cancelled", False)
    r = await finalize(kasse, stale["id"], completed=True)
    assert r.status_code == 422, r.text
    assert "cancelled" in r.json()["error"]
    # The housekeeping loop does the same for the rest, once their time is up.
    kasse.clock.advance(timedelta(minutes=20))
    await tidy_once(kasse.instance, kasse.clock)
    row = await stored_order(kasse, fresh["id"])
    assert (row.status, row.is_valid) == ("cancelled", False)
    assert await count(kasse, ReservationHold) == 0
    assert await left(kasse, 3, ten) == 49
    assert (await stored_order(kasse, binding["id"])).status == "finalized"


@postgres_only
async def test_the_housekeeping_skips_an_order_a_request_is_working_on(kasse, day):
    """A finalize locks the order row first; while it may still extend the order (pay by link),
    the housekeeping must neither wait for it nor drop its holds."""
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten))
    later = kasse.clock.now() + HOLD
    async with kasse.instance.write_sessions() as request, request.begin():
        await request.execute(select(Order).where(Order.id == created["id"]).with_for_update())
        async with kasse.instance.write_sessions() as sweeper, sweeper.begin():
            tidied = await asyncio.wait_for(expire_orders(sweeper, later), timeout=10)
        assert tidied == 0
        # the request extends the order (as a pay-by-link finalize does) and commits
        await request.execute(
            update(Order).where(Order.id == created["id"]).values(expires_at=later + PAY_BY_LINK)
        )
        await request.execute(update(ReservationHold).values(valid_until=later + PAY_BY_LINK))
    assert await count(kasse, ReservationHold) == 1
    kasse.clock.set(later)
    await tidy_once(kasse.instance, kasse.clock)
    assert (await stored_order(kasse, created["id"])).status == "created"
    assert await left(kasse, 3, ten) == 48


# --- pay by link ----------------------------------------------------------------------------------


async def test_pay_by_link_keeps_the_places_until_the_payment_arrives(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten))
    kasse.clock.advance(timedelta(minutes=20))
    started = kasse.clock.now()
    r = await finalize(kasse, created["id"], customer=CUSTOMER, pay_by_link=True)
    assert r.status_code == 200, r.text
    waiting = r.json()["order"]
    assert waiting["status"] == "created"
    assert waiting["pay_by_link"] is True
    assert waiting["paid"] is False
    assert waiting["is_valid"] is True
    assert waiting["expires_at"] == local(kasse, started + PAY_BY_LINK)
    assert barcodes_of(waiting) == []
    [mail] = await mails(kasse, "payment_link")
    assert mail.recipient == CUSTOMER["email"]
    assert mail.payload["order_id"] == created["id"]
    assert await mails(kasse, "order_confirmation") == []
    # Past the normal 30-minute hold the places are still held for the payer.
    kasse.clock.advance(PAY_BY_LINK - timedelta(seconds=1))
    assert await left(kasse, 3, ten) == 48
    assert (await show(kasse, created["id"]))["is_valid"] is True
    # The payment arrives: the reseller records it and closes the order.
    order = await finalized(kasse, created["id"], customer=None)
    assert order["status"] == "finalized"
    assert order["paid"] is True
    assert order["pay_by_link"] is True
    assert order["invoice"] is True
    assert order["expires_at"] is None
    assert len(barcodes_of(order)) == 2
    [confirmation] = await mails(kasse, "order_confirmation")
    assert confirmation.recipient == CUSTOMER["email"]
    kasse.clock.advance(timedelta(days=1))
    assert await left(kasse, 3, ten) == 48
    assert (await show(kasse, created["id"]))["status"] == "finalized"


async def test_an_unpaid_link_expires_and_frees_the_places(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten))
    r = await finalize(kasse, created["id"], customer=CUSTOMER, pay_by_link=True)
    assert r.status_code == 200, r.text
    kasse.clock.advance(PAY_BY_LINK)
    assert await left(kasse, 3, ten) == 50
    gone = await show(kasse, created["id"])
    assert (gone["status"], gone["is_valid"]) == ("cancelled", False)
    r = await finalize(kasse, created["id"], payment=PAYMENT, completed=True)
    assert r.status_code == 422, r.text
    assert await count(kasse, Payment) == 0
    await tidy_once(kasse.instance, kasse.clock)
    row = await stored_order(kasse, created["id"])
    assert (row.status, row.is_valid) == ("cancelled", False)
    assert await left(kasse, 3, ten) == 50


async def test_a_second_payment_link_keeps_the_first_deadline(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten))
    r = await finalize(kasse, created["id"], customer=CUSTOMER, pay_by_link=True)
    deadline = r.json()["order"]["expires_at"]
    kasse.clock.advance(PAY_BY_LINK - timedelta(minutes=1))
    fixed = CUSTOMER | {"email": "lukas.schmidt@example.com"}
    r = await finalize(kasse, created["id"], customer=fixed, pay_by_link=True)
    assert r.status_code == 200, r.text
    assert r.json()["order"]["expires_at"] == deadline
    assert [m.recipient for m in await mails(kasse, "payment_link")] == [
        "lukas@example.com",
        "lukas.schmidt@example.com",
    ]
    kasse.clock.advance(timedelta(minutes=1))
    assert await left(kasse, 3, ten) == 50
    assert (await show(kasse, created["id"]))["status"] == "cancelled"


async def test_pay_by_link_with_a_customer_known_from_an_earlier_update(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(kasse, created["id"], customer=CUSTOMER)
    assert r.status_code == 200, r.text
    r = await finalize(kasse, created["id"], pay_by_link=True)
    assert r.status_code == 200, r.text
    assert r.json()["order"]["pay_by_link"] is True


async def test_pay_by_link_needs_a_customer_email(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 1, ten))
    without_mail = {k: v for k, v in CUSTOMER.items() if k != "email"}
    for body in ({"customer": without_mail}, {}):
        r = await finalize(kasse, created["id"], pay_by_link=True, **body)
        assert r.status_code == 422, r.text
        assert "email" in r.json()["error"]
    assert await show(kasse, created["id"]) == created
    assert await count(kasse, Customer) == 0
    assert await mails(kasse, "payment_link") == []
    kasse.clock.advance(HOLD)
    assert await left(kasse, 3, ten) == 50


async def test_pay_by_link_and_completed_exclude_each_other(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(
        kasse, created["id"], customer=CUSTOMER, payment=PAYMENT, pay_by_link=True, completed=True
    )
    assert r.status_code == 422, r.text
    assert "pay_by_link" in r.json()["error"]
    assert await show(kasse, created["id"]) == created
    assert await count(kasse, Payment) == 0
    assert await mails(kasse, "payment_link") == []


async def test_pay_by_link_on_a_binding_order_is_refused(kasse, day):
    direct = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    r = await finalize(kasse, direct["id"], who="reseller", customer=CUSTOMER, pay_by_link=True)
    assert r.status_code == 422, r.text
    assert await show(kasse, direct["id"], who="reseller") == direct
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    await finalized(kasse, created["id"])
    r = await finalize(kasse, created["id"], customer=CUSTOMER, pay_by_link=True)
    assert r.status_code == 422, r.text
    assert await mails(kasse, "payment_link") == []


@postgres_only
async def test_concurrent_finalizes_naming_one_new_customer_share_it(kasse, day):
    ten = kasse.local(day, "10:00")
    created = [await create(kasse, item(3, 1, ten)) for _ in range(6)]
    responses = await asyncio.gather(
        *(finalize(kasse, o["id"], customer=CUSTOMER, completed=True) for o in created)
    )
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    assert len({r.json()["order"]["customer_id"] for r in responses}) == 1
    assert await count(kasse, Customer) == 1
