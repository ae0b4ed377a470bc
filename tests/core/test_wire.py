"""Integers on the wire (core/wire.py): within what the database stores, and never a boolean.

Every integer field of the order and reservation bodies gets numbers beyond PostgreSQL's INTEGER
and booleans: the answer is a 422 in the API's error shape (never a 500), and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.orders.test_finalize import CUSTOMER, ORDERS, PAYMENT, create, item, left, show

RESERVATIONS = "/api/v4/tickets/reservations"
NOT_A_DB_INTEGER = (
    st.booleans() | st.integers(min_value=2**31) | st.integers(max_value=-(2**31) - 1)
)


def ticket(value: Any, time: str) -> dict[str, Any]:
    return {"items": [item(value, 1, time)], "total": 1400}


def coupon(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"items": [{"type": "Coupon", "attributes": attributes}], "total": 0}


# field -> (method, path, body); {order} and {reservation} stand for a live order and hold.
Body = Callable[[Any, str], dict[str, Any]]
FIELDS: dict[str, tuple[str, str, Body]] = {
    "order ticket id": ("POST", ORDERS, ticket),
    "order ticket quantity": (
        "POST",
        ORDERS,
        lambda v, t: ticket(3, t) | {"items": [item(3, v, t)]},
    ),
    "order coupon id": ("POST", ORDERS, lambda v, t: coupon({"id": v, "quantity": 1})),
    "order coupon quantity": ("POST", ORDERS, lambda v, t: coupon({"id": 1, "quantity": v})),
    "order total": ("POST", ORDERS, lambda v, t: ticket(3, t) | {"total": v}),
    "finalize salutation_id": (
        "POST",
        ORDERS + "/{order}/finalize",
        lambda v, t: {"order": {"customer": CUSTOMER | {"salutation_id": v}}},
    ),
    "finalize amount_cents": (
        "POST",
        ORDERS + "/{order}/finalize",
        lambda v, t: {"order": {"payment": PAYMENT | {"amount_cents": v}}},
    ),
    "cancellation order_item_ids": (
        "POST",
        ORDERS + "/{order}/cancellations",
        lambda v, t: {"order_item_ids": [v]},
    ),
    "rating": ("PUT", ORDERS + "/{order}/rate", lambda v, t: {"rating": v}),
    "reservation ticket_id": (
        "POST",
        RESERVATIONS,
        lambda v, t: {"reservation": {"ticket_id": v, "quantity": 1, "start_at": t}},
    ),
    "reservation quantity": (
        "POST",
        RESERVATIONS,
        lambda v, t: {"reservation": {"ticket_id": 3, "quantity": v, "start_at": t}},
    ),
    "reservation update quantity": (
        "PUT",
        RESERVATIONS + "/{reservation}",
        lambda v, t: {"reservation": {"quantity": v}},
    ),
}


async def what_could_change(kasse: Any, order: dict[str, Any], ten: str) -> tuple[Any, ...]:
    listed = await kasse.client.get(f"{ORDERS}?per_page=1", headers=kasse.auth("two-phase"))
    assert listed.status_code == 200, listed.text
    return listed.json()["meta"], await show(kasse, order["id"]), await left(kasse, 3, ten)


@pytest.fixture
async def live(kasse: Any, day: Any) -> dict[str, Any]:
    """A created order and a reservation, shared by every example: none may change them."""
    ten = kasse.local(day, "10:00")
    body = {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": ten}}
    r = await kasse.client.post(RESERVATIONS, json=body, headers=kasse.auth("two-phase"))
    assert r.status_code == 200, r.text
    order = await create(kasse, item(3, 1, ten))
    return {"ten": ten, "order": order, "reservation": r.json()["reservation"]["token"]}


@pytest.mark.anyio
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    # The fixture's order and reservation are shared on purpose: no example may change them.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(sorted(FIELDS)), value=NOT_A_DB_INTEGER)
async def test_no_integer_field_takes_what_the_database_cannot_store(kasse, live, field, value):
    method, path, body = FIELDS[field]
    order, ten = live["order"], live["ten"]
    before = await what_could_change(kasse, order, ten)
    r = await kasse.client.request(
        method,
        path.format(order=order["id"], reservation=live["reservation"]),
        json=body(value, ten),
        headers=kasse.auth("two-phase"),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid request", r.text
    assert await what_could_change(kasse, order, ten) == before
