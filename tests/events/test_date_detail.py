"""GET /api/v4/events/:event_id/dates/:id: places live, prices (default and scale prices), the
seating plan with its blocked and taken seats, 404s."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.catalog.test_ticket_detail import MUSEUM_1
from tests.events.support import (
    BLOCKED_ROW,
    CONCERT,
    LECTURE,
    V4,
    WORKSHOP,
    dates_of,
    event,
    event_date,
    get,
    seated_event,
    take_places,
)
from tests.helpers import recorded_statements

HALL_CATEGORIES = [
    {"id": 1, "title": "Parkett", "description": "Stalls", "color_code": "#4a7bb7"},
    {"id": 2, "title": "Rang", "description": "Circle", "color_code": "#b7864a"},
]
HALL_ROWS = [{"id": i, "title": t} for i, t in enumerate("ABCDEF", start=1)]


async def _detail(kasse, event_id: int, date_id: int, **params: Any) -> dict[str, Any]:
    body = await get(kasse, f"/events/{event_id}/dates/{date_id}", **params)
    assert set(body) == {"date"}
    detail: dict[str, Any] = body["date"]
    return detail


async def test_a_lecture_date_with_one_price(kasse):
    first = (await dates_of(kasse, LECTURE))[0]
    assert await _detail(kasse, LECTURE, 101) == {
        "id": 101,
        "event_id": 1,
        "exhibition_id": 1,
        "museum_id": 1,
        "category": {"id": 1, "name": "Vortrag"},
        "bookable": True,
        "registerable": False,
        "title": "Das Gold der Inka",
        "sub_title": "Abendvortrag, 60 Minuten",
        "description": "Eine Kuratorin erzählt, wie die Goldschmiede der Anden arbeiteten.",
        "start_time": first["start_time"],
        "vat_pct": 0,
        "discount": 0,
        "tax_included": True,
        "seats": {"min": 1, "max": 60, "booked": 0, "available": 60, "max_per_registration": 10},
        "seatings": [],
        "location": MUSEUM_1,
        "language": {"id": 1, "name": "Deutsch"},
        "prices": [{"group": False, "optional": False, "price_cents": 800}],
    }


async def test_scale_prices_without_a_seating_have_no_seat_category(kasse):
    detail = await _detail(kasse, WORKSHOP, 201, locale="en")
    assert detail["vat_pct"] == 19
    assert detail["prices"] == [
        {
            "scale_price_id": 11,
            "title": "Regular",
            "description": None,
            "group": False,
            "optional": False,
            "price_cents": 2500,
            "vat_pct": 19,
        },
        {
            "scale_price_id": 12,
            "title": "Reduced",
            "description": "Children up to 14",
            "group": False,
            "optional": False,
            "price_cents": 1500,
            "vat_pct": 19,
        },
        {
            "scale_price_id": 13,
            "title": "Group price",
            "description": "For the whole group",
            "group": True,
            "optional": False,
            "price_cents": 12000,
            "vat_pct": 19,
        },
    ]


async def test_a_concert_date_with_its_seating_plan(kasse):
    detail = await _detail(kasse, CONCERT, 301)
    assert detail["seats"] == {
        "min": 1,
        "max": 40,
        "booked": 0,
        "available": 40,
        "max_per_registration": 8,
    }
    assert detail["exhibition_id"] == 1
    assert detail["title"] == "Barockmusik der Anden"
    (seating,) = detail["seatings"]
    assert set(seating) == {
        "blocked_seats",
        "categories",
        "rows",
        "seats",
        "types",
        "visual_url",
        "reservations",
    }
    assert seating["blocked_seats"] == BLOCKED_ROW
    assert seating["categories"] == HALL_CATEGORIES
    assert seating["rows"] == HALL_ROWS
    assert seating["types"] == [{"id": 1, "title": "Rollstuhlplatz"}]
    assert [s["id"] for s in seating["seats"]] == list(range(1001, 1049))
    assert seating["seats"][0] == {
        "id": 1001,
        "row_id": 1,
        "category_id": 1,
        "type_id": 1,
        "title": "A1",
        "description": None,
    }
    assert seating["seats"][47] == {
        "id": 1048,
        "row_id": 6,
        "category_id": 2,
        "type_id": None,
        "title": "F8",
        "description": None,
    }
    assert seating["visual_url"] == "/api/v4/seatings/1.svg?date_id=301"
    assert seating["reservations"] == []
    assert detail["prices"][0] == {
        "scale_price_id": 21,
        "seat_category_id": 1,
        "seat_category_title": "Parkett",
        "title": "Parkett",
        "description": None,
        "group": False,
        "optional": False,
        "price_cents": 3500,
        "vat_pct": 0,
    }
    assert [(p["scale_price_id"], p["seat_category_id"]) for p in detail["prices"]] == [
        (21, 1),
        (22, 1),
        (23, 2),
        (24, 2),
    ]


async def test_taken_seats_are_reservations_while_taken(kasse):
    await take_places(kasse, 302, seats=[1040, 1001], held_seats=[1002, 1003])
    detail = await _detail(kasse, CONCERT, 302)
    assert detail["seatings"][0]["reservations"] == [1001, 1002, 1003, 1040]
    assert detail["seats"]["booked"] == 4
    assert detail["seats"]["available"] == 36
    # another date of the same hall is untouched
    assert (await _detail(kasse, CONCERT, 301))["seatings"][0]["reservations"] == []
    kasse.clock.advance(timedelta(minutes=5))  # the reservation's end
    detail = await _detail(kasse, CONCERT, 302)
    assert detail["seatings"][0]["reservations"] == [1001, 1040]
    assert (detail["seats"]["booked"], detail["seats"]["available"]) == (2, 38)


async def test_two_statements_whatever_the_number_of_seats_taken(kasse):
    """One counts the places, one names the taken seats."""
    await take_places(kasse, 303, seats=range(1001, 1021), held_seats=range(1033, 1049))
    with recorded_statements(kasse.instance) as statements:
        detail = await _detail(kasse, CONCERT, 303)
    assert len(detail["seatings"][0]["reservations"]) == 36
    touching = [s for s in statements if "seat_claims" in s or "quota_slots" in s]
    assert len(touching) == 2, statements


async def test_blocked_seats_of_the_seating_and_of_the_date(kasse):
    start = kasse.clock.now() + timedelta(days=3)
    concert = seated_event(
        90,
        event_date(901, start, blocked_seat_ids=[1001, 1048]),
        event_date(902, start + timedelta(days=1)),
    )
    await kasse.load({"events": [concert]})
    own = await _detail(kasse, 90, 901)
    assert own["seatings"][0]["blocked_seats"] == sorted([1001, *BLOCKED_ROW, 1048])
    # the places: every seat not blocked
    assert own["seats"]["max"] == 48 - 8 - 2
    other = await _detail(kasse, 90, 902)
    assert other["seatings"][0]["blocked_seats"] == BLOCKED_ROW
    assert other["seats"]["max"] == 40
    assert own["prices"] == [
        {
            "scale_price_id": 91,
            "seat_category_id": 2,
            "seat_category_title": "Rang",
            "title": "Rang",
            "description": None,
            "group": False,
            "optional": False,
            "price_cents": 900,
            "vat_pct": 0,
        }
    ]


async def test_date_texts_fall_back_to_the_events(kasse):
    start = kasse.clock.now() + timedelta(days=3)
    own = event_date(
        901, start, title="Sondertermin", description="Mit Gebärdensprache", language_id=2
    )
    await kasse.load(
        {"events": [event(90, own, event_date(902, start), sub_title="Reihe", description="Text")]}
    )
    first, second = await _detail(kasse, 90, 901), await _detail(kasse, 90, 902)
    assert (first["title"], first["sub_title"], first["description"]) == (
        "Sondertermin",
        "Reihe",
        "Mit Gebärdensprache",
    )
    assert (second["title"], second["description"]) == ("Veranstaltung 90", "Text")
    assert first["language"] == {"id": 2, "name": "Englisch"}
    assert second["language"] is None
    assert first["category"] is None


async def test_bookable_per_caller_and_time(kasse):
    start = kasse.clock.now() + timedelta(days=3)
    await kasse.load({"events": [event(90, event_date(901, start, bookable_reseller=False))]})
    assert (await _detail(kasse, 90, 901))["bookable"] is True
    reseller = await get(kasse, "/events/90/dates/901", "reseller")
    assert reseller["date"]["bookable"] is False
    kasse.clock.set(start)
    assert (await _detail(kasse, 90, 901))["bookable"] is False


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/events/3/dates/101", "date 101 of event 3 not found"),  # a date of another event
        ("/events/3/dates/999", "date 999 of event 3 not found"),
        ("/events/999/dates/101", "event 999 not found"),
    ],
)
async def test_not_found(kasse, path, says):
    r = await kasse.client.get(f"{V4}{path}")
    assert r.status_code == 404
    assert r.json() == {"error": says}


async def test_a_museum_limited_token_does_not_see_other_museums_dates(kasse):
    only_2 = await kasse.new_token("reseller", [2])
    r = await kasse.client.get(
        f"{V4}/events/3/dates/301", headers={"Authorization": f"Bearer {only_2}"}
    )
    assert r.status_code == 404
