"""``payment_status`` and ``billing_address_id`` of the order detail: what finalize recorded."""

from __future__ import annotations

from typing import Any

from tests.orders.test_finalize import (
    CUSTOMER,
    ORDERS,
    PAYMENT,
    barcodes_of,
    create,
    finalize,
    finalized,
    item,
    show,
)

from kasse.models import CustomerAddress

PENDING, PAID = 10, 30
GERMANY = 60


async def address(kasse: Any, address_id: int) -> tuple[Any, ...]:
    async with kasse.instance.read_sessions() as session:
        row = await session.get(CustomerAddress, address_id)
        assert row is not None
        return row.street, row.zip, row.city, row.country_id


async def test_a_finalized_order_names_its_payment_and_billing_address(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    assert (created["payment_status"], created["billing_address_id"]) == (None, None)
    order = await finalized(kasse, created["id"])
    assert order["payment_status"] == PAID
    assert isinstance(order["billing_address_id"], int)
    assert await address(kasse, order["billing_address_id"]) == (
        "Beispielallee 12",
        "10115",
        "Berlin",
        GERMANY,
    )
    assert await show(kasse, order["id"]) == order
    [code] = barcodes_of(order)
    r = await kasse.client.get(f"{ORDERS}/barcode/{code}", headers=kasse.auth("two-phase"))
    assert r.json()["order"] == order


async def test_the_billing_address_stays_when_the_customer_moves(kasse, day):
    ten = kasse.local(day, "10:00")
    first = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"])
    moved = CUSTOMER | {"addr_street": "Neue Straße 3", "addr_zip": "80331", "addr_city": "München"}
    second = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"], customer=moved)
    assert second["customer_id"] == first["customer_id"]
    assert second["billing_address_id"] != first["billing_address_id"]
    assert await address(kasse, second["billing_address_id"]) == (
        "Neue Straße 3",
        "80331",
        "München",
        GERMANY,
    )
    assert (await show(kasse, first["id"]))["billing_address_id"] == first["billing_address_id"]
    # Back at the first address: the same address, not a copy of it.
    third = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"])
    assert third["billing_address_id"] == first["billing_address_id"]
    # Named by foreign_id alone: the customer's address as it is now.
    fourth = await finalized(
        kasse, (await create(kasse, item(3, 1, ten)))["id"], customer={"foreign_id": "SF-12345"}
    )
    assert fourth["billing_address_id"] == first["billing_address_id"]


async def test_without_an_address_or_a_payment_both_stay_null(kasse, day):
    ten = kasse.local(day, "10:00")
    direct = await create(kasse, item(3, 1, ten), who="reseller")
    assert (direct["payment_status"], direct["billing_address_id"]) == (None, None)
    created = await create(kasse, item(3, 1, ten))
    order = await finalized(
        kasse, created["id"], customer={"name": "Ohne", "surname": "Adresse"}, payment=None
    )
    assert order["status"] == "finalized"
    assert isinstance(order["customer_id"], int)
    assert (order["payment_status"], order["billing_address_id"]) == (None, None)


async def test_a_payment_link_is_pending_until_the_payment_is_recorded(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(kasse, created["id"], customer=CUSTOMER, pay_by_link=True)
    assert r.status_code == 200, r.text
    waiting = r.json()["order"]
    assert waiting["payment_status"] == PENDING
    assert isinstance(waiting["billing_address_id"], int)
    order = await finalized(kasse, created["id"], customer=None, payment=PAYMENT)
    assert order["payment_status"] == PAID
    assert order["billing_address_id"] == waiting["billing_address_id"]


async def test_a_payment_recorded_before_the_link_is_not_pending(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(kasse, created["id"], customer=CUSTOMER, payment=PAYMENT, pay_by_link=True)
    assert r.status_code == 200, r.text
    assert r.json()["order"]["payment_status"] == PAID
