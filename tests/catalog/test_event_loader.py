"""The events part of the catalog file: every problem named by the entry it is in, nothing written
when one is found, and a reload that changes a date keeps what the date sold.

The demo catalog is loaded (``kasse`` fixture): its tag lists, the hall (seating 1, seats
1001-1048, row D 1025-1032 blocked, categories 1 and 2, type 1), museums 1-2, exhibition 1.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from tests.catalog.test_loader import count, load_errors
from tests.events.support import get, take_places

from kasse.models import Event, EventDate, ProductTag, Seating

START = "2030-03-05T18:00:00+01:00"
REFERS = "the catalog file refers to entries that do not exist"
INVALID = "the catalog file is invalid"
WHERE = "events[0] (id 90)"
DATE = f"{WHERE}.dates[0] (id 901)"


def ev(*dates: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Event 90 with one price and 10 places (unless ``fields`` say otherwise)."""
    return {
        "id": 90,
        "museum_id": 1,
        "title": "Veranstaltung",
        "max_seats": 10,
        "prices": [{"price_cents": 500}],
        "dates": list(dates) or [dt()],
        **fields,
    }


def dt(id: int = 901, **fields: Any) -> dict[str, Any]:
    return {"id": id, "start": START, **fields}


def seated(*dates: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Event 90 in the demo's hall, priced by seat category."""
    event = {**ev(*dates), "seating_id": 1}
    del event["max_seats"], event["prices"]
    price = {"id": 5, "seat_category_id": 1, "title": "P", "price_cents": 1}
    return {**event, "scale_prices": [price], **fields}


def hall(id: int = 8, **fields: Any) -> dict[str, Any]:
    return {
        "id": id,
        "title": "Saal",
        "categories": [{"id": 1, "title": "A"}],
        "rows": [{"id": 1, "title": "1"}],
        "seats": [{"id": 8001, "row_id": 1, "category_id": 1, "title": "1", "x": 0, "y": 0}],
        **fields,
    }


@pytest.mark.parametrize(
    ("event", "says"),
    [
        (ev(museum_id=77), [f"{WHERE}.museum_id: unknown museum 77"]),
        (ev(exhibition_id=77), [f"{WHERE}.exhibition_id: unknown exhibition 77"]),
        (ev(category_id=99), [f"{WHERE}.category_id: unknown category 99"]),
        (
            ev(
                age_group_ids=[1, 9],
                audience_ids=[9],
                catch_word_ids=[9],
                disablement_ids=[9],
                grade_ids=[9],
                proposal_category_ids=[9],
            ),
            [
                f"{WHERE}.age_group_ids: unknown age_groups entry 9",
                f"{WHERE}.audience_ids: unknown audiences entry 9",
                f"{WHERE}.catch_word_ids: unknown catch_words entry 9",
                f"{WHERE}.disablement_ids: unknown disablements entry 9",
                f"{WHERE}.grade_ids: unknown grades entry 9",
                f"{WHERE}.proposal_category_ids: unknown proposal_categories entry 9",
            ],
        ),
        (
            ev(dt(language_id=8), language_id=9),
            [f"{WHERE}: unknown language 8", f"{WHERE}: unknown language 9"],
        ),
    ],
)
async def test_references_of_an_event(kasse, event, says):
    assert await load_errors(kasse, {"events": [event]}) == (REFERS, says)


@pytest.mark.parametrize(
    ("event", "says"),
    [
        (
            ev(prices=[]),
            f"{DATE}: a date needs prices or scale_prices",
        ),
        (
            ev(
                prices=[],
                scale_prices=[
                    {"id": 5, "title": "a", "price_cents": 1},
                    {"id": 5, "title": "b", "price_cents": 2},
                ],
            ),
            f"{DATE}.scale_prices: id 5 appears twice",
        ),
        (ev(max_seats=None), f"{DATE}: max_seats is needed for a date without a seating plan"),
        (ev(min_seats=11), f"{DATE}: min_seats is greater than max_seats"),
        (ev(dt(blocked_seat_ids=[1001])), f"{DATE}.blocked_seat_ids: the date has no seating plan"),
        (
            ev(
                prices=[],
                scale_prices=[{"id": 5, "seat_category_id": 1, "title": "a", "price_cents": 1}],
            ),
            f"{DATE}.scale_prices (id 5).seat_category_id: the date has no seating plan",
        ),
        (seated(seating_id=99), f"{DATE}.seating_id: unknown seating 99"),
        (
            seated(dt(blocked_seat_ids=[8001])),
            f"{DATE}.blocked_seat_ids: seat 8001 is not in the seating",
        ),
        (
            seated(scale_prices=[], prices=[{"price_cents": 100}]),
            f"{DATE}: a date with a seating plan needs scale_prices by seat category",
        ),
        (
            ev(scale_prices=[{"id": 5, "title": "a", "price_cents": 1}]),
            f"{DATE}: a date has prices or scale_prices, not both",
        ),
        (
            ev(prices=[{"price_cents": 500, "optional": True}]),
            f"{DATE}: every price is optional: nothing would be charged",
        ),
        (
            seated(scale_prices=[{"id": 5, "seat_category_id": 9, "title": "a", "price_cents": 1}]),
            f"{DATE}.scale_prices (id 5).seat_category_id: 9 is not a category of seating 1",
        ),
        (
            seated(max_seats=41),
            f"{DATE}: max_seats 41 is more than the 40 seats not blocked",
        ),
        (
            # the date's own blocked seats count too
            seated(dt(blocked_seat_ids=[1001]), max_seats=40),
            f"{DATE}: max_seats 40 is more than the 39 seats not blocked",
        ),
    ],
)
async def test_rules_of_a_date(kasse, event, says):
    assert await load_errors(kasse, {"events": [event]}) == (REFERS, [says])


async def test_a_date_that_prices_itself_takes_none_of_its_events_prices(kasse):
    scale = {"id": 99, "title": "Eigener Preis", "price_cents": 5000}
    await kasse.load({"events": [ev(dt(scale_prices=[scale]))]})
    detail = await get(kasse, "/events/90/dates/901")
    assert [p.get("scale_price_id") for p in detail["date"]["prices"]] == [99]


async def test_a_dates_own_rules_win_over_its_events(kasse):
    # the event has no prices; the date brings its own, and its own places
    event = ev(dt(prices=[{"price_cents": 100}], max_seats=5), prices=[], max_seats=None)
    await kasse.load({"events": [event]})
    detail = await get(kasse, "/events/90/dates/901")
    assert detail["date"]["prices"] == [{"group": False, "optional": False, "price_cents": 100}]
    assert detail["date"]["seats"]["max"] == 5


async def test_every_problem_of_the_events_part_at_once(kasse):
    data = {
        "events": [
            ev(dt(), dt(902, max_seats=None, prices=[]), museum_id=77, max_seats=None),
        ]
    }
    message, errors = await load_errors(kasse, data)
    assert message == REFERS
    assert errors == [
        f"{WHERE}.museum_id: unknown museum 77",
        f"{DATE}: max_seats is needed for a date without a seating plan",
        f"{WHERE}.dates[1] (id 902): a date needs prices or scale_prices",
        f"{WHERE}.dates[1] (id 902): max_seats is needed for a date without a seating plan",
    ]


async def test_a_seat_id_in_two_seatings(kasse):
    clash = hall(seats=[{"id": 1001, "row_id": 1, "category_id": 1, "title": "1", "x": 0, "y": 0}])
    assert await load_errors(kasse, {"seatings": [clash]}) == (
        REFERS,
        ["seatings[0] (id 8).seats: seat id 1001 is already a seat of seating 1"],
    )
    # the hall itself, loaded again, keeps its seats
    assert await count(kasse, Seating) == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            {"seatings": [hall(8), hall(9)]},
            "seat id 8001 appears twice",
        ),
        ({"seatings": [hall(8), hall(8)]}, "seating id 8 appears twice"),
        ({"events": [ev(), ev()]}, "event id 90 appears twice"),
        ({"events": [ev(), {**ev(), "id": 91}]}, "event date id 901 appears twice"),
    ],
)
async def test_ids_twice_in_one_file(kasse, data, says):
    assert await load_errors(kasse, data) == (INVALID, [says])


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            {"event_tags": {"categories": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]}},
            "event_tags: categories: id 1 appears twice",
        ),
        (
            {"seatings": [hall(rows=[{"id": 1, "title": "1"}, {"id": 1, "title": "2"}])]},
            "seatings[0] (id 8): rows: id 1 appears twice",
        ),
        (
            {"seatings": [hall(categories=[{"id": 2, "title": "B"}])]},
            "seatings[0] (id 8): seat 8001: unknown category 1",
        ),
        (
            {"seatings": [hall(rows=[{"id": 2, "title": "2"}])]},
            "seatings[0] (id 8): seat 8001: unknown row 1",
        ),
        (
            {
                "seatings": [
                    hall(
                        seats=[
                            {
                                "id": 8001,
                                "row_id": 1,
                                "category_id": 1,
                                "type_id": 3,
                                "title": "1",
                                "x": 0,
                                "y": 0,
                            }
                        ]
                    )
                ]
            },
            "seatings[0] (id 8): seat 8001: unknown type 3",
        ),
        (
            {"seatings": [hall(blocked_seats=[8002])]},
            "seatings[0] (id 8): blocked_seats: unknown seat 8002",
        ),
        (
            {"seatings": [hall(categories=[{"id": 1, "title": "A", "color_code": "red"}])]},
            "seatings[0] (id 8).categories[0] (id 1).color_code: String should match pattern "
            "'^#[0-9a-fA-F]{6}$'",
        ),
        (
            {"events": [ev(dt(), dt())]},
            f"{WHERE}: dates: id 901 appears twice",
        ),
        (
            {"events": [ev(dt(start="2030-03-05T18:00:00"))]},
            f"{DATE}.start: Input should have timezone info",
        ),
    ],
)
async def test_invalid_entries(kasse, data, says):
    assert await load_errors(kasse, data) == (INVALID, [says])


