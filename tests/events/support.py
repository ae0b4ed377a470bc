"""What the events tests share: the demo's events, small events of their own, taken places.

The demo (``kasse/catalog/demo_events.py``): the lecture 1 (dates 101.., Thursdays 18:30, 60
places, the last one in English), the workshop 2 (dates 201.., Saturdays 11:00, 12 places, scale
prices 11/12/13) and the concert 3 (dates 301.., Sundays 17:00, in seating 1: seats 1001-1048,
row D (1025-1032) blocked, 40 places).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from kasse.catalog.event_snapshot import EventDateData
from kasse.catalog.snapshot import load_catalog
from kasse.core.money import discounted_cents
from tests.conftest import Kasse

V4 = "/api/v4"
LECTURE, WORKSHOP, CONCERT = 1, 2, 3
HALL = 1
BLOCKED_ROW = list(range(1025, 1033))


async def get(kasse: Kasse, path: str, who: str | None = None, **params: Any) -> Any:
    """The JSON of a GET that must succeed."""
    r = await kasse.client.get(f"{V4}{path}", params=params, headers=kasse.auth(who) if who else {})
    assert r.status_code == 200, r.text
    return r.json()


async def dates_of(kasse: Kasse, event_id: int) -> list[dict[str, Any]]:
    """Every date of a demo event (they lie within the next seven weeks)."""
    first = local_today(kasse)
    body = await get(
        kasse,
        "/dates",
        start_at=first.isoformat(),
        end_at=(first + timedelta(days=60)).isoformat(),
        per_page=1000,
        **{"by_event_ids[]": event_id},
    )
    dates: list[dict[str, Any]] = body["dates"]
    return dates


def local_today(kasse: Kasse) -> date:
    return kasse.clock.now().astimezone(kasse.instance.tz).date()


def local_day(start_time: str) -> date:
    return datetime.fromisoformat(start_time).date()


async def _date(kasse: Kasse, date_id: int) -> EventDateData:
    async with kasse.instance.read_sessions() as session:
        catalog = await load_catalog(session, kasse.instance, for_write=True)
    return catalog.events.dates[date_id]


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _seat_item(date: EventDateData, seats: list[int]) -> tuple[dict[str, Any], int]:
    """An Event item of these seats, each at the first scale price of its category."""
    assert date.seating is not None
    wanted, total = [], 0
    for seat in seats:
        category = date.seating.seats[seat]["category_id"]
        price = next(p for p in date.scale_prices.values() if p["seat_category_id"] == category)
        wanted.append({"seat_id": seat, "scale_price_id": price["id"]})
        total += discounted_cents(price["price_cents"], date.row.discount)
    return {"type": "Event", "attributes": {"id": date.id, "seats": wanted}}, total


def _places_item(date: EventDateData, places: int) -> tuple[dict[str, Any], int]:
    """An Event item of ``places`` participants at the date's price (its first scale price)."""
    discount = date.row.discount
    if date.row.prices:
        total = sum(
            discounted_cents(p["price_cents"], discount) * (1 if p["group"] else places)
            for p in date.row.prices
            if not p.get("optional")
        )
        return {"type": "Event", "attributes": {"id": date.id, "quantity": places}}, total
    price = next(p for p in date.scale_prices.values() if not p["group"])
    quantities = {str(price["id"]): places}
    total = discounted_cents(price["price_cents"], discount) * places
    return {"type": "Event", "attributes": {"id": date.id, "quantities": quantities}}, total


async def take_places(
    kasse: Kasse,
    date_id: int,
    *,
    sold: int = 0,
    held: int = 0,
    seats: Iterable[int] = (),
    held_seats: Iterable[int] = (),
) -> None:
    """Places and seats of a date sold (direct orders of the cashpoint) and held (event
    reservations of the reseller: five minutes), through the API, in as many orders as the
    date's ``max_per_registration`` asks. On a date with a seating plan ``sold`` and ``held``
    take the first free seats."""
    date = await _date(kasse, date_id)
    seats, held_seats = list(seats), list(held_seats)
    if date.seating is not None:
        taken = set(seats) | set(held_seats) | date.blocked_seats
        free = [seat for seat in sorted(date.seating.seats) if seat not in taken]
        seats += free[:sold]
        held_seats += free[sold : sold + held]
        sold = held = 0
    size = date.row.max_per_registration or 10_000
    items = [_seat_item(date, chunk) for chunk in _chunks(seats, size)]
    items += [_places_item(date, len(c)) for c in _chunks(list(range(sold)), size)]
    for item, total in items:
        r = await kasse.client.post(
            f"{V4}/orders", json={"items": [item], "total": total}, headers=kasse.auth("cashpoint")
        )
        assert r.status_code == 200, r.text
    holds: list[dict[str, Any]] = [{"seats": c} for c in _chunks(held_seats, size)]
    holds += [{"quantity": len(c)} for c in _chunks(list(range(held)), size)]
    for hold in holds:
        r = await kasse.client.post(
            f"{V4}/events/reservations",
            json={"reservation": {"date_id": date_id, **hold}},
            headers=kasse.auth("reseller"),
        )
        assert r.status_code == 200, r.text


def event(id: int, *dates: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An event of the demo museum with one price and 10 places per date."""
    return {
        "id": id,
        "museum_id": 1,
        "title": {"de": f"Veranstaltung {id}", "en": f"Event {id}"},
        "max_seats": 10,
        "prices": [{"price_cents": 500}],
        "dates": list(dates),
        **fields,
    }


def seated_event(id: int, *dates: dict[str, Any]) -> dict[str, Any]:
    """An event in the demo's hall, one price for the circle (seat category 2)."""
    return {
        "id": id,
        "museum_id": 1,
        "title": "Im Saal",
        "seating_id": HALL,
        "scale_prices": [{"id": 91, "seat_category_id": 2, "title": "Rang", "price_cents": 900}],
        "dates": list(dates),
    }


def event_date(id: int, start: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": id, "start": start.isoformat(), **fields}
