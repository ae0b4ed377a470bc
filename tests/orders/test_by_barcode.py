"""GET /orders/barcode/:code: the order of a barcode, for callers who may see that order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.helpers import recorded_statements
from tests.orders.test_finalize import create, item

ORDERS = "/api/v4/orders"
MISSING = "4006381333931"


async def barcode_of_reseller_order(kasse: Any, day: Any) -> tuple[dict[str, Any], str]:
    order = await create(kasse, item(1, 1, kasse.local(day, "10:00")), who="reseller")
    return order, order["items"][0]["attributes"]["barcodes"][0]["barcode"]


async def test_the_owner_finds_its_order_by_barcode(kasse, day):
    order, barcode = await barcode_of_reseller_order(kasse, day)
    for who in ("reseller", "cashpoint", "user"):
        r = await kasse.client.get(f"{ORDERS}/barcode/{barcode}", headers=kasse.auth(who))
        assert r.status_code == 200, r.text
        assert r.json()["order"]["id"] == order["id"]


@pytest.mark.parametrize("caller", ["another reseller", "a cash point of museum 2"])
async def test_another_callers_barcode_costs_the_same_as_a_missing_one(kasse, day, caller):
    _, barcode = await barcode_of_reseller_order(kasse, day)
    if caller == "another reseller":
        headers = kasse.auth("two-phase")
    else:
        headers = {"Authorization": f"Bearer {await kasse.new_token('cashpoint', [2])}"}

    async def lookup(code: str) -> tuple[list[str], httpx.Response]:
        with recorded_statements(kasse.instance) as statements:
            r = await kasse.client.get(f"{ORDERS}/barcode/{code}", headers=headers)
        return statements, r

    (foreign, foreign_answer), (missing, missing_answer) = (
        await lookup(barcode),
        await lookup(MISSING),
    )
    # The same statements for both: the visibility is part of the one lookup.
    assert len(foreign) == len(missing)
    assert foreign == missing
    for code, r in ((barcode, foreign_answer), (MISSING, missing_answer)):
        assert r.status_code == 404, r.text
        assert r.json() == {"error": f"barcode {code} not found"}
