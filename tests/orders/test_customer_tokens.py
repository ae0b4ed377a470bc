"""A customer token speaks for one customer: it sees that customer's orders and may rate them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.orders.test_finalize import create, finalize, finalized, item, post_order

from kasse.core.auth import create_api_token
from kasse.models import Customer, OutboxMessage


async def customer_token(
    kasse: Any, foreign_id: str, museum_ids: list[int] | None = None
) -> dict[str, str]:
    """A token for the one customer with ``foreign_id``."""
    async with kasse.instance.read_sessions() as session:
        customer_id = (
            await session.scalars(select(Customer.id).where(Customer.foreign_id == foreign_id))
        ).one()
    return await token_of_customer(kasse, customer_id, museum_ids)


async def token_of_customer(
    kasse: Any, customer_id: int, museum_ids: list[int] | None = None
) -> dict[str, str]:
    async with kasse.instance.write_sessions() as session, session.begin():
        token = await create_api_token(
            session,
            access="customer",
            museum_ids=museum_ids or [],
            name="visitor",
            now=kasse.clock.now(),
            customer_id=customer_id,
        )
    return {"Authorization": f"Bearer {token}"}


async def test_a_customer_sees_and_rates_its_own_orders_only(kasse, day):
    ten = kasse.local(day, "10:00")
    mine = await finalized(
        kasse,
        (await create(kasse, item(3, 1, ten)))["id"],
        customer={"foreign_id": "C-1", "name": "Ada", "surname": "Lovelace", "email": "a@ex.org"},
    )
    other = await finalized(
        kasse,
        (await create(kasse, item(3, 1, ten)))["id"],
        customer={"foreign_id": "C-2", "name": "Bo", "surname": "Bar", "email": "b@ex.org"},
    )
    headers = await customer_token(kasse, "C-1")

    listed = await kasse.client.get("/api/v4/orders", headers=headers)
    assert [o["id"] for o in listed.json()["orders"]] == [mine["id"]]

    r = await kasse.client.put(
        f"/api/v4/orders/{mine['id']}/rate", json={"rating": 5}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["order"]["rating"] == 5

    r = await kasse.client.put(
        f"/api/v4/orders/{other['id']}/rate", json={"rating": 1}, headers=headers
    )
    assert r.status_code == 404
    r = await kasse.client.get(f"/api/v4/orders/{other['id']}", headers=headers)
    assert r.status_code == 404


async def test_a_foreign_id_names_the_callers_own_customer_only(kasse, day):
    """Reseller T2 naming T1's foreign_id gets a customer of its own; T1's stays T1's."""
    ten = kasse.local(day, "10:00")
    t2 = {"Authorization": f"Bearer {await kasse.new_token('reseller', flow='two-phase')}"}
    crm_x = {"foreign_id": "crm-X", "name": "Ada", "email": "ada@example.org"}
    first = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"], customer=crm_x)

    theirs = (await post_order(kasse, item(3, 1, ten), **t2)).json()["order"]
    # Without details, a foreign_id finds nothing of another caller's.
    r = await finalize(kasse, theirs["id"], headers=t2, customer={"foreign_id": "crm-X"})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "no customer with foreign_id 'crm-X'"
    mallory = {"foreign_id": "crm-X", "email": "mallory@evil.example"}
    r = await finalize(kasse, theirs["id"], headers=t2, customer=mallory, completed=True)
    assert r.status_code == 200, r.text
    assert r.json()["order"]["customer_id"] != first["customer_id"]

    # T1's next order for crm-X is mailed to T1's customer, and its token sees T1's orders only.
    again = await finalized(
        kasse, (await create(kasse, item(3, 1, ten)))["id"], customer={"foreign_id": "crm-X"}
    )
    assert again["customer_id"] == first["customer_id"]
    async with kasse.instance.read_sessions() as session:
        mail = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.payload["order_id"].as_integer() == again["id"]
            )
        )
    assert mail is not None and mail.recipient == "ada@example.org"
    headers = await token_of_customer(kasse, first["customer_id"])
    listed = await kasse.client.get("/api/v4/orders", headers=headers)
    assert {o["id"] for o in listed.json()["orders"]} == {first["id"], again["id"]}
