"""A ticket's ``discount`` is a percentage taken off its price when it is ordered (reference)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import Kasse

ORDERS = "/api/v4/orders"
# 10.05 € less 10 %: 9.045 € a place, charged as 9.05 €
DISCOUNTED = {
    "museums": [{"id": 90, "title": "Haus", "opening_hours": dict.fromkeys(["wed"], "10:00-18:00")}],
    "quotas": [{"id": 90, "title": "Tag", "capacity": 100}],
    "tickets": [
        {"id": 900, "title": "Ermäßigt", "price_cents": 1005, "discount": 10, "vat_pct": 7.0,
         "museum_ids": [90], "quota_ids": [90]},
    ],
}  # fmt: skip


def _order(kasse: Kasse, day: date, ticket_id: int, quantity: int, total: int) -> dict[str, Any]:
    item = {"id": ticket_id, "quantity": quantity, "time": kasse.local(day, "10:00")}
    return {"items": [{"type": "Ticket", "attributes": item}], "total": total}


async def test_the_item_costs_the_discounted_price_per_place(kasse: Kasse, day: date) -> None:
    await kasse.load(DISCOUNTED)
    listed = (await kasse.client.get("/api/v4/tickets/900")).json()["ticket"]
    assert (listed["price_cents"], listed["discount"]) == (1005, 10)

    r = await kasse.client.post(
        ORDERS, json=_order(kasse, day, 900, 3, 3 * 905), headers=kasse.auth()
    )
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    assert order["total_price_cents"] == 2715
    assert [i["price_cents"] for i in order["items"]] == [2715]


async def test_the_undiscounted_total_is_refused(kasse: Kasse, day: date) -> None:
    await kasse.load(DISCOUNTED)
    for total in (3 * 1005, 2714):  # the list price; the discount on the sum, not per place
        r = await kasse.client.post(
            ORDERS, json=_order(kasse, day, 900, 3, total), headers=kasse.auth()
        )
        assert r.status_code == 422, r.text
        assert "2715" in r.text


async def test_the_demos_reduced_tickets_cost_half(kasse: Kasse, day: date) -> None:
    r = await kasse.client.post(ORDERS, json=_order(kasse, day, 2, 2, 1200), headers=kasse.auth())
    assert r.status_code == 200, r.text
    assert r.json()["order"]["items"][0]["price_cents"] == 1200
