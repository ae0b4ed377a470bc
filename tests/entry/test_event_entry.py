"""Event barcodes at the entrance (/api/v3/barcodes): once each, at their date with the grace times,
only for binding orders' live items, only at their event's museum; logged like every scan."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Kasse
from tests.entry.support import (
    admissions,
    admit,
    at,
    barcode_url,
    change_orders,
    check,
    count_admissions,
    error_of,
    leave,
    message_of,
    scans,
)
from tests.events.booking import (
    A1,
    CONCERT_DATE,
    LECTURE_DATE,
    STALLS,
    book,
    event_items,
    load_events,
    quantity,
    seats,
)

ORDERS = "/api/v4/orders"


@pytest.fixture
async def events(kasse: Kasse) -> date:
    """The events museum (60); the day of its dates (the lecture at 18:00 for 60 minutes)."""
    return await load_events(kasse)


async def lecture(kasse: Kasse, places: int = 1) -> tuple[dict[str, Any], list[str]]:
    """A reseller's booking of the lecture: the order and its barcodes, one per participant."""
    order = await book(kasse, [quantity(LECTURE_DATE, places)], 800 * places)
    [booking] = event_items(order)
    return order, [code["barcode"] for code in booking["barcodes"]]


# --- when ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock_time", "expected"),
    [
        ("17:44", "not valid yet: entry from {17:45}"),
        ("17:45", None),  # the grace before the start
        ("18:00", None),
        ("19:00", None),  # the event is over, the grace after it is not
        ("19:30", None),
        ("19:31", "no longer valid: entry until {19:30}"),
    ],
)
async def test_an_event_barcode_enters_from_its_grace_before_until_its_grace_after(
    kasse: Kasse, events: date, clock_time: str, expected: str | None
) -> None:
    _, [code] = await lecture(kasse)
    kasse.clock.set(at(kasse, events, clock_time))
    if expected is None:
        assert message_of(await check(kasse, code)) == f"valid: Vortrag, {events} 18:00"
        assert message_of(await admit(kasse, code)) == f"admitted: Vortrag, {events} 18:00"
        assert await count_admissions(kasse) == 1
    else:
        reason = expected.replace("{17:45}", kasse.local(events, "17:45"))
        reason = reason.replace("{19:30}", kasse.local(events, "19:30"))
        assert error_of(await check(kasse, code)) == reason
        assert error_of(await admit(kasse, code)) == reason
        assert await count_admissions(kasse) == 0


async def test_an_event_barcode_does_not_enter_on_another_day(kasse: Kasse, events: date) -> None:
    _, [code] = await lecture(kasse)
    kasse.clock.set(at(kasse, events - timedelta(days=1), "18:00"))
    assert error_of(await admit(kasse, code)) == (
        f"not valid yet: entry from {kasse.local(events, '17:45')}"
    )
    kasse.clock.set(at(kasse, events + timedelta(days=1), "18:00"))
    assert error_of(await admit(kasse, code)) == (
        f"no longer valid: entry until {kasse.local(events, '19:30')}"
    )
    assert await count_admissions(kasse) == 0


# --- once ----------------------------------------------------------------------------------------


async def test_each_participant_enters_once(kasse: Kasse, events: date) -> None:
    _, codes = await lecture(kasse, 3)
    kasse.clock.set(at(kasse, events, "17:50"))
    for code in codes:
        message_of(await admit(kasse, code))
    kasse.clock.set(at(kasse, events, "18:05"))
    used = f"already used on {kasse.local(events, '17:50')}"
    for code in codes:
        assert error_of(await admit(kasse, code)) == used
        assert error_of(await check(kasse, code)) == used
    found = await admissions(kasse)
    assert [(a.scope, a.location) for a in found] == [("main", "60")] * 3


async def test_concurrent_admissions_of_one_event_barcode_admit_it_once(
    kasse: Kasse, events: date
) -> None:
    _, [code] = await lecture(kasse)
    kasse.clock.set(at(kasse, events, "18:00"))
    responses = await asyncio.gather(*(admit(kasse, code) for _ in range(10)))
    assert Counter(r.status_code for r in responses) == {200: 1, 422: 9}
    assert await count_admissions(kasse) == 1


