"""``reservations[]`` on capacity, capacities and calendar: the places a caller holds are its own."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.availability.support import TINY
from tests.conftest import Kasse


async def reserve(kasse: Kasse, day: date, quantity: int = 2, who: str = "reseller") -> str:
    """Hold places of the day ticket 500 (a quota of 3)."""
    r = await kasse.client.post(
        "/api/v4/tickets/reservations",
        json={
            "reservation": {
                "ticket_id": 500,
                "quantity": quantity,
                "start_at": kasse.local(day, "09:00"),
            }
        },
        headers=kasse.auth(who),
    )
    assert r.status_code == 200, r.text
    return str(r.json()["reservation"]["token"])


async def answers(kasse: Kasse, day: date, query: str, who: str = "reseller") -> dict[str, Any]:
    """Capacity, capacities (GET and POST) and calendar of ticket 500 on ``day``."""
    headers = kasse.auth(who)
    client = kasse.client
    tokens = [part.partition("=")[2] for part in query.split("&") if part]
    got = {
        "capacity": await client.get(
            f"/api/v4/tickets/500/capacity?date={day}&{query}", headers=headers
        ),
        "capacities": await client.get(
            f"/api/v4/tickets/capacities?ticket_ids[]=500&date={day}&{query}", headers=headers
        ),
        "posted": await client.post(
            "/api/v4/tickets/capacities",
            json={"ticket_ids": [500], "date": day.isoformat(), "reservations": tokens},
            headers=headers,
        ),
        "calendar": await client.get(
            f"/api/v4/tickets/calendar?ticket_ids[]=500&start_at={day}&end_at={day}"
            f"&depth=availability_status&{query}",
            headers=headers,
        ),
    }
    return {name: response for name, response in got.items()}


def left(bodies: dict[str, Any], kasse: Kasse, day: date) -> dict[str, Any]:
    slot = kasse.local(day, "09:00")
    data = {name: r.json()["data"] for name, r in bodies.items()}
    for r in bodies.values():
        assert r.status_code == 200, r.text
    return {
        "capacity": data["capacity"].get(slot, 0),
        "capacities": data["capacities"]["50"]["capacities"][slot],
        "posted": data["posted"]["50"]["capacities"][slot],
        "calendar": data["calendar"][day.isoformat()],
    }


async def test_the_callers_own_holds_count_as_available_to_it(kasse: Kasse, day: date) -> None:
    await kasse.load(TINY)
    first = await reserve(kasse, day, 2)
    second = await reserve(kasse, day, 1)
    # Sold out for everyone who does not name the reservations...
    assert left(await answers(kasse, day, ""), kasse, day) == {
        "capacity": 0,
        "capacities": 0,
        "posted": 0,
        "calendar": "fully_booked",
    }
    # ... and for their owner as many places as it names.
    assert left(await answers(kasse, day, f"reservations[]={first}"), kasse, day) == {
        "capacity": 2,
        "capacities": 2,
        "posted": 2,
        "calendar": "available",
    }
    both = f"reservations[]={first}&reservations%5B%5D={second}"
    assert left(await answers(kasse, day, both), kasse, day) == {
        "capacity": 3,
        "capacities": 3,
        "posted": 3,
        "calendar": "available",
    }


async def test_an_expired_reservation_is_still_the_callers(kasse: Kasse, day: date) -> None:
    await kasse.load(TINY)
    token = await reserve(kasse, day, 3)
    kasse.clock.advance(timedelta(minutes=6))
    assert left(await answers(kasse, day, f"reservations[]={token}"), kasse, day)["capacity"] == 3


@pytest.mark.parametrize("who", ["cashpoint", "public"])
async def test_another_callers_or_an_unknown_reservation_is_422(
    kasse: Kasse, day: date, who: str
) -> None:
    await kasse.load(TINY)
    token = await reserve(kasse, day, 2)
    for query in (f"reservations[]={token}", "reservations[]=AAAAAAAAAAAAAAAAAAAAAA"):
        headers = {} if who == "public" else kasse.auth(who)
        client = kasse.client
        for response in (
            await client.get(f"/api/v4/tickets/500/capacity?date={day}&{query}", headers=headers),
            await client.get(
                f"/api/v4/tickets/capacities?ticket_ids[]=500&date={day}&{query}", headers=headers
            ),
            await client.get(f"/api/v4/tickets/calendar?ticket_ids[]=500&{query}", headers=headers),
        ):
            assert response.status_code == 422, response.text
            body = response.json()
            assert body["error"] == "unknown reservations"
            assert body["errors"] == [f"reservation {query.partition('=')[2]} not found"]