async def test_nothing_is_written_when_an_entry_is_bad(kasse):
    before = (
        await count(kasse, Event),
        await count(kasse, EventDate),
        await count(kasse, ProductTag),
    )
    data = {
        "event_tags": {"categories": [{"id": 9, "name": "Neu"}]},
        "seatings": [hall()],
        "events": [ev(category_id=9), {**ev(dt(902)), "id": 91, "museum_id": 77}],
    }
    await load_errors(kasse, data)
    after = (
        await count(kasse, Event),
        await count(kasse, EventDate),
        await count(kasse, ProductTag),
    )
    assert after == before
    assert await count(kasse, Seating) == 1
    assert (await get(kasse, "/events/categories"))["categories"][0] == {"id": 1, "name": "Vortrag"}


async def test_tag_lists_in_a_file_replace_the_stored_ones(kasse):
    tags = {"categories": [{"id": 9, "name": {"de": "Neu", "en": "New"}}], "languages": []}
    # the demo's events still name category 1: references are checked against the new lists
    _, errors = await load_errors(kasse, {"event_tags": tags, "events": [ev(category_id=1)]})
    assert errors == [f"{WHERE}.category_id: unknown category 1"]
    await kasse.load({"event_tags": tags, "events": [ev(category_id=9)]})
    assert await get(kasse, "/events/categories", locale="en") == {
        "categories": [{"id": 9, "name": "New"}]
    }
    assert await get(kasse, "/events/age_groups") == {"age_groups": []}
    # a demo event's category, gone from the list, is no longer named
    assert (await get(kasse, "/events/1"))["event"]["category"] is None