async def test_a_seat_enters_once_and_the_scanner_names_it(kasse: Kasse, events: date) -> None:
    order = await book(kasse, [seats(CONCERT_DATE, (A1, STALLS))], 3000)
    [booking] = event_items(order)
    [code] = [c["barcode"] for c in booking["barcodes"]]
    kasse.clock.set(at(kasse, events, "19:10"))
    described = f"Konzert (seat A1), {events} 19:00"
    assert message_of(await check(kasse, code, "60")) == f"valid: {described}"
    assert message_of(await admit(kasse, code, "60")) == f"admitted: {described}"
    assert error_of(await admit(kasse, code, "60")) == (
        f"already used on {kasse.local(events, '19:10')}"
    )
    assert message_of(await leave(kasse, code)) == "exit recorded: Konzert"


# --- whose -----------------------------------------------------------------------------------------


async def test_a_cancelled_booking_does_not_enter(kasse: Kasse, events: date) -> None:
    order, [code] = await lecture(kasse)
    cancelled = kasse.clock.now()
    r = await kasse.client.post(
        f"{ORDERS}/{order['id']}/cancellations",
        json={"order_item_ids": [order["items"][0]["id"]]},
        headers=kasse.auth("reseller"),
    )
    assert r.status_code == 200, r.text
    kasse.clock.set(at(kasse, events, "18:00"))
    reason = f"cancelled on {cancelled.astimezone(kasse.instance.tz).isoformat()}"
    assert error_of(await check(kasse, code)) == reason
    assert error_of(await admit(kasse, code)) == reason
    assert await count_admissions(kasse) == 0


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        ({"status": "created"}, "order not binding yet (status created)"),
        ({"status": "cancelled"}, "order cancelled"),
        ({"is_valid": False}, "order is not valid"),
        ({"pay_by_link": True}, "order not paid yet"),
    ],
)
async def test_an_order_that_is_not_binding_does_not_enter(
    kasse: Kasse, events: date, order: dict[str, Any], reason: str
) -> None:
    _, [code] = await lecture(kasse)
    await change_orders(kasse, **order)
    kasse.clock.set(at(kasse, events, "18:00"))
    assert error_of(await check(kasse, code)) == reason
    assert error_of(await admit(kasse, code)) == reason
    assert await count_admissions(kasse) == 0


async def test_an_event_barcode_enters_only_at_its_events_museum(
    kasse: Kasse, events: date
) -> None:
    _, [code] = await lecture(kasse)
    other = {"Authorization": f"Bearer {await kasse.new_token('cashpoint', [1])}"}
    own = {"Authorization": f"Bearer {await kasse.new_token('cashpoint', [60])}"}
    kasse.clock.set(at(kasse, events, "18:00"))
    assert error_of(await admit(kasse, code, "1")) == "not valid at location 1: valid at 60"
    response = await kasse.client.put(barcode_url(code), headers=other)
    assert error_of(response) == "not valid here: valid at museum 60"
    assert await count_admissions(kasse) == 0
    message_of(await kasse.client.put(barcode_url(code), headers=own))
    [admission] = await admissions(kasse)
    assert admission.location == "60"


async def test_event_scans_are_logged_with_their_barcode(kasse: Kasse, events: date) -> None:
    _, [code] = await lecture(kasse)
    kasse.clock.set(at(kasse, events, "17:00"))
    expected = [(await admit(kasse, code), False)]  # too early
    kasse.clock.set(at(kasse, events, "18:00"))
    expected += [(await admit(kasse, code), True), (await admit(kasse, code), False)]
    logged = await scans(kasse)
    assert [(s.kind, s.accepted) for s in logged] == [("admit", a) for _, a in expected]
    for scan, (response, accepted) in zip(logged, expected, strict=True):
        assert scan.message == response.json()["message" if accepted else "error"]
        assert scan.barcode == code and scan.barcode_id is not None
