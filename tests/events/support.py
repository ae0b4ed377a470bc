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

from kasse.events.capacity import date_slot
from kasse.models import QuotaSlot, ReservationHold, SeatClaim
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


async def take_places(
    kasse: Kasse,
    date_id: int,
    *,
    sold: int = 0,
    held: int = 0,
    seats: Iterable[int] = (),
    held_seats: Iterable[int] = (),
    valid_until: datetime | None = None,
) -> None:
    """Places of a date sold and held, and seats sold and held, as the order pipeline writes them:
    the date's quota slot counts every place (seats too), seat claims name the seats.

    Written with a session rather than over HTTP because booking an ``Event`` item lands in a
    parallel branch (issue 10, booking); once it is merged, this becomes a POST /orders. Call it
    once per date in a test (it creates the date's quota-slot row). Holds last five minutes
    unless ``valid_until`` says otherwise.
    """
    seats, held_seats = list(seats), list(held_seats)
    quota_id, start = date_slot(date_id)
    until = valid_until or kasse.clock.now() + timedelta(minutes=5)
    async with kasse.instance.write_sessions() as session, session.begin():
        if sold or seats:
            session.add(QuotaSlot(quota_id=quota_id, start_at=start, sold=sold + len(seats)))
        if held or held_seats:
            session.add(
                ReservationHold(
                    quota_id=quota_id,
                    start_at=start,
                    quantity=held + len(held_seats),
                    valid_until=until,
                )
            )
        session.add_all(SeatClaim(date_id=date_id, seat_id=s, valid_until=None) for s in seats)
        session.add_all(
            SeatClaim(date_id=date_id, seat_id=s, valid_until=until) for s in held_seats
        )


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