async def test_a_reload_that_changes_a_date_keeps_what_it_sold(kasse):
    start = kasse.clock.now().replace(microsecond=0) + timedelta(days=5)
    await kasse.load({"events": [ev(dt(start=start.isoformat()))]})
    await take_places(kasse, 901, sold=4, held=1)
    moved = start + timedelta(days=1, hours=2)
    await kasse.load({"events": [ev(dt(start=moved.isoformat(), max_seats=6, duration=45))]})
    detail = (await get(kasse, "/events/90/dates/901"))["date"]
    assert datetime.fromisoformat(detail["start_time"]) == moved
    assert detail["seats"] == {
        "min": 1,
        "max": 6,
        "booked": 5,
        "available": 1,
        "max_per_registration": None,
    }
    listed = await get(
        kasse, "/events/90/dates", date=moved.astimezone(kasse.instance.tz).date().isoformat()
    )
    assert [(d["id"], d["duration"]) for d in listed["dates"]] == [(901, 45)]
    # fewer places than taken: none left, never fewer than none
    await kasse.load({"events": [ev(dt(start=moved.isoformat(), max_seats=3))]})
    seats = (await get(kasse, "/events/90/dates/901"))["date"]["seats"]
    assert (seats["max"], seats["booked"], seats["available"]) == (3, 5, 0)
