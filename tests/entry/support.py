"""What the entry tests share: buying tickets, scanning barcodes, reading the scan log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx
from sqlalchemy import func, select, update

from kasse.models import EntryAdmission, EntryScan, Order, OrderItem
from tests.conftest import Kasse

ORDERS = "/api/v4/orders"
PRICES = {1: 1200, 3: 1400, 6: 1900, 7: 1500, 8: 4500, 11: 1000}


def barcode_url(code: str, location: str | None = None, *, exit: bool = False) -> str:
    path = f"/api/v3/barcodes/{code}" + ("/exit" if exit else "")
    return path if location is None else f"{path}?location={location}"


async def buy(
    kasse: Kasse, ticket_id: int, quantity: int = 1, time: str | None = None, **attrs: Any
) -> list[str]:
    """Order as a reseller; the barcodes of the order, one per place."""
    attributes: dict[str, Any] = {"id": ticket_id, "quantity": quantity, **attrs}
    if time is not None:
        attributes["time"] = time
    body = {
        "items": [{"type": "Ticket", "attributes": attributes}],
        "total": PRICES[ticket_id] * quantity,
    }
    response = await kasse.client.post(ORDERS, json=body, headers=kasse.auth("reseller"))
    assert response.status_code == 200, response.text
    items = response.json()["order"]["items"]
    return [code["barcode"] for i in items for code in i["attributes"]["barcodes"]]


async def buy_combined(kasse: Kasse, day: date, quantity: int = 1) -> list[str]:
    """Ticket 6: the museum (sub ticket 61) at 10:00, the panorama (sub ticket 62) at 11:30."""
    times = {"61": kasse.local(day, "10:00"), "62": kasse.local(day, "11:30")}
    return await buy(kasse, 6, quantity, kasse.local(day, "10:00"), sub_ticket_times=times)


def at(kasse: Kasse, day: date, clock_time: str) -> datetime:
    return datetime.fromisoformat(kasse.local(day, clock_time))


async def check(
    kasse: Kasse, code: str, location: str | None = None, access: str = "cashpoint"
) -> httpx.Response:
    return await kasse.client.get(barcode_url(code, location), headers=kasse.auth(access))


async def admit(
    kasse: Kasse, code: str, location: str | None = None, access: str = "cashpoint"
) -> httpx.Response:
    return await kasse.client.put(barcode_url(code, location), headers=kasse.auth(access))


async def leave(
    kasse: Kasse, code: str, location: str | None = None, access: str = "cashpoint"
) -> httpx.Response:
    return await kasse.client.put(
        barcode_url(code, location, exit=True), headers=kasse.auth(access)
    )


def error_of(response: httpx.Response, status: int = 422) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    return str(body["error"])


def message_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"message"}, body
    return str(body["message"])


async def scans(kasse: Kasse) -> list[EntryScan]:
    async with kasse.instance.read_sessions() as session:
        return list(await session.scalars(select(EntryScan).order_by(EntryScan.id)))


async def admissions(kasse: Kasse) -> list[EntryAdmission]:
    async with kasse.instance.read_sessions() as session:
        return list(await session.scalars(select(EntryAdmission).order_by(EntryAdmission.id)))


async def count_admissions(kasse: Kasse) -> int:
    async with kasse.instance.read_sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(EntryAdmission)) or 0)


async def change_orders(kasse: Kasse, **values: Any) -> None:
    """Set columns of every order (the lifecycle API that would do it is not ours to call)."""
    async with kasse.instance.write_sessions() as session, session.begin():
        await session.execute(update(Order).values(**values))


async def cancel_items(kasse: Kasse, when: datetime) -> None:
    async with kasse.instance.write_sessions() as session, session.begin():
        await session.execute(update(OrderItem).values(cancelled_at=when))
