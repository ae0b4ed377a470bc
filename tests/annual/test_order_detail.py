"""The buyer's caller sees the cards of its annual passes in the order itself."""

from __future__ import annotations

from datetime import date

from tests.annual.support import (
    ORDERS,
    annual_order,
    bind,
    buy_passes,
    card_ids,
    created_customer,
    personalization_token,
)
from tests.conftest import Kasse


async def test_the_order_detail_shows_the_cards_and_the_flow_token(kasse: Kasse, day: date) -> None:
    order = await buy_passes(kasse, day, 2)
    token = await personalization_token(kasse, order["id"])
    assert order["personalization_token"] == token
    [item] = order["items"]
    cards = item["attributes"]["personalizations"]
    assert [c["ready"] for c in cards] == [False, False]
    assert [c["customer"] for c in cards] == [None, None]

    first, _ = card_ids(await annual_order(kasse, token))
    peter = await created_customer(kasse, token)
    assert (await bind(kasse, token, first, peter)).status_code == 200

    r = await kasse.client.get(f"{ORDERS}/{order['id']}", headers=kasse.auth("reseller"))
    assert r.status_code == 200
    shown = r.json()["order"]["items"][0]["attributes"]["personalizations"]
    assert shown == (await annual_order(kasse, token))["ticket_sales"][0]["personalizations"]
    assert shown[0]["customer"]["name"] == "Peter" and shown[1]["customer"] is None


async def test_orders_without_annual_passes_have_no_cards_and_no_token(
    kasse: Kasse, day: date
) -> None:
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": 1, "quantity": 1, "time": kasse.local(day, "10:00")},
            }
        ],
        "total": 1200,
    }
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth("reseller"))
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    assert order["personalization_token"] is None
    assert order["items"][0]["attributes"]["personalizations"] == []
    r = await kasse.client.get(ORDERS, headers=kasse.auth("reseller"))
    assert r.json()["orders"][0]["items"][0]["attributes"]["personalizations"] == []
