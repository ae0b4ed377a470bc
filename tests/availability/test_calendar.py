"""GET /api/v4/tickets/calendar: bookability per day, at most 93 days per call."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.availability.support import TINY


async def calendar(kasse: Any, query: str, **headers: str) -> dict[str, Any]:
    r = await kasse.client.get(f"/api/v4/tickets/calendar?{query}", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"data"}
    return body["data"]


async def buy(kasse: Any, ticket_id: int, quantity: int, when: str, price: int) -> None:
    body = {
        "items": [
            {"type": "Ticket", "attributes": {"id": ticket_id, "quantity": quantity, "time": when}}
        ],
        "total": price * quantity,
    }
    r = await kasse.client.post("/api/v4/orders", json=body, headers=kasse.auth())
    assert r.status_code == 200, r.text


def week_of(day: date) -> list[str]:
    return [(day + timedelta(days=i)).isoformat() for i in range(7)]


def is_open(iso_day: str) -> bool:
    """The demo museums close on Mondays and on Christmas Eve."""
    d = date.fromisoformat(iso_day)
    return d.weekday() != 0 and (d.month, d.day) != (12, 24)


async def test_default_depth_any_is_a_boolean_per_day(kasse, day):
    end = day + timedelta(days=6)
    data = await calendar(kasse, f"ticket_ids[]=3&start_at={day}&end_at={end}")
    assert list(data) == week_of(day)
    assert data == {d: is_open(d) for d in week_of(day)}
    assert data[(day + timedelta(days=5)).isoformat()] is False  # Monday
    explicit = await calendar(kasse, f"ticket_ids[]=3&start_at={day}&end_at={end}&depth=any")
    assert explicit == data


async def test_without_ticket_ids_every_bookable_ticket_counts(kasse, day):
    end = day + timedelta(days=6)
    for headers in ({}, kasse.auth("reseller")):
        data = await calendar(kasse, f"start_at={day}&end_at={end}", **headers)
        assert data == {d: is_open(d) for d in week_of(day)}


async def test_url_encoded_ticket_ids(kasse, day):
    end = day + timedelta(days=6)
    plain = await calendar(kasse, f"ticket_ids[]=3&ticket_ids[]=11&start_at={day}&end_at={end}")
    encoded = await calendar(
        kasse, f"ticket_ids%5B%5D=3&ticket_ids%5B%5D=11&start_at={day}&end_at={end}"
    )
    assert encoded == plain


async def test_availability_status_words(kasse, day):
    end = day + timedelta(days=6)
    data = await calendar(
        kasse, f"ticket_ids[]=1&start_at={day}&end_at={end}&depth=availability_status"
    )
    assert data == {d: "available" if is_open(d) else "unavailable" for d in week_of(day)}
    assert data[(day + timedelta(days=5)).isoformat()] == "unavailable"  # Monday


async def test_a_sold_out_day_is_fully_booked(kasse, day):
    await kasse.load(TINY)
    query = f"ticket_ids[]=500&start_at={day}&end_at={day + timedelta(days=1)}"
    assert await calendar(kasse, query + "&depth=availability_status") == {
        day.isoformat(): "available",
        (day + timedelta(days=1)).isoformat(): "available",
    }
    await buy(kasse, 500, 2, kasse.local(day, "12:00"), 500)
    assert (await calendar(kasse, query + "&depth=availability_status"))[
        day.isoformat()
    ] == "available"
    await buy(kasse, 500, 1, kasse.local(day, "12:00"), 500)
    assert await calendar(kasse, query + "&depth=availability_status") == {
        day.isoformat(): "fully_booked",
        (day + timedelta(days=1)).isoformat(): "available",
    }
    assert await calendar(kasse, query) == {
        day.isoformat(): False,
        (day + timedelta(days=1)).isoformat(): True,
    }


async def test_a_day_is_fully_booked_only_when_every_slot_is(kasse, day):
    await kasse.load(TINY)
    query = f"ticket_ids[]=501&start_at={day}&end_at={day}&depth=availability_status"
    await buy(kasse, 501, 2, kasse.local(day, "09:00"), 300)
    assert await calendar(kasse, query) == {day.isoformat(): "available"}
    await buy(kasse, 501, 2, kasse.local(day, "10:00"), 300)
    assert await calendar(kasse, query) == {day.isoformat(): "fully_booked"}
    # With a second ticket that still has room the day is available again.
    both = f"ticket_ids[]=501&ticket_ids[]=500&start_at={day}&end_at={day}"
    assert await calendar(kasse, both + "&depth=availability_status") == {
        day.isoformat(): "available"
    }


async def test_a_held_reservation_counts_until_it_expires(kasse, day):
    await kasse.load(TINY)
    r = await kasse.client.post(
        "/api/v4/tickets/reservations",
        json={
            "reservation": {"ticket_id": 500, "quantity": 3, "start_at": kasse.local(day, "09:00")}
        },
        headers=kasse.auth(),
    )
    assert r.status_code == 200, r.text
    query = f"ticket_ids[]=500&start_at={day}&end_at={day}&depth=availability_status"
    assert await calendar(kasse, query) == {day.isoformat(): "fully_booked"}
    kasse.clock.advance(timedelta(minutes=6))
    assert await calendar(kasse, query) == {day.isoformat(): "available"}


def spaced(kasse: Any, day: date, clock_time: str) -> str:
    """A slot start as the reference writes it in a calendar's quotas: ``2026-07-06 11:00:00 +0200``."""
    moment = datetime.fromisoformat(kasse.local(day, clock_time))
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


