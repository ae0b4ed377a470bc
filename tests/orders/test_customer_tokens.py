"""A customer token speaks for one customer: it sees that customer's orders and may rate them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.orders.test_finalize import create, finalized, item

from kasse.core.auth import create_api_token
from kasse.models import Customer


async def customer_token(
    kasse: Any, foreign_id: str, museum_ids: list[int] | None = None
) -> dict[str, str]:
    async with kasse.instance.read_sessions() as session:
        customer_id = await session.scalar(
            select(Customer.id).where(Customer.foreign_id == foreign_id)
        )
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
