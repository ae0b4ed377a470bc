"""Whatever a client sends to the order endpoints: a 4xx with ``{"error": ...}``, never a 5xx,
and a refused order writes nothing (no order, no places taken)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ORDERS = "/api/v4/orders"
PRICES = {1: 1200, 2: 600, 3: 1400, 4: 700, 5: 1800, 6: 1900, 7: 1500, 8: 4500, 9: 2400}
PRICES |= {10: 1000, 11: 1000}
CAPACITY_TICKETS = "ticket_ids[]=1&ticket_ids[]=5&ticket_ids[]=6&ticket_ids[]=9" + (
    "&ticket_ids[]=11&ticket_ids[]=61&ticket_ids[]=62"
)


async def state(kasse: Any, day: Any) -> tuple[Any, ...]:
    """What an order would change: the count and newest of the orders, and the places left on
    the days an order may use."""
    r = await kasse.client.get(f"{ORDERS}?per_page=1", headers=kasse.auth("user"))
    assert r.status_code == 200, r.text
    orders = r.json()
    caps = []
    for d in (day, day + timedelta(days=1)):
        r = await kasse.client.get(f"/api/v4/tickets/capacities?{CAPACITY_TICKETS}&date={d}")
        assert r.status_code == 200, r.text
        caps.append(r.json())
    return orders["meta"]["total_count"], [o["id"] for o in orders["orders"]], caps


async def assert_refused(kasse: Any, day: Any, response: Any, before: tuple[Any, ...]) -> None:
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"], body
    assert await state(kasse, day) == before


def good_item(kasse: Any, day: Any) -> dict[str, Any]:
    return {
        "type": "Ticket",
        "attributes": {"id": 3, "quantity": 2, "time": kasse.local(day, "10:00")},
    }


def good_order(kasse: Any, day: Any) -> dict[str, Any]:
    return {"items": [good_item(kasse, day)], "total": 2800}


# --- bodies that are not JSON at all ---------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"{'items': []}",
        b'{"items": [}',
        b"\xff\xfe\x00",
        b'{"total": 1400,}',
        b"[" * 5000,
    ],
)
async def test_malformed_json_is_400(kasse, day, raw):
    before = await state(kasse, day)
    r = await kasse.client.post(
        ORDERS, content=raw, headers={**kasse.auth(), "Content-Type": "application/json"}
    )
    assert r.status_code == 400, r.text
    await assert_refused(kasse, day, r, before)


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b"", "application/json"),
        (b"null", "application/json"),
        (b"items=1&total=2", "application/x-www-form-urlencoded"),
        (b"hello", "text/plain"),
    ],
)
async def test_no_usable_body_is_4xx(kasse, day, raw, content_type):
    before = await state(kasse, day)
    r = await kasse.client.post(
        ORDERS, content=raw, headers={**kasse.auth(), "Content-Type": content_type}
    )
    await assert_refused(kasse, day, r, before)


# --- JSON that is not an order ---------------------------------------------------------------

# Each case changes the good order: ("items", value) replaces a top-level key, ("attr", key,
# value) a key of the item's attributes, ("item", key, value) a key of the item; DROP removes it.
DROP = object()

CASES: list[tuple[str, ...] | tuple[Any, ...]] = [
    # wrong types
    ("top", "items", {}),
    ("top", "items", "Ticket"),
    ("top", "items", None),
    ("top", "total", "abc"),
    ("top", "total", None),
    ("top", "total", [2800]),
    ("top", "total", 2800.5),
    ("top", "comment", 5),
    ("top", "reference", {"a": 1}),
    ("top", "coupons", "SUMMER"),
    ("top", "coupons", [1, 2]),
    ("item", "attributes", [3, 2]),
    ("item", "attributes", None),
    ("attr", "id", "three"),
    ("attr", "id", 3.5),
    ("attr", "id", None),
    ("attr", "id", [3]),
    ("attr", "quantity", "two"),
    ("attr", "quantity", 1.5),
    ("attr", "quantity", None),
    ("attr", "time", "tomorrow at ten"),
    ("attr", "time", [2026]),
    ("attr", "time", {"date": "2026-01-01"}),
    ("attr", "reservations", "abc"),
    ("attr", "reservations", [1]),
    ("attr", "reservations", [None]),
    ("attr", "attendees", "Peter Pan"),
    ("attr", "attendees", [1, 2]),
    ("attr", "attendees", [{"name": "Peter"}, {"name": "Capt'n"}]),
    ("attr", "attendees", [{"name": 1, "surname": 2}, {"name": "A", "surname": "B"}]),
    ("attr", "sub_ticket_times", ["10:00"]),
    ("attr", "sub_ticket_times", {"61": "garbage"}),
    ("attr", "sub_ticket_times", {"61": None}),
    # negative, zero and huge quantities
    ("attr", "quantity", -1),
    ("attr", "quantity", 0),
    ("attr", "quantity", 11),
    ("attr", "quantity", 10**6),
    ("attr", "quantity", 2**63),
    ("attr", "quantity", 10**40),
    # totals
    ("top", "total", DROP),
    ("top", "total", -2800),
    ("top", "total", 10**13),
    ("top", "total", 10**40),
    ("top", "total", 2801),
    # items
    ("top", "items", []),
    ("top", "items", DROP),
    ("top", "items", [None]),
    ("top", "items", [1]),
    ("top", "items", [{}]),
    ("item", "type", "Event"),
    ("item", "type", "Tour"),
    ("item", "type", "Coupon"),
    ("item", "type", "ticket"),
    ("item", "type", ""),
    ("item", "type", None),
    ("item", "type", DROP),
    ("item", "attributes", DROP),
    ("attr", "id", DROP),
    ("attr", "quantity", DROP),
    ("attr", "time", DROP),
    # absurd dates
    ("attr", "time", "0001-01-01T00:00:00"),
    ("attr", "time", "0001-01-01T00:30:00+14:00"),
    ("attr", "time", "9999-12-31T23:59:59"),
    ("attr", "time", "9999-12-31T23:00:00-12:00"),
    ("attr", "time", "2026-02-30T10:00:00+01:00"),
    ("attr", "time", "2026-01-01T25:00:00+01:00"),
    ("attr", "time", "+10000-01-01T10:00:00"),
    ("attr", "time", "1970-01-01T00:00:00Z"),
    ("attr", "time", 0),
    ("attr", "time", -(10**12)),
    ("attr", "time", 10**20),
    ("attr", "time", 1e308),
    ("attr", "time", ""),
    # ids out of range
    ("attr", "id", 0),
    ("attr", "id", -1),
    ("attr", "id", 999),
    ("attr", "id", 2**31),
    ("attr", "id", 2**63),
    ("attr", "id", 10**40),
    # more than there may be
    ("top", "comment", "x" * 5001),
    ("top", "reference", "x" * 501),
    ("attr", "reservations", ["x" * 100] * 3),
    ("attr", "sub_ticket_times", {str(i): "2026-01-01T10:00:00" for i in range(30)}),
]


def apply(order: dict[str, Any], case: tuple[Any, ...]) -> dict[str, Any]:
    where, key, value = case
    target = {
        "top": order,
        "item": order["items"][0],
        "attr": order["items"][0]["attributes"],
    }[where]
    if value is DROP:
        del target[key]
    else:
        target[key] = value
    return order


def case_id(case: tuple[Any, ...]) -> str:
    where, key, value = case
    return f"{where}.{key}=" + ("DROP" if value is DROP else repr(value)[:30])


@pytest.mark.parametrize("case", CASES, ids=case_id)
async def test_a_bad_order_is_4xx_and_writes_nothing(kasse, day, case):
    before = await state(kasse, day)
    r = await kasse.client.post(
        ORDERS, json=apply(good_order(kasse, day), case), headers=kasse.auth()
    )
    await assert_refused(kasse, day, r, before)


async def test_too_many_items(kasse, day):
    before = await state(kasse, day)
    body = {"items": [good_item(kasse, day)] * 101, "total": 101 * 2800}
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth())
    await assert_refused(kasse, day, r, before)


@pytest.mark.parametrize("body", [[], "order", 42, None, {"order": {"items": []}}])
async def test_a_body_that_is_not_an_object(kasse, day, body):
    before = await state(kasse, day)
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth())
    await assert_refused(kasse, day, r, before)


async def test_the_good_order_itself_is_accepted(kasse, day):
    """The control: without the change each case makes, the order goes through."""
    r = await kasse.client.post(ORDERS, json=good_order(kasse, day), headers=kasse.auth())
    assert r.status_code == 200, r.text
    assert r.json()["order"]["total_price_cents"] == 2800


@pytest.mark.parametrize("field", ["quantity", "id"])
async def test_a_boolean_is_no_number(kasse, day, field):
    before = await state(kasse, day)
    order = good_order(kasse, day)
    order["items"][0]["attributes"][field] = True
    r = await kasse.client.post(ORDERS, json=order, headers=kasse.auth())
    assert r.status_code == 422, r.text
    assert any(e.startswith(f"items.0.Ticket.attributes.{field}:") for e in r.json()["errors"])
    await assert_refused(kasse, day, r, before)


async def test_an_item_id_beyond_the_database_integer_is_422_and_cancels_nothing(kasse, day):
    r = await kasse.client.post(ORDERS, json=good_order(kasse, day), headers=kasse.auth())
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    before = await state(kasse, day)
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/cancellations",
        json={"order_item_ids": [2**31]},
        headers=kasse.auth(),
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0].startswith("order_item_ids.0:"), r.text
    await assert_refused(kasse, day, r, before)
    shown = await kasse.client.get(f"{ORDERS}/{order['id']}", headers=kasse.auth())
    assert [i["cancelled"] for i in shown.json()["order"]["items"]] == [False]


# --- query parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=5000",
        "per_page=-1",
        "per_page=1e3",
        "page=0",
        "page=-3",
        "page=abc",
        "page=99999999999999999999",
        "start_at=garbage",
        "start_at=2026-13-01",
        "end_at=2026-02-30",
        "start_at=0001-01-01",
        "end_at=9999-12-31",
        "start_at=2026-01-02&end_at=2026-01-01",
        "valid=maybe",
        "only_my_orders=perhaps",
    ],
)
async def test_bad_list_parameters_are_422(kasse, day, query):
    before = await state(kasse, day)
    r = await kasse.client.get(f"{ORDERS}?{query}", headers=kasse.auth("user"))
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    assert await state(kasse, day) == before


# --- random orders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class At:
    """A time placeholder: ``clock`` on ``day + days``, resolved once the test knows its day."""

    days: int
    clock: str


class RightTotal:
    """The total placeholder: the correct price of the items, where it can be computed."""


def resolve(value: Any, kasse: Any, day: Any) -> Any:
    if isinstance(value, At):
        return kasse.local(day + timedelta(days=value.days), value.clock)
    if isinstance(value, dict):
        return {k: resolve(v, kasse, day) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, kasse, day) for v in value]
    return value


def price_of(items: Any) -> int:
    """What a well-formed order of ``items`` costs (0 where it is not well formed)."""
    total = 0
    for entry in items if isinstance(items, list) else []:
        attrs = entry.get("attributes") if isinstance(entry, dict) else None
        if not isinstance(attrs, dict):
            continue
        ticket, quantity = attrs.get("id"), attrs.get("quantity")
        if type(ticket) is int and type(quantity) is int:
            total += PRICES.get(ticket, 0) * quantity
    return total


def fill_total(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("total"), RightTotal):
        body["total"] = price_of(body.get("items"))
    return body


async def check_one(kasse: Any, day: Any, body: Any) -> bool:
    """Post ``body``: an accepted order costs what its items cost, a refused one changes nothing."""
    before = await state(kasse, day)
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth())
    if r.status_code == 200:
        order = r.json()["order"]
        items = order["items"]
        assert order["total_price_cents"] == body["total"]
        assert order["total_price_cents"] == sum(i["price_cents"] for i in items)
        for sold in items:
            attrs = sold["attributes"]
            assert sold["price_cents"] == PRICES[attrs["ticket_id"]] * attrs["quantity"]
            assert len(attrs["barcodes"]) == attrs["quantity"]
        after = await state(kasse, day)
        assert after[0] == before[0] + 1
        assert after[1][0] == order["id"]
        return True
    await assert_refused(kasse, day, r, before)
    return False


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JUNK = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
CLOCKS = st.sampled_from(["10:00", "10:15", "10:30", "11:00", "11:30", "12:00", "13:00", "16:30"])
TIMES = st.builds(At, st.sampled_from([0, 0, 1, 5, -14]), CLOCKS) | st.none() | JUNK
ATTENDEES = (
    st.lists(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["Peter", "", " "]), "surname": st.sampled_from(["Pan", ""])}
        ),
        max_size=3,
    )
    | JUNK
)
ATTRIBUTES = st.fixed_dictionaries(
    {
        "id": st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 61, 62, 0, 999]) | JUNK,
        "quantity": st.integers(min_value=-1, max_value=12) | JUNK,
    },
    optional={
        "time": TIMES,
        "attendees": ATTENDEES,
        "sub_ticket_times": st.fixed_dictionaries({}, optional={"61": TIMES, "62": TIMES}) | JUNK,
        "reservations": st.lists(st.text(max_size=4), max_size=2) | JUNK,
    },
)
ITEMS = st.fixed_dictionaries(
    {
        "type": st.just("Ticket") | st.sampled_from(["Event", "Tour", "Coupon"]) | JUNK,
        "attributes": ATTRIBUTES | JUNK,
    }
)
# Orders that are well formed and mostly valid: they should often go through.
PLAUSIBLE_ITEMS = st.fixed_dictionaries(
    {
        "type": st.just("Ticket"),
        "attributes": st.fixed_dictionaries(
            {
                "id": st.sampled_from([1, 3, 4, 5, 11]),
                "quantity": st.integers(min_value=1, max_value=10),
                "time": st.builds(At, st.sampled_from([0, 1]), st.sampled_from(["10:00", "12:30"])),
            }
        ),
    }
)
PLAUSIBLE_ORDERS = st.fixed_dictionaries(
    {
        "items": st.lists(PLAUSIBLE_ITEMS, min_size=1, max_size=3),
        "total": st.builds(RightTotal) | st.integers(min_value=0, max_value=60_000),
    }
)
ORDER_BODIES = (
    PLAUSIBLE_ORDERS
    | st.fixed_dictionaries(
        {"items": st.lists(ITEMS, max_size=3) | JUNK},
        optional={
            "total": st.builds(RightTotal) | st.integers(min_value=-1, max_value=60_000) | JUNK,
            "comment": st.text(max_size=10) | JUNK,
            "coupons": st.lists(st.text(max_size=3), max_size=1) | JUNK,
        },
    )
    | JUNK
)


@pytest.mark.anyio
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=ORDER_BODIES)
async def test_random_orders_never_fail_the_server(kasse, day, body):
    await check_one(kasse, day, fill_total(resolve(body, kasse, day)))


async def test_mutated_orders_never_fail_the_server(kasse, day):
    """A seeded random walk near valid orders: one or two changes each, 80 orders."""
    rng = random.Random(20240615)
    junk: list[Any] = [None, True, -1, 0, 2**31, 10**20, 1.5, "", "x", [], {}, [1], {"a": 1}]
    clocks = ["10:00", "10:15", "11:00", "12:00", "13:30", "16:00", "17:00"]

    def a_time() -> Any:
        if rng.random() < 0.8:
            return kasse.local(
                day + timedelta(days=rng.choice([0, 0, 1, 5, -14])), rng.choice(clocks)
            )
        return rng.choice(junk)

    def a_valid_item() -> dict[str, Any]:
        ticket = rng.choice([1, 3, 4, 5, 6, 7, 9, 10, 11])
        attrs: dict[str, Any] = {"id": ticket, "quantity": rng.randint(1, 10)}
        if ticket == 10:
            attrs["quantity"] = rng.randint(10, 12)
        if ticket != 7:
            attrs["time"] = kasse.local(day + timedelta(days=rng.choice([0, 1])), "11:00")
        if ticket == 9:
            attrs["quantity"] = rng.randint(1, 5)
            attrs["attendees"] = [{"name": "A", "surname": "B"}] * attrs["quantity"]
        if ticket == 6:
            attrs["sub_ticket_times"] = {
                "61": attrs["time"],
                "62": attrs["time"][:11] + "12:30" + attrs["time"][16:],
            }
        return {"type": "Ticket", "attributes": attrs}

    accepted = 0
    for _ in range(80):
        items = [a_valid_item() for _ in range(rng.randint(1, 3))]
        body: dict[str, Any] = {"items": items, "total": price_of(items)}
        for _ in range(rng.randint(0, 2)):
            target = rng.choice(items)["attributes"]
            key = rng.choice(["id", "quantity", "time", "attendees", "sub_ticket_times", "total"])
            if key == "total":
                body["total"] = rng.choice([price_of(items) + rng.choice([-1, 1]), *junk])
            elif key == "time":
                target["time"] = a_time()
            elif key == "id":
                target["id"] = rng.choice([1, 2, 3, 6, 8, 61, 62, 999, *junk])
            elif key == "quantity":
                target["quantity"] = rng.choice([0, 1, 5, 11, 50, *junk])
            elif rng.random() < 0.5:
                target.pop(key, None)
            else:
                target[key] = rng.choice(junk)
            if key in ("id", "quantity") and rng.random() < 0.5:
                body["total"] = price_of(items)
        accepted += await check_one(kasse, day, body)
    # The walk stays close enough to valid orders that some go through.
    assert accepted > 10


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "POST",
            "/api/v4/orders",
            '{"items": [{"type": "Ticket", "attributes": {"id": 1, "quantity": 1, "reservations": ["\\u0000"]}}], "total": 0}',
        ),
        ("POST", "/api/v4/orders", '{"comment": "a\\u0000b", "items": [], "total": 0}'),
        ("GET", "/api/v4/orders/%00", None),
        ("GET", "/api/v4/orders?start_at=%00", None),
        ("PUT", "/api/v4/tickets/reservations/%00", '{"reservation": {"quantity": 1}}'),
    ],
)
async def test_nul_characters_are_refused_before_any_query(kasse, method, path, body):
    # PostgreSQL cannot store U+0000; found by schemathesis as a 500.
    r = await kasse.client.request(
        method,
        path,
        content=body,
        headers={**kasse.auth(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json() == {"error": "NUL characters are not allowed in requests"}
    listed = await kasse.client.get("/api/v4/orders", headers=kasse.auth())
    assert listed.json()["orders"] == []