async def test_depth_all_lists_the_quotas_per_day(kasse, day):
    end = day + timedelta(days=5)
    await buy(kasse, 5, 4, kasse.local(day, "10:30"), 1800)
    data = await calendar(kasse, f"ticket_ids[]=5&start_at={day}&end_at={end}&depth=all")
    assert list(data) == week_of(day)[:6]
    # Monday is closed: its quotas have no slots (as /capacities says for that day).
    assert data[end.isoformat()] == [
        {"quota": {"id": 1, "tickets": [5], "capacities": []}},
        {"quota": {"id": 2, "tickets": [5], "capacities": []}},
    ]
    first = data[day.isoformat()]
    assert [entry["quota"]["id"] for entry in first] == [1, 2]
    hall, slots = (entry["quota"] for entry in first)
    assert hall["tickets"] == [5]
    # One single-key object per slot, in time order, the reference's way.
    assert all(len(c) == 1 for c in hall["capacities"])
    assert len(hall["capacities"]) == 15
    assert {spaced(kasse, day, "10:30"): 26} in slots["capacities"]
    assert {spaced(kasse, day, "10:00"): 30} in slots["capacities"]
    assert {spaced(kasse, day, "10:30"): 46} in hall["capacities"]
    # The same day through /capacities gives the same numbers.
    r = await kasse.client.get(f"/api/v4/tickets/capacities?ticket_ids[]=5&date={day}")
    by_quota = r.json()["data"]
    for quota in (hall, slots):
        listed = {k: v for c in quota["capacities"] for k, v in c.items()}
        assert list(listed.values()) == list(by_quota[str(quota["id"])]["capacities"].values())


async def test_93_days_are_fine_94_are_not(kasse, day):
    end = day + timedelta(days=92)
    data = await calendar(kasse, f"ticket_ids[]=1&start_at={day}&end_at={end}")
    assert len(data) == 93
    assert next(iter(data)) == day.isoformat()
    assert list(data)[-1] == end.isoformat()
    r = await kasse.client.get(
        f"/api/v4/tickets/calendar?ticket_ids[]=1&start_at={day}&end_at={end + timedelta(days=1)}"
    )
    assert r.status_code == 422, r.text
    assert set(r.json()) == {"error"}
    assert "at most 93 days per call (94 asked)" in r.json()["error"]


async def test_a_month_as_date_pickers_ask_for_it_is_fine(kasse, day):
    """start..start + 1 month is 32 days with both ends; some pickers ask for 46 days."""
    for days in (32, 46):
        end = day + timedelta(days=days - 1)
        data = await calendar(kasse, f"ticket_ids[]=1&start_at={day}&end_at={end}")
        assert len(data) == days


async def test_the_range_ends_with_the_month_of_its_start_by_default(kasse):
    today = kasse.clock.now().astimezone(kasse.instance.tz).date()
    data = await calendar(kasse, "ticket_ids[]=1")
    assert next(iter(data)) == today.isoformat()
    last = date.fromisoformat(list(data)[-1])
    assert (last.month, (last + timedelta(days=1)).day) == (today.month, 1)
    assert len(data) == (last - today).days + 1
    data = await calendar(kasse, "ticket_ids[]=1&start_at=2030-02-10")
    assert list(data) == [f"2030-02-{d:02d}" for d in range(10, 29)]
    data = await calendar(kasse, "ticket_ids[]=1&start_at=2032-02-29")
    assert list(data) == ["2032-02-29"]


