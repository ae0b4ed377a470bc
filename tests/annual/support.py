"""What the annual-pass tests share: buying passes, the flow's requests, portraits made on the fly."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import select

from kasse.models import Customer, CustomerAddress, Order, Portrait
from tests.conftest import Kasse

ORDERS = "/api/v4/orders"
ANNUAL = "/api/v4/annual"
PASS, PASS_PRICE = 8, 4500
POST = 2  # dispatch mode "Post"
GERMANY = 60  # the reference's country id
PETER = {
    "name": "Peter",
    "surname": "Pan",
    "email": "peter@example.com",
    "customer_salutation_id": 1,
    "addr_city": "Berlin",
    "addr_country_id": GERMANY,
    "addr_street": "Brunnenstraße 7D",
    "addr_zip": "10119",
}
WENDY = {**PETER, "name": "Wendy", "surname": "Darling", "email": "wendy@example.com"}


async def buy_passes(
    kasse: Kasse, day: date, quantity: int = 2, *, token: str = "reseller", ticket_id: int = PASS
) -> dict[str, Any]:
    """An order of ``quantity`` annual passes starting on ``day``; the order as the API shows it."""
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {
                    "id": ticket_id,
                    "quantity": quantity,
                    "time": kasse.local(day, "10:00"),
                },
            }
        ],
        "total": PASS_PRICE * quantity,
    }
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth(token))
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


async def personalization_token(kasse: Kasse, order_id: int) -> str:
    """The token the confirmation mail carries (the mail tests read it from the mail itself)."""
    async with kasse.instance.read_sessions() as session:
        token = await session.scalar(
            select(Order.personalization_token).where(Order.id == order_id)
        )
    assert token is not None
    return token


async def passes_with_token(
    kasse: Kasse, day: date, quantity: int = 2
) -> tuple[dict[str, Any], str]:
    order = await buy_passes(kasse, day, quantity)
    return order, await personalization_token(kasse, order["id"])


def q(token: str | None) -> dict[str, str]:
    return {} if token is None else {"token": token}


async def get_order(kasse: Kasse, token: str | None) -> httpx.Response:
    return await kasse.client.get(f"{ANNUAL}/order", params=q(token))


async def annual_order(kasse: Kasse, token: str) -> dict[str, Any]:
    r = await get_order(kasse, token)
    assert r.status_code == 200, r.text
    order: dict[str, Any] = r.json()["order"]
    return order


def card_ids(order: dict[str, Any]) -> list[int]:
    return [p["id"] for sale in order["ticket_sales"] for p in sale["personalizations"]]


async def create_customer(
    kasse: Kasse, token: str | None, customer: dict[str, Any] | None = None
) -> httpx.Response:
    return await kasse.client.post(
        f"{ANNUAL}/customers", params=q(token), json={"customer": customer or PETER}
    )


async def created_customer(
    kasse: Kasse, token: str, customer: dict[str, Any] | None = None
) -> dict[str, Any]:
    r = await create_customer(kasse, token, customer)
    assert r.status_code == 200, r.text
    created: dict[str, Any] = r.json()["customer"]
    return created


async def update_customer(
    kasse: Kasse, token: str | None, customer_id: int, **fields: Any
) -> httpx.Response:
    return await kasse.client.put(
        f"{ANNUAL}/customers/{customer_id}", params=q(token), json={"customer": fields}
    )


async def bind(
    kasse: Kasse,
    token: str | None,
    card_id: int,
    customer: dict[str, Any] | None,
    dispatch_mode_id: int | None = POST,
    address_id: int | None = None,
) -> httpx.Response:
    """PUT /annual/personalizations/:id for ``customer`` (a create response; None: the buyer)."""
    body: dict[str, Any] = {}
    if customer is not None:
        body["customer_personalization_token"] = customer["personalization_token"]
        body["customer_adress_id"] = customer["addresses"][0]["id"]
    if address_id is not None:
        body["customer_adress_id"] = address_id
    if dispatch_mode_id is not None:
        body["dispatch_mode_id"] = dispatch_mode_id
    return await kasse.client.put(
        f"{ANNUAL}/personalizations/{card_id}", params=q(token), json={"personalization": body}
    )


async def finalize(kasse: Kasse, token: str | None) -> httpx.Response:
    return await kasse.client.post(f"{ANNUAL}/personalization/finalize", params=q(token))


async def move(
    kasse: Kasse, token: str | None, sale_id: int, start_at: Any, **extra: Any
) -> httpx.Response:
    return await kasse.client.put(
        f"{ANNUAL}/ticket_sales/{sale_id}",
        params=q(token),
        json={"ticket_sale": {"start_at": start_at, **extra}},
    )


async def upload(
    kasse: Kasse,
    token: str | None,
    card_id: int,
    content: bytes,
    *,
    field: str = "file",
    filename: str = "me.png",
    content_type: str = "image/png",
) -> httpx.Response:
    return await kasse.client.post(
        f"{ANNUAL}/personalizations/{card_id}/upload",
        params=q(token),
        files={field: (filename, content, content_type)},
    )


def image_bytes(
    size: tuple[int, int] = (600, 800), format: str = "PNG", mode: str = "RGB", **save: Any
) -> bytes:
    """A picture made on the spot: a gradient, so that JPEG has something to encode."""
    picture = Image.linear_gradient("L").resize(size).convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, format=format, **save)
    return buffer.getvalue()


async def portraits(kasse: Kasse) -> list[Portrait]:
    async with kasse.instance.read_sessions() as session:
        return list(await session.scalars(select(Portrait).order_by(Portrait.personalization_id)))


async def give_buyer_an_address(kasse: Kasse, order_id: int) -> int:
    """An address of the order's buyer, as a back office would keep it."""
    async with kasse.instance.write_sessions() as session, session.begin():
        order = await session.get(Order, order_id)
        assert order is not None and order.customer_id is not None
        address = CustomerAddress(
            customer_id=order.customer_id,
            street="Beispielallee 12",
            zip="10115",
            city="Berlin",
            country_id=GERMANY,
            created_at=kasse.clock.now(),
        )
        session.add(address)
        await session.flush()
        return address.id


async def customer_row(kasse: Kasse, customer_id: int) -> Customer:
    async with kasse.instance.read_sessions() as session:
        customer = await session.get(Customer, customer_id)
    assert customer is not None
    return customer
