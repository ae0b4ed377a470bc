"""The rest of the order lifecycle: lookup by barcode, the sub-resources of an order, rating,
customers found again by foreign_id, and how expired orders look before and after housekeeping."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from tests.orders.test_finalize import (
    CUSTOMER,
    HOLD,
    ORDERS,
    barcodes_of,
    cancel,
    count,
    create,
    finalize,
    finalized,
    item,
    show,
)

from kasse.core.ids import hash_token
from kasse.models import ApiToken, Customer, Order
from kasse.orders.housekeeping import tidy_once


async def get(kasse: Any, path: str, who: str | None = "two-phase") -> Any:
    return await kasse.client.get(path, headers=kasse.auth(who) if who else {})


# --- lookup by barcode ----------------------------------------------------------------------------


async def test_every_barcode_finds_its_order(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten), item(11, 1, ten))
    order = await finalized(kasse, created["id"])
    codes = barcodes_of(order)
    assert len(codes) == 3
    for code in codes:
        for who in ("two-phase", "user", "cashpoint"):
            r = await get(kasse, f"{ORDERS}/barcode/{code}", who)
            assert r.status_code == 200, r.text
            assert r.json() == {"order": order}


async def test_a_direct_orders_barcode_finds_it_at_once(kasse, day):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    [code] = barcodes_of(order)
    r = await get(kasse, f"{ORDERS}/barcode/{code}", "reseller")
    assert r.status_code == 200, r.text
    assert r.json()["order"]["id"] == order["id"]


async def test_before_finalize_there_is_no_barcode_to_find(kasse, day):
    created = await create(kasse, item(3, 2, kasse.local(day, "10:00")))
    assert barcodes_of(created) == []
    # A finalized order's barcode, which the created order does not have.
    other = await finalized(
        kasse, (await create(kasse, item(3, 1, kasse.local(day, "11:00"))))["id"]
    )
    [code] = barcodes_of(other)
    r = await get(kasse, f"{ORDERS}/barcode/{code}")
    assert r.json()["order"]["id"] == other["id"]
    order = await finalized(kasse, created["id"])
    for code in barcodes_of(order):
        r = await get(kasse, f"{ORDERS}/barcode/{code}")
        assert r.json()["order"]["id"] == created["id"]


@pytest.mark.parametrize("code", ["0000000000000", "T123-456-789", "x" * 100, "%20"])
async def test_an_unknown_barcode_is_404(kasse, day, code):
    await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    r = await get(kasse, f"{ORDERS}/barcode/{code}", "reseller")
    assert r.status_code == 404, r.text
    assert "error" in r.json()


async def test_another_resellers_barcode_is_404(kasse, day):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    [code] = barcodes_of(order)
    other = await kasse.new_token("reseller")
    for headers in (kasse.auth("two-phase"), {"Authorization": f"Bearer {other}"}):
        r = await kasse.client.get(f"{ORDERS}/barcode/{code}", headers=headers)
        assert r.status_code == 404, r.text
    r = await get(kasse, f"{ORDERS}/barcode/{code}", "customer")
    assert r.status_code == 404, r.text
    r = await get(kasse, f"{ORDERS}/barcode/{code}", None)
    assert r.status_code == 401, r.text


async def test_a_cancelled_orders_barcode_still_finds_it(kasse, day):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    [code] = barcodes_of(order)
    assert (await cancel(kasse, order["id"], who="reseller")).status_code == 200
    r = await get(kasse, f"{ORDERS}/barcode/{code}", "reseller")
    assert r.status_code == 200, r.text
    assert (r.json()["order"]["status"], r.json()["order"]["is_valid"]) == ("cancelled", False)


# --- sub-resources --------------------------------------------------------------------------------


async def test_the_tickets_of_an_order(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten), item(11, 1, ten))
    for ref in (created["id"], created["token"]):
        r = await get(kasse, f"{ORDERS}/{ref}/tickets")
        assert r.status_code == 200, r.text
        assert r.json() == {
            "tickets": [i["attributes"] for i in created["items"]],
            "meta": {"total_count": 2, "page": 1, "per_page": 25},
        }
    order = await finalized(kasse, created["id"])
    r = await get(kasse, f"{ORDERS}/{order['id']}/tickets")
    tickets = r.json()["tickets"]
    assert tickets == [i["attributes"] for i in order["items"]]
    assert [len(t["barcodes"]) for t in tickets] == [2, 1]


async def test_the_items_of_an_order_come_in_pages(kasse, day):
    ten, eleven = kasse.local(day, "10:00"), kasse.local(day, "11:00")
    order = await create(kasse, item(3, 1, ten), item(11, 1, ten), item(3, 2, eleven))
    attributes = [i["attributes"] for i in order["items"]]
    pages = {  # query: the items, page, per_page
        "page=1&per_page=2": (attributes[:2], 1, 2),
        "page=2&per_page=2": (attributes[2:], 2, 2),
        "page=3&per_page=2": ([], 3, 2),
        "per_page=1000": (attributes, 1, 1000),
    }
    for query, (expected, page, per_page) in pages.items():
        r = await get(kasse, f"{ORDERS}/{order['id']}/tickets?{query}")
        assert r.status_code == 200, r.text
        assert r.json() == {
            "tickets": expected,
            "meta": {"total_count": 3, "page": page, "per_page": per_page},
        }
    for query in ("per_page=0", "per_page=1001", "page=0", "page=x"):
        for kind in ("tickets", "coupons", "events", "tours", "invoices"):
            r = await get(kasse, f"{ORDERS}/{order['id']}/{kind}?{query}")
            assert r.status_code == 422, r.text
            assert "error" in r.json()


async def test_the_invoices_of_an_order_come_in_pages(kasse, day):
    order = await finalized(
        kasse, (await create(kasse, item(3, 1, kasse.local(day, "10:00"))))["id"]
    )
    r = await get(kasse, f"{ORDERS}/{order['id']}/invoices?page=2&per_page=1")
    assert r.json() == {"invoices": [], "meta": {"total_count": 1, "page": 2, "per_page": 1}}
    r = await get(kasse, f"{ORDERS}/{order['id']}/events?page=2&per_page=10")
    assert r.json() == {"events": [], "meta": {"total_count": 0, "page": 2, "per_page": 10}}


@pytest.mark.parametrize("kind", ["events", "tours", "coupons"])
async def test_events_tours_and_coupons_of_an_order_are_empty(kasse, day, kind):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    for ref in (order["id"], order["token"]):
        r = await get(kasse, f"{ORDERS}/{ref}/{kind}")
        assert r.status_code == 200, r.text
        assert r.json() == {kind: [], "meta": {"total_count": 0, "page": 1, "per_page": 25}}


async def test_the_invoice_appears_with_the_completed_finalize(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    empty = {"invoices": [], "meta": {"total_count": 0, "page": 1, "per_page": 25}}
    r = await get(kasse, f"{ORDERS}/{created['id']}/invoices")
    assert r.status_code == 200, r.text
    assert r.json() == empty
    r = await finalize(kasse, created["id"], customer=CUSTOMER)  # not completed yet
    assert (await get(kasse, f"{ORDERS}/{created['id']}/invoices")).json() == empty
    order = await finalized(kasse, created["id"])
    assert order["invoice"] is True
    year = kasse.clock.now().astimezone(kasse.instance.tz).year
    for ref in (created["id"], created["token"]):
        r = await get(kasse, f"{ORDERS}/{ref}/invoices")
        assert r.json() == {
            "invoices": [
                {
                    "number": f"{year}-000001",
                    "url": f"/api/v4/orders/{created['id']}/invoice.pdf?token={created['token']}",
                }
            ],
            "meta": {"total_count": 1, "page": 1, "per_page": 25},
        }


@pytest.mark.parametrize("kind", ["tickets", "events", "tours", "coupons", "invoices"])
async def test_sub_resources_of_someone_elses_order_are_hidden(kasse, day, kind):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    for who in ("two-phase", "customer"):
        r = await get(kasse, f"{ORDERS}/{order['id']}/{kind}", who)
        assert r.status_code == 404, r.text
    r = await get(kasse, f"{ORDERS}/{order['token']}/{kind}", "two-phase")
    assert r.status_code == 404, r.text
    r = await get(kasse, f"{ORDERS}/{order['id']}/{kind}", None)
    assert r.status_code == 401, r.text
    r = await get(kasse, f"{ORDERS}/999999/{kind}", "reseller")
    assert r.status_code == 404, r.text
    r = await get(kasse, f"{ORDERS}/{order['id']}/{kind}", "user")
    assert r.status_code == 200, r.text


# --- rating ---------------------------------------------------------------------------------------
# A customer token cannot create orders (only user, cash point and reseller tokens sell), so in
# this design no order belongs to a customer token through the API. The tests give one order to
# the customer token in the database to check that rating works once such orders exist.


async def give_to_customer(kasse: Any, order_id: int) -> None:
    async with kasse.instance.write_sessions() as session, session.begin():
        customer_token = await session.scalar(
            select(ApiToken.id).where(ApiToken.token_hash == hash_token(kasse.tokens["customer"]))
        )
        await session.execute(
            update(Order).where(Order.id == order_id).values(api_token_id=customer_token)
        )


async def rate(kasse: Any, ref: Any, rating: Any, who: str | None = "customer") -> Any:
    return await kasse.client.put(
        f"{ORDERS}/{ref}/rate", json={"rating": rating}, headers=kasse.auth(who) if who else {}
    )


async def test_a_customer_cannot_create_an_order_to_rate(kasse, day):
    body = {"items": [item(3, 1, kasse.local(day, "10:00"))], "total": 1400}
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth("customer"))
    assert r.status_code == 403, r.text


async def test_the_customer_rates_its_own_order(kasse, day):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    await give_to_customer(kasse, order["id"])
    for rating in (5, 1, 3):
        r = await rate(kasse, order["id"], rating)
        assert r.status_code == 200, r.text
        assert r.json()["order"]["rating"] == rating
    r = await rate(kasse, order["token"], 4)
    assert r.status_code == 200, r.text
    assert (await show(kasse, order["id"], who="customer"))["rating"] == 4
    assert (await show(kasse, order["id"], who="user"))["rating"] == 4


@pytest.mark.parametrize("rating", [0, 6, -1, "gut", None, 2.5])
async def test_a_rating_outside_one_to_five_is_refused(kasse, day, rating):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    await give_to_customer(kasse, order["id"])
    r = await rate(kasse, order["id"], rating)
    assert r.status_code == 422, r.text
    assert (await show(kasse, order["id"], who="customer"))["rating"] is None


async def test_only_the_customer_may_rate(kasse, day):
    order = await create(kasse, item(3, 1, kasse.local(day, "10:00")), who="reseller")
    for who in ("reseller", "cashpoint", "user"):
        r = await rate(kasse, order["id"], 5, who)
        assert r.status_code == 403, r.text
    r = await rate(kasse, order["id"], 5, None)
    assert r.status_code == 401, r.text
    r = await rate(kasse, order["id"], 5)  # the customer, on an order that is not its own
    assert r.status_code == 404, r.text
    assert (await show(kasse, order["id"], who="reseller"))["rating"] is None


# --- customers ------------------------------------------------------------------------------------


async def customer_row(kasse: Any, customer_id: int) -> Customer:
    async with kasse.instance.read_sessions() as session:
        customer = await session.get(Customer, customer_id)
        assert customer is not None
        return customer


async def test_a_known_foreign_id_is_the_same_customer(kasse, day):
    ten = kasse.local(day, "10:00")
    first = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"])
    second = await finalized(
        kasse, (await create(kasse, item(3, 1, ten)))["id"], customer={"foreign_id": "SF-12345"}
    )
    assert second["customer_id"] == first["customer_id"]
    assert await count(kasse, Customer) == 1
    customer = await customer_row(kasse, first["customer_id"])
    assert (customer.name, customer.email) == ("Schmidt", "lukas@example.com")


async def test_a_known_foreign_id_with_new_details_updates_the_customer(kasse, day):
    ten = kasse.local(day, "10:00")
    first = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"])
    moved = {"foreign_id": "SF-12345", "addr_city": "Hamburg", "email": "neu@example.com"}
    second = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"], customer=moved)
    assert second["customer_id"] == first["customer_id"]
    customer = await customer_row(kasse, first["customer_id"])
    assert (customer.name, customer.addr_city, customer.email) == (
        "Schmidt",
        "Hamburg",
        "neu@example.com",
    )


async def test_an_unknown_foreign_id_alone_is_refused(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(kasse, created["id"], customer={"foreign_id": "NOBODY"}, completed=True)
    assert r.status_code == 422, r.text
    assert "NOBODY" in r.json()["error"]
    assert await show(kasse, created["id"]) == created
    assert await count(kasse, Customer) == 0


async def test_a_customer_needs_a_foreign_id_or_details(kasse, day):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(kasse, created["id"], customer={}, completed=True)
    assert r.status_code == 422, r.text
    assert await show(kasse, created["id"]) == created


async def test_customers_without_foreign_id_are_new_each_time(kasse, day):
    ten = kasse.local(day, "10:00")
    person = {"name": "Anna", "surname": "Berg", "email": "anna@example.com"}
    a = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"], customer=person)
    b = await finalized(kasse, (await create(kasse, item(3, 1, ten)))["id"], customer=person)
    assert a["customer_id"] != b["customer_id"]
    assert (await customer_row(kasse, a["customer_id"])).foreign_id is None


async def test_an_institution_is_stored_with_the_customer(kasse, day):
    created = await create(kasse, item(3, 5, kasse.local(day, "10:00")))
    school = CUSTOMER | {"foreign_id": "SCHOOL-1", "addr_institution": "Gymnasium am Dom"}
    order = await finalized(kasse, created["id"], customer=school)
    customer = await customer_row(kasse, order["customer_id"])
    assert customer.addr_institution == "Gymnasium am Dom"
    assert customer.foreign_id == "SCHOOL-1"


@pytest.mark.parametrize(
    "email", ["lukas", "lukas@", "@example.com", "lukas@example", "lu kas@example.com", ""]
)
async def test_an_invalid_email_is_refused(kasse, day, email):
    created = await create(kasse, item(3, 1, kasse.local(day, "10:00")))
    r = await finalize(kasse, created["id"], customer=CUSTOMER | {"email": email}, completed=True)
    assert r.status_code == 422, r.text
    assert "email" in " ".join(r.json().get("errors", [])), r.json()
    assert await show(kasse, created["id"]) == created
    assert await count(kasse, Customer) == 0


# --- expiry as callers see it ---------------------------------------------------------------------


async def listed_ids(kasse: Any, query: str) -> list[int]:
    r = await get(kasse, f"{ORDERS}{query}")
    assert r.status_code == 200, r.text
    return [o["id"] for o in r.json()["orders"]]


async def test_the_valid_filter_knows_expired_orders(kasse, day):
    ten = kasse.local(day, "10:00")
    stale = await create(kasse, item(3, 1, ten))
    kasse.clock.advance(HOLD - timedelta(minutes=1))
    fresh = await create(kasse, item(3, 1, ten))
    assert await listed_ids(kasse, "?valid=true") == [fresh["id"], stale["id"]]
    kasse.clock.advance(timedelta(minutes=1))
    for _ in range(2):  # before and after the housekeeping
        assert await listed_ids(kasse, "?valid=true") == [fresh["id"]]
        assert await listed_ids(kasse, "?valid=false") == [stale["id"]]
        assert await listed_ids(kasse, "") == [fresh["id"], stale["id"]]
        await tidy_once(kasse.instance, kasse.clock)


async def test_an_expired_order_looks_the_same_before_and_after_housekeeping(kasse, day):
    ten = kasse.local(day, "10:00")
    created = await create(kasse, item(3, 2, ten), item(4, 1, ten))
    kasse.clock.advance(HOLD)
    before = await show(kasse, created["id"])
    listed_before = (await get(kasse, f"{ORDERS}")).json()
    await tidy_once(kasse.instance, kasse.clock)
    assert await show(kasse, created["id"]) == before
    assert (await get(kasse, f"{ORDERS}")).json() == listed_before
    assert (before["status"], before["is_valid"], before["expires_at"]) == (
        "cancelled",
        False,
        None,
    )
    assert [i["cancelled"] for i in before["items"]] == [True, True]