async def test_past_days_are_unavailable(kasse, day):
    start = day - timedelta(days=21)  # three days that all lie behind us
    data = await calendar(
        kasse,
        f"ticket_ids[]=3&start_at={start}&end_at={start + timedelta(days=2)}"
        "&depth=availability_status",
    )
    assert set(data.values()) == {"unavailable"}


async def test_end_before_start_is_422(kasse, day):
    r = await kasse.client.get(
        f"/api/v4/tickets/calendar?ticket_ids[]=1&start_at={day}&end_at={day - timedelta(days=1)}"
    )
    assert r.status_code == 422, r.text
    assert "error" in r.json()


@pytest.mark.parametrize(
    "query",
    [
        "ticket_ids[]=1&depth=deep",
        "ticket_ids[]=1&start_at=garbage",
        "ticket_ids[]=1&end_at=2026-02-30",
        "ticket_ids[]=x",
        "ticket_ids[]=1&start_at=9999-12-20",
        "ticket_ids[]=1&start_at=9999-12-20&end_at=9999-12-31",
        "ticket_ids[]=1&start_at=0001-01-01&end_at=0001-01-03",
    ],
)
async def test_bad_parameters_are_422(kasse, query):
    r = await kasse.client.get(f"/api/v4/tickets/calendar?{query}")
    assert r.status_code == 422, r.text
    assert "error" in r.json()


async def test_an_unknown_ticket_is_404(kasse, day):
    r = await kasse.client.get(f"/api/v4/tickets/calendar?ticket_ids[]=999&start_at={day}")
    assert r.status_code == 404, r.text
    assert "error" in r.json()


# --- the /tickets filters ----------------------------------------------------------------------


async def test_by_ticket_ids_is_the_references_name_for_ticket_ids(kasse, day):
    end = day + timedelta(days=6)
    plain = await calendar(kasse, f"ticket_ids[]=3&ticket_ids[]=11&start_at={day}&end_at={end}")
    named = await calendar(
        kasse, f"by_ticket_ids[]=3&by_ticket_ids[]=11&start_at={day}&end_at={end}"
    )
    mixed = await calendar(kasse, f"by_ticket_ids[]=3&ticket_ids[]=11&start_at={day}&end_at={end}")
    assert named == plain == mixed
    r = await kasse.client.get(f"/api/v4/tickets/calendar?by_ticket_ids[]=999&start_at={day}")
    assert r.status_code == 404, r.text


async def test_the_tickets_filters_pick_what_the_calendar_looks_at(kasse, day):
    await kasse.load(TINY)
    await buy(kasse, 500, 3, kasse.local(day, "12:00"), 500)  # the day ticket is sold out
    query = f"start_at={day}&end_at={day}&depth=availability_status"
    small = "by_museum_ids[]=50"
    assert await calendar(kasse, f"{query}&{small}") == {day.isoformat(): "available"}
    assert await calendar(kasse, f"{query}&{small}&by_ticket_type=normal") == {
        day.isoformat(): "fully_booked"
    }
    assert await calendar(kasse, f"{query}&{small}&by_ticket_types[]=time_slot") == {
        day.isoformat(): "available"
    }
    # Every museum together: the demo museum has room.
    assert await calendar(kasse, f"{query}&by_ticket_type=normal") == {day.isoformat(): "available"}
    # No ticket of museum 50 belongs to an exhibition; nothing bookable, nothing to look at.
    assert await calendar(kasse, f"{query}&{small}&by_exhibition_ids[]=1") == {
        day.isoformat(): "unavailable"
    }
    assert await calendar(kasse, f"{query}&{small}&by_bookable=false") == {
        day.isoformat(): "unavailable"
    }
    assert await calendar(kasse, f"{query}&{small}&q=zeitfenster") == {day.isoformat(): "available"}


@pytest.mark.parametrize(
    "query",
    [
        "by_museum_ids[]=x",
        "by_museum_ids[]=1.5",
        "by_exhibition_ids[]=0",
        "by_ticket_ids[]=-3",
        "by_ticket_type=museum",
        "by_ticket_types[]=normal&by_ticket_types[]=bogus",
        "by_bookable=perhaps",
        "reservations[]=not%20a%20token",
    ],
)
async def test_malformed_filters_are_422(kasse, query):
    r = await kasse.client.get(f"/api/v4/tickets/calendar?{query}")
    assert r.status_code == 422, r.text
    assert "error" in r.json()
