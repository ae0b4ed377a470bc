"""What the event booking tests share: a small museum with a lecture (one price), a workshop
(scale prices and a group price) and a concert in a hall with a seating plan, booked through
``POST /orders``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from kasse.availability.capacity import usage_of
from kasse.catalog.date_quotas import date_slot
from kasse.models import SeatClaim
from tests.conftest import open_day

WEEK = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
LECTURE, WORKSHOP, CONCERT = 61, 62, 63
# dates: the lecture's (5 places, 3 per order), one already past, the workshop's, the concert's
LECTURE_DATE, PAST_DATE, WORKSHOP_DATE, CONCERT_DATE, SMALL_HALL_DATE = 610, 611, 620, 630, 631
REGULAR, REDUCED, GROUP = 71, 72, 73
STALLS, CIRCLE, SMALL_HALL_PRICE = 81, 82, 83
# hall 60: row 1 (seats 6001-6003, stalls), row 2 (6004-6006, circle); 6003 blocked
A1, A2, A3, B1, B2, B3 = 6001, 6002, 6003, 6004, 6005, 6006
SMALL_HALL_SEAT = 6101


def _hall(seating_id: int, first_seat: int, rows: int) -> dict[str, Any]:
    return {
        "id": seating_id,
        "title": {"de": f"Saal {seating_id}", "en": f"Hall {seating_id}"},
        "categories": [
            {"id": 1, "title": "Parkett", "color_code": "#336699"},
            {"id": 2, "title": "Rang", "color_code": "#996633"},
        ],
        "rows": [{"id": r, "title": str(r)} for r in range(1, rows + 1)],
        "seats": [
            {
                "id": first_seat + (r - 1) * 3 + n - 1,
                "row_id": r,
                "category_id": r,
                "title": f"{'AB'[r - 1]}{n}",
                "x": n - 1,
                "y": r - 1,
            }
            for r in range(1, rows + 1)
            for n in range(1, 4)
        ],
    }


def event_catalog(day: date, tz: Any) -> dict[str, Any]:
    """The test museum with its events on ``day`` (local time), a past date yesterday."""

    def at(hour: int, on: date = day) -> str:
        return datetime.combine(on, time(hour), tz).isoformat()

    hall = _hall(60, A1, 2)
    hall["blocked_seats"] = [A3]
    return {
        "museums": [
            {
                "id": 60,
                "title": "Veranstaltungshaus",
                "opening_hours": dict.fromkeys(WEEK, "09:00-22:00"),
            }
        ],
        "event_tags": {
            "categories": [{"id": 1, "name": "Vortrag"}],
            "languages": [{"id": 1, "name": "Deutsch"}],
        },
        "seatings": [hall, _hall(61, SMALL_HALL_SEAT, 1)],
        "events": [
            {
                "id": LECTURE,
                "museum_id": 60,
                "title": "Vortrag",
                "max_seats": 5,
                "max_per_registration": 3,
                "prices": [{"price_cents": 800}],
                "dates": [
                    {"id": LECTURE_DATE, "start": at(18)},
                    {"id": PAST_DATE, "start": at(18, day - timedelta(days=400))},
                ],
            },
            {
                "id": WORKSHOP,
                "museum_id": 60,
                "title": "Werkstatt",
                "max_seats": 6,
                "vat_pct": 19.0,
                "scale_prices": [
                    {"id": REGULAR, "title": "Regulär", "price_cents": 2500},
                    {"id": REDUCED, "title": "Ermäßigt", "price_cents": 1500, "vat_pct": 7.0},
                    {"id": GROUP, "title": "Gruppe", "group": True, "price_cents": 12000},
                ],
                "dates": [{"id": WORKSHOP_DATE, "start": at(11)}],
            },
            {
                "id": CONCERT,
                "museum_id": 60,
                "title": "Konzert",
                "seating_id": 60,
                "scale_prices": [
                    {"id": STALLS, "seat_category_id": 1, "title": "Parkett", "price_cents": 3000},
                    {"id": CIRCLE, "seat_category_id": 2, "title": "Rang", "price_cents": 2000},
                ],
                "dates": [
                    {"id": CONCERT_DATE, "start": at(19)},
                    {
                        "id": SMALL_HALL_DATE,
                        "start": at(20),
                        "seating_id": 61,
                        "scale_prices": [
                            {
                                "id": SMALL_HALL_PRICE,
                                "seat_category_id": 1,
                                "title": "Parkett",
                                "price_cents": 1000,
                            }
                        ],
                    },
                ],
            },
        ],
    }


def quantity(date_id: int, count: int) -> dict[str, Any]:
    return {"type": "Event", "attributes": {"id": date_id, "quantity": count}}


def quantities(date_id: int, counts: dict[int, int]) -> dict[str, Any]:
    return {
        "type": "Event",
        "attributes": {"id": date_id, "quantities": {str(k): v for k, v in counts.items()}},
    }


def seats(date_id: int, *wanted: tuple[int, int]) -> dict[str, Any]:
    return {
        "type": "Event",
        "attributes": {
            "id": date_id,
            "seats": [{"seat_id": s, "scale_price_id": p} for s, p in wanted],
        },
    }


async def order(
    kasse: Any, items: list[dict[str, Any]], total: int, who: str = "reseller", **body: Any
) -> httpx.Response:
    """``POST /orders`` with these items; the response as it came."""
    return await kasse.client.post(
        "/api/v4/orders",
        json={"items": items, "total": total, **body},
        headers=kasse.auth(who),
    )


async def book(
    kasse: Any, items: list[dict[str, Any]], total: int, who: str = "reseller"
) -> dict[str, Any]:
    """An order that must succeed; the order."""
    r = await order(kasse, items, total, who)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["order"]
    return result


async def date_usage(kasse: Any, date_id: int) -> tuple[int, int]:
    """(sold, held) places of a date right now, counted the way every sale counts them."""
    async with kasse.instance.read_sessions() as session:
        usage = await usage_of(session, [date_slot(date_id)], kasse.clock.now())
    used = usage[date_slot(date_id)]
    return used.sold, used.held


async def seat_claims(kasse: Any) -> list[tuple[int, int, bool]]:
    """Every stored seat claim as (date, seat, sold)."""
    async with kasse.instance.read_sessions() as session:
        rows = await session.execute(
            select(SeatClaim.date_id, SeatClaim.seat_id, SeatClaim.valid_until).order_by(
                SeatClaim.date_id, SeatClaim.seat_id
            )
        )
        return [(d, s, until is None) for d, s, until in rows]


async def load_events(kasse: Any, **museum: Any) -> date:
    """The test museum (with ``museum``'s fields changed) and its events on an open day a week
    ahead; the day."""
    day = open_day(kasse.clock)
    catalog = event_catalog(day, kasse.instance.tz)
    catalog["museums"][0].update(museum)
    await kasse.load(catalog)
    return day


def event_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The attributes of the order's event items (their bookings), in order."""
    return [item["attributes"] for item in order["items"] if item["type"] == "Event"]
