"""A personalization token reaches its own order and nothing else; every miss changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.annual.support import (
    ANNUAL,
    PETER,
    WENDY,
    annual_order,
    bind,
    card_ids,
    create_customer,
    created_customer,
    finalize,
    get_order,
    image_bytes,
    move,
    passes_with_token,
    update_customer,
    upload,
)
from tests.conftest import Kasse

NOT_FOUND = {"error": "personalization not found"}


@pytest.fixture
async def two_orders(kasse: Kasse, day: date) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """Two orders of passes, each with a customer of its own bound to its first card."""
    _, mine = await passes_with_token(kasse, day, 1)
    _, theirs = await passes_with_token(kasse, day, 2)
    for token in (mine, theirs):
        holder = await created_customer(kasse, token)
        assert (
            await bind(kasse, token, card_ids(await annual_order(kasse, token))[0], holder)
        ).status_code == 200
    return mine, theirs, await annual_order(kasse, mine), await annual_order(kasse, theirs)


@pytest.mark.parametrize(
    "token",
    [None, "", "x", "A" * 32, "A" * 500, "%20", "' OR 1=1 --"],
)
async def test_a_wrong_or_missing_token_is_the_same_404_everywhere(
    kasse: Kasse, day: date, token: str | None
) -> None:
    order, good = await passes_with_token(kasse, day, 1)
    before = await annual_order(kasse, good)
    [card] = card_ids(before)
    sale_id = before["ticket_sales"][0]["id"]
    for response in (
        await get_order(kasse, token),
        await create_customer(kasse, token),
        await update_customer(kasse, token, 1, name="X"),
        await bind(kasse, token, card, None, address_id=1),
        await upload(kasse, token, card, image_bytes()),
        await finalize(kasse, token),
        await move(kasse, token, sale_id, date.today().isoformat()),
    ):
        assert response.status_code == 404, response.text
        assert response.json() == NOT_FOUND
    assert await annual_order(kasse, good) == before
    # the order's own token opens only the personalization flow, and the other way round
    assert (await get_order(kasse, order["token"])).status_code == 404
    r = await kasse.client.get(f"/api/v4/orders/{order['id']}/tickets/{sale_id}.pdf?token={good}")
    assert r.status_code == 404


async def test_ids_of_another_order_are_not_found_and_nothing_changes(
    kasse: Kasse, two_orders: tuple[str, str, dict[str, Any], dict[str, Any]]
) -> None:
    mine, theirs, my_order, their_order = two_orders
    their_card = card_ids(their_order)[1]
    their_sale = their_order["ticket_sales"][0]["id"]
    their_customer = their_order["ticket_sales"][0]["personalizations"][0]["customer"]
    my_customer = my_order["ticket_sales"][0]["personalizations"][0]["customer"]
    my_holder = {"personalization_token": "unused", "addresses": my_customer["addresses"]}

    responses = {
        "card": await bind(kasse, mine, their_card, None, address_id=1),
        "upload": await upload(kasse, mine, their_card, image_bytes()),
        "customer": await update_customer(kasse, mine, their_customer["id"], name="Mallory"),
        "sale": await move(kasse, mine, their_sale, date.today().isoformat()),
        "unknown customer": await update_customer(kasse, mine, 2**31 - 1, name="Mallory"),
    }
    for what, response in responses.items():
        assert response.status_code == 404, (what, response.text)
        assert response.json()["error"].endswith(" not found")
    # A made-up customer token and one of another order look alike: both unknown here.
    for token in (
        "unused",
        (await created_customer(kasse, theirs, WENDY))["personalization_token"],
    ):
        r = await bind(
            kasse, mine, card_ids(my_order)[0], {**my_holder, "personalization_token": token}
        )
        assert r.status_code == 422
        assert r.json() == {
            "error": "customer_personalization_token: no customer of this order has this token"
        }
    # An address of another customer (here: of the other order) is not this customer's.
    mine_holder = await created_customer(kasse, mine, WENDY)
    their_address = their_customer["addresses"][0]["id"]
    r = await bind(kasse, mine, card_ids(my_order)[0], mine_holder, address_id=their_address)
    assert r.status_code == 422
    assert r.json()["error"] == (
        f"customer_adress_id: {their_address} is not an address of customer {mine_holder['id']}"
    )

    assert await annual_order(kasse, theirs) == {
        **their_order,
        "ticket_sales": their_order["ticket_sales"],
    }
    mine_now = await annual_order(kasse, mine)
    assert mine_now == my_order


async def test_path_ids_out_of_range_and_bad_bodies_are_refused(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    before = await annual_order(kasse, token)
    [card] = card_ids(before)
    params = {"token": token}
    for path in (f"{ANNUAL}/personalizations/0", f"{ANNUAL}/personalizations/{2**31}"):
        r = await kasse.client.put(path, params=params, json={"personalization": {}})
        assert r.status_code == 422, r.text
    bodies: list[Any] = [
        {},
        {"personalization": {}},
        {"personalization": {"customer_adress_id": "x"}},
        {"personalization": {"customer_adress_id": 1, "dispatch_mode_id": 99}},
        {"personalization": {"customer_adress_id": 1, "customer_personalization_token": 5}},
        [],
    ]
    for body in bodies:
        r = await kasse.client.put(f"{ANNUAL}/personalizations/{card}", params=params, json=body)
        assert r.status_code == 422, (body, r.text)
    r = await kasse.client.put(
        f"{ANNUAL}/personalizations/{card}",
        params=params,
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert await annual_order(kasse, token) == before


async def test_nul_characters_are_refused_and_change_nothing(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    before = await annual_order(kasse, token)
    r = await create_customer(kasse, token, {**PETER, "name": "Pe\x00ter"})
    assert r.status_code == 422
    r = await kasse.client.get(f"{ANNUAL}/order?token={token}%00")
    assert r.status_code == 422
    peter = await created_customer(kasse, token)
    r = await update_customer(kasse, token, peter["id"], addr_city="Ber\x00lin")
    assert r.status_code == 422
    r = await move(kasse, token, before["ticket_sales"][0]["id"], "2026-01-01\x00")
    assert r.status_code == 422
    [card] = card_ids(before)
    assert (await annual_order(kasse, token))["ticket_sales"] == before["ticket_sales"]
    r = await bind(kasse, token, card, {**peter, "personalization_token": "a\x00b"})
    assert r.status_code == 422
    assert (await annual_order(kasse, token))["ticket_sales"] == before["ticket_sales"]


async def test_reading_twice_gives_the_same_answer(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 3)
    first = await get_order(kasse, token)
    kasse.clock.advance(timedelta(hours=5))
    second = await get_order(kasse, token)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
