"""The personalization flow of annual passes over HTTP, from purchase to finalize."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection

from kasse.annual.validity import add_months
from kasse.models import Customer, Order
from tests.annual.support import (
    ANNUAL,
    GERMANY,
    ORDERS,
    PETER,
    POST,
    WENDY,
    annual_order,
    bind,
    buy_passes,
    card_ids,
    create_customer,
    created_customer,
    customer_row,
    finalize,
    get_order,
    give_buyer_an_address,
    image_bytes,
    move,
    passes_with_token,
    personalization_token,
    update_customer,
    upload,
)
from tests.conftest import Kasse

AUSTRIA = 16  # the reference's country id


def midnight(kasse: Kasse, day: date) -> str:
    return kasse.local(day, "00:00")


async def test_buy_personalize_upload_move_and_finalize_two_passes(kasse: Kasse, day: date) -> None:
    order, token = await passes_with_token(kasse, day, 2)
    assert len(token) >= 32  # 192 bits, URL-safe

    shown = await annual_order(kasse, token)
    [item] = order["items"]
    [sale] = shown["ticket_sales"]
    assert shown["id"] == order["id"]
    assert (shown["customer"], shown["shipping_address_id"], shown["personalized_at"]) == (
        None,
        None,
        None,
    )
    assert sale == {
        "id": item["attributes"]["id"],
        "title": "Jahreskarte",
        "description": "Ein Jahr freier Eintritt in beide Häuser, so oft Sie möchten.",
        "start_at": kasse.local(day, "10:00"),
        "valid_until": midnight(kasse, add_months(day, 12)),
        "sent_at": None,
        "status": "personalization_pending",
        "is_personalizable": True,
        "personalizations": [
            {
                "id": card_id,
                "ready": False,
                "customer": None,
                "address_id": None,
                "dispatch_mode_id": None,
                "portrait": False,
            }
            for card_id in card_ids(shown)
        ],
    }
    first, second = card_ids(shown)

    peter = await created_customer(kasse, token, PETER)
    assert len(peter["personalization_token"]) >= 32
    [address] = peter["addresses"]
    assert peter == {
        "id": peter["id"],
        "name": "Peter",
        "surname": "Pan",
        "email": "peter@example.com",
        "salutation_id": 1,
        "addresses": [
            {
                "id": address["id"],
                "zip": "10119",
                "street": "Brunnenstraße 7D",
                "country_id": GERMANY,
                "city": "Berlin",
            }
        ],
        "personalization_token": peter["personalization_token"],
    }
    assert (await customer_row(kasse, peter["id"])).created_for_order_id == order["id"]

    r = await bind(kasse, token, first, peter)
    assert r.status_code == 200, r.text
    card = r.json()["personalization"]
    peter_shown = {k: v for k, v in peter.items() if k != "personalization_token"}
    assert card == {
        "id": first,
        "ready": True,
        "customer": peter_shown,
        "address_id": address["id"],
        "dispatch_mode_id": POST,
        "portrait": False,
    }

    r = await finalize(kasse, token)
    assert r.status_code == 422, r.text
    assert r.json() == {
        "error": f"not every card is ready: personalizations {second}",
        "errors": [f"personalization {second}: customer, address, dispatch mode missing"],
    }

    wendy = await created_customer(kasse, token, WENDY)
    assert (await bind(kasse, token, second, wendy)).status_code == 200
    r = await upload(kasse, token, first, image_bytes())
    assert r.status_code == 200, r.text
    assert r.json()["personalization"]["portrait"] is True

    later = day + timedelta(days=30)
    r = await move(kasse, token, sale["id"], f"{later.isoformat()} 10:00:00")
    assert r.status_code == 200, r.text
    assert r.json()["ticket_sale"]["start_at"] == kasse.local(later, "10:00")
    assert r.json()["ticket_sale"]["valid_until"] == midnight(kasse, add_months(later, 12))

    r = await finalize(kasse, token)
    assert r.status_code == 200, r.text
    done = r.json()["order"]
    assert done["personalized_at"] == kasse.clock.now().astimezone(kasse.instance.tz).isoformat()
    [sale_done] = done["ticket_sales"]
    assert sale_done["status"] == "ready_to_send"
    assert [p["ready"] for p in sale_done["personalizations"]] == [True, True]
    assert [p["customer"]["name"] for p in sale_done["personalizations"]] == ["Peter", "Wendy"]
    assert await annual_order(kasse, token) == done  # reads are repeatable


async def test_after_finalize_nothing_changes(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    [card] = card_ids(await annual_order(kasse, token))
    peter = await created_customer(kasse, token)
    assert (await bind(kasse, token, card, peter)).status_code == 200
    assert (await finalize(kasse, token)).status_code == 200
    before = await annual_order(kasse, token)
    sale_id = before["ticket_sales"][0]["id"]

    for response in (
        await finalize(kasse, token),
        await create_customer(kasse, token, WENDY),
        await update_customer(kasse, token, peter["id"], name="Pete"),
        await bind(kasse, token, card, peter, dispatch_mode_id=1),
        await upload(kasse, token, card, image_bytes()),
        await move(kasse, token, sale_id, (day + timedelta(days=3)).isoformat()),
    ):
        assert response.status_code == 422, response.text
        assert "was finalized on" in response.json()["error"]
    assert await annual_order(kasse, token) == before


async def test_customers_of_the_order_can_be_changed_field_by_field(
    kasse: Kasse, day: date
) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    peter = await created_customer(kasse, token)
    r = await update_customer(
        kasse, token, peter["id"], surname="Pan-Darling", addr_zip="10115", addr_country_id=AUSTRIA
    )
    assert r.status_code == 200, r.text
    changed = r.json()["customer"]
    assert (changed["name"], changed["surname"], changed["email"]) == (
        "Peter",
        "Pan-Darling",
        "peter@example.com",
    )
    [address] = changed["addresses"]
    assert address == {**peter["addresses"][0], "zip": "10115", "country_id": AUSTRIA}
    assert changed["personalization_token"] == peter["personalization_token"]

    [card] = card_ids(await annual_order(kasse, token))
    assert (await bind(kasse, token, card, peter)).status_code == 200
    shown = await annual_order(kasse, token)
    assert shown["ticket_sales"][0]["personalizations"][0]["customer"]["surname"] == "Pan-Darling"


async def test_invalid_customer_data_is_refused_field_by_field(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    bad = {
        **PETER,
        "email": "not an address",
        "customer_salutation_id": 99,
        "addr_country_id": 999,
        "addr_zip": "",
    }
    del bad["surname"]
    r = await create_customer(kasse, token, bad)
    assert r.status_code == 422, r.text
    errors = " | ".join(r.json()["errors"])
    for field in ("surname", "email", "customer_salutation_id", "addr_country_id", "addr_zip"):
        assert f"customer.{field}" in errors, field
    assert "unknown salutation 99" in errors and "unknown country 999" in errors
    peter = await created_customer(kasse, token)
    r = await update_customer(kasse, token, peter["id"], customer_salutation_id=0)
    assert r.status_code == 422
    assert (await annual_order(kasse, token))["ticket_sales"][0]["personalizations"][0][
        "customer"
    ] is None


async def test_country_ids_are_the_references_and_nothing_else(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    for unknown in (0, 250, 2**31 - 1):
        r = await create_customer(kasse, token, {**PETER, "addr_country_id": unknown})
        assert r.status_code == 422, r.text
        assert "customer.addr_country_id" in " ".join(r.json()["errors"])
    assert await customer_count(kasse) == 0
    zimbabwe = await created_customer(kasse, token, {**PETER, "addr_country_id": 249})
    assert zimbabwe["addresses"][0]["country_id"] == 249


async def customer_count(kasse: Kasse) -> int:
    async with kasse.instance.read_sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(Customer)
                .where(Customer.created_for_order_id.is_not(None))
            )
            or 0
        )


async def test_the_buyer_can_hold_a_card_without_a_token_of_its_own(
    kasse: Kasse, day: date
) -> None:
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 8, "quantity": 1, "time": kasse.local(day, "10:00")},
            }
        ],
        "total": 4500,
    }
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth("two-phase"))
    order = r.json()["order"]
    token = await personalization_token(kasse, order["id"])
    assert (await get_order(kasse, token)).status_code == 404  # not binding yet
    buyer = {"name": "Bärbel", "surname": "Affe", "email": "baerbel@example.org"}
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/finalize",
        json={"order": {"customer": buyer, "completed": True}},
        headers=kasse.auth("two-phase"),
    )
    assert r.status_code == 200, r.text

    shown = await annual_order(kasse, token)
    assert shown["customer"]["name"] == "Bärbel" and shown["customer"]["addresses"] == []
    assert shown["shipping_address_id"] is None
    [card] = card_ids(shown)
    r = await bind(kasse, token, card, None, address_id=1)
    assert r.status_code == 422
    assert (
        r.json()["error"]
        == f"customer_adress_id: 1 is not an address of customer {shown['customer']['id']}"
    )

    address_id = await give_buyer_an_address(kasse, order["id"])
    shown = await annual_order(kasse, token)
    assert shown["shipping_address_id"] == address_id
    r = await bind(kasse, token, card, None, address_id=address_id)
    assert r.status_code == 200, r.text
    assert r.json()["personalization"]["customer"] == shown["customer"]
    assert r.json()["personalization"]["ready"] is True

    # The buyer's own record is kept by the shop, not changed through the link.
    r = await update_customer(kasse, token, shown["customer"]["id"], name="Mallory")
    assert r.status_code == 422 and "the order's buyer" in r.json()["error"]


async def test_an_order_without_a_buyer_needs_a_customer_token(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    [card] = card_ids(await annual_order(kasse, token))
    r = await bind(kasse, token, card, None, address_id=1)
    assert r.status_code == 422 and "names no buyer" in r.json()["error"]


async def test_rebinding_a_card_to_another_holder_drops_the_old_photo(
    kasse: Kasse, day: date
) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    [card] = card_ids(await annual_order(kasse, token))
    peter = await created_customer(kasse, token)
    wendy = await created_customer(kasse, token, WENDY)
    assert (await bind(kasse, token, card, peter)).status_code == 200
    assert (await upload(kasse, token, card, image_bytes())).status_code == 200
    r = await bind(kasse, token, card, peter, dispatch_mode_id=1)  # same holder: photo stays
    assert r.json()["personalization"]["portrait"] is True
    assert r.json()["personalization"]["dispatch_mode_id"] == 1
    r = await bind(kasse, token, card, wendy, dispatch_mode_id=None)
    assert r.json()["personalization"]["portrait"] is False
    assert r.json()["personalization"]["dispatch_mode_id"] == 1  # kept when not given


async def test_a_pass_that_is_not_personalizable_needs_a_dispatch_mode_only(
    kasse: Kasse, day: date
) -> None:
    await kasse.load(
        {
            "tickets": [
                {
                    "id": 80,
                    "title": "Jahreskarte übertragbar",
                    "description": "Für alle Häuser",
                    "ticket_type": "annual",
                    "price_cents": 4500,
                    "museum_ids": [1],
                    "personalizeable": False,
                }
            ]
        }
    )
    order = await buy_passes(kasse, day, 2, ticket_id=80)
    token = await personalization_token(kasse, order["id"])
    shown = await annual_order(kasse, token)
    [sale] = shown["ticket_sales"]
    assert (sale["is_personalizable"], sale["description"]) == (False, "Für alle Häuser")
    first, _ = card_ids(shown)
    peter = await created_customer(kasse, token)
    r = await bind(kasse, token, first, peter)
    assert r.status_code == 422 and "is not personalizable" in r.json()["error"]
    assert (await upload(kasse, token, first, image_bytes())).status_code == 422
    assert (await finalize(kasse, token)).status_code == 422

    r = await move(kasse, token, sale["id"], day.isoformat(), dispatch_mode_id=1)
    assert r.status_code == 200, r.text
    assert [
        (p["ready"], p["dispatch_mode_id"]) for p in r.json()["ticket_sale"]["personalizations"]
    ] == [(True, 1), (True, 1)]
    assert (await finalize(kasse, token)).status_code == 200


async def test_orders_without_annual_passes_have_no_flow(kasse: Kasse, day: date) -> None:
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 1, "quantity": 1, "time": kasse.local(day, "12:00")},
            }
        ],
        "total": 1200,
    }
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth())
    assert r.status_code == 200
    async with kasse.instance.read_sessions() as session:
        order = await session.get(Order, r.json()["order"]["id"])
    assert order is not None and order.personalization_token is None


async def test_a_cancelled_pass_leaves_the_flow_and_a_cancelled_order_closes_it(
    kasse: Kasse, day: date
) -> None:
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 8, "quantity": 1, "time": kasse.local(day, "10:00")},
            },
            {
                "type": "Ticket",
                "attributes": {"id": 8, "quantity": 1, "time": kasse.local(day, "10:00")},
            },
        ],
        "total": 9000,
    }
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth())
    order = r.json()["order"]
    token = await personalization_token(kasse, order["id"])
    first_card, second_card = card_ids(await annual_order(kasse, token))
    first_item = order["items"][0]
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/cancellations",
        json={"order_item_ids": [first_item["id"]]},
        headers=kasse.auth(),
    )
    assert r.status_code == 200, r.text
    shown = await annual_order(kasse, token)
    assert card_ids(shown) == [second_card]
    peter = await created_customer(kasse, token)
    assert (await bind(kasse, token, first_card, peter)).status_code == 404
    r = await move(kasse, token, first_item["attributes"]["id"], day.isoformat())
    assert r.status_code == 404

    r = await kasse.client.post(f"{ORDERS}/{order['id']}/cancellations", headers=kasse.auth())
    assert r.status_code == 200, r.text
    for response in (
        await get_order(kasse, token),
        await finalize(kasse, token),
        await bind(kasse, token, second_card, peter),
        await create_customer(kasse, token),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "personalization not found"}


async def test_a_link_creates_a_few_customers_per_card_not_endless_ones(
    kasse: Kasse, day: date
) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    for index in range(12):  # 10 + 2 per card
        await created_customer(kasse, token, {**PETER, "email": f"p{index}@example.com"})
    r = await create_customer(kasse, token)
    assert r.status_code == 422 and "has 12 customers already" in r.json()["error"]


async def test_the_order_reads_in_the_same_number_of_queries_however_many_cards(
    kasse: Kasse, day: date
) -> None:
    async def queries_to_read(quantity: int) -> int:
        _, token = await passes_with_token(kasse, day, quantity)
        for card in card_ids(await annual_order(kasse, token)):
            holder = await created_customer(kasse, token, {**PETER, "email": f"{card}@example.com"})
            assert (await bind(kasse, token, card, holder)).status_code == 200
            assert (await upload(kasse, token, card, image_bytes((200, 200)))).status_code == 200
        statements: list[str] = []

        def count(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        engine = kasse.instance.read_engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            await annual_order(kasse, token)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    assert await queries_to_read(1) == await queries_to_read(5)


async def test_the_flow_needs_no_api_token_and_ignores_one(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    for headers in ({"Authorization": "Basic bm9wZQ=="}, {"Authorization": "Bearer wrong"}):
        r = await kasse.client.get(f"{ANNUAL}/order", params={"token": token}, headers=headers)
        assert r.status_code == 200, r.text


async def test_the_buyers_address_given_at_finalize_can_receive_a_card(
    kasse: Kasse, day: date
) -> None:
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 8, "quantity": 1, "time": kasse.local(day, "10:00")},
            }
        ],
        "total": 4500,
    }
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth("two-phase"))
    order = r.json()["order"]
    buyer = {
        "name": "Bärbel",
        "surname": "Affe",
        "email": "baerbel@example.org",
        "addr_street": "Brunnenstr. 7d",
        "addr_zip": "10119",
        "addr_city": "Berlin",
        "addr_country": "DE",
    }
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/finalize",
        json={"order": {"customer": buyer, "completed": True}},
        headers=kasse.auth("two-phase"),
    )
    assert r.status_code == 200, r.text
    token = await personalization_token(kasse, order["id"])

    shown = await annual_order(kasse, token)
    [address] = shown["customer"]["addresses"]
    assert address == {
        "id": address["id"],
        "zip": "10119",
        "street": "Brunnenstr. 7d",
        "country_id": GERMANY,
        "city": "Berlin",
    }
    assert shown["shipping_address_id"] == address["id"]
    [card] = card_ids(shown)
    r = await bind(kasse, token, card, None, address_id=address["id"])
    assert r.status_code == 200, r.text
    assert r.json()["personalization"]["ready"] is True
