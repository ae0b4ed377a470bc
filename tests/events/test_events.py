"""GET /api/v4/events and /events/:id: the index in the reference's shape, every filter, paging,
locales, bookability per caller, 404s."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.catalog.test_ticket_detail import MUSEUM_1
from tests.events.support import (
    CONCERT,
    LECTURE,
    V4,
    WORKSHOP,
    dates_of,
    event,
    event_date,
    get,
    take_places,
)

ALL = [LECTURE, WORKSHOP, CONCERT]
LECTURE_ENTRY = {
    "id": 1,
    "exhibition_id": 1,
    "museum_id": 1,
    "title": "Das Gold der Inka",
    "sub_title": "Abendvortrag, 60 Minuten",
    "featured": True,
    "bookable": True,
    "registerable": False,
    "category": {"id": 1, "name": "Vortrag"},
    "picture": {
        "title": "Goldene Maske der Sicán",
        "description": "Goldene Maske der Sicán (Foto)",
        "copyright_info": "© Museum für Kunst und Geschichte",
        "teaser": "/static/demo/lecture.jpg",
        "preview": "/static/demo/lecture.jpg",
        "article": "/static/demo/lecture.jpg",
        "detail": "/static/demo/lecture.jpg",
    },
    "location": MUSEUM_1,
    "age_groups": [],
    "audiences": [{"id": 2, "name": "Erwachsene"}],
    "catch_words": [{"id": 3, "name": "Gold"}],
    "disablements": [{"id": 1, "name": "Rollstuhlgerecht"}],
    "grades": [],
    "proposal_categories": [],
    "languages": [{"id": 1, "name": "Deutsch"}, {"id": 2, "name": "Englisch"}],
}


async def _ids(kasse, who: str | None = None, **params) -> list[int]:
    return [e["id"] for e in (await get(kasse, "/events", who, **params))["events"]]


async def test_index_in_the_references_shape(kasse):
    body = await get(kasse, "/events")
    assert body["meta"] == {"total_count": 3, "page": 1, "per_page": 25}
    assert [e["id"] for e in body["events"]] == ALL
    assert body["events"][0] == LECTURE_ENTRY
    workshop = body["events"][1]
    assert workshop["age_groups"] == [
        {"id": 2, "name": "Kinder ab 10 Jahre"},
        {"id": 3, "name": "Erwachsene"},
    ]
    assert workshop["proposal_categories"] == [{"id": 1, "name": "Schulklasse"}]
    assert workshop["grades"] == [{"id": 3, "name": "Sekundarstufe II"}]
    assert body["events"][2]["exhibition_id"] == 1


async def test_paging(kasse):
    first = await get(kasse, "/events", per_page=2)
    assert [e["id"] for e in first["events"]] == [LECTURE, WORKSHOP]
    assert first["meta"] == {"total_count": 3, "page": 1, "per_page": 2}
    second = await get(kasse, "/events", per_page=2, page=2)
    assert [e["id"] for e in second["events"]] == [CONCERT]
    assert second["meta"] == {"total_count": 3, "page": 2, "per_page": 2}


async def test_locales(kasse):
    english = (await get(kasse, "/events", locale="en"))["events"][0]
    assert english["title"] == "The Gold of the Incas"
    assert english["category"] == {"id": 1, "name": "Lecture"}
    assert english["languages"] == [{"id": 1, "name": "German"}, {"id": 2, "name": "English"}]
    both = (await get(kasse, "/events", **{"locale[]": ["de", "en"]}))["events"][0]
    assert both["title"] == {"de": "Das Gold der Inka", "en": "The Gold of the Incas"}
    assert both["catch_words"] == [{"id": 3, "name": {"de": "Gold", "en": "Gold"}}]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "gold"}, [LECTURE, WORKSHOP]),  # "Goldschmiede-Werkstatt" too
        ({"q": "INCAS"}, [LECTURE]),  # any locale, any case
        ({"by_featured": "true"}, [LECTURE]),
        ({"by_featured": "false"}, [WORKSHOP, CONCERT]),
        ({"by_museum_ids[]": 2}, []),
        ({"by_museum_ids[]": [1, 2]}, ALL),
        ({"by_exhibition_ids[]": 1}, ALL),
        ({"by_exhibition_ids[]": 2}, []),
        ({"by_category_ids[]": [2, 3]}, [WORKSHOP, CONCERT]),
        ({"by_categories[]": "konzert"}, [CONCERT]),
        ({"by_categories[]": ["Lecture", "Kurs / Workshop"]}, [LECTURE, WORKSHOP]),
        ({"by_age_group_ids[]": 3}, [WORKSHOP]),
        ({"by_audience_ids[]": 2}, [LECTURE, CONCERT]),
        ({"by_audience_ids[]": [1, 3]}, [WORKSHOP]),
        ({"by_catch_word_ids[]": 3}, [LECTURE]),
        ({"by_disablement_ids[]": 1}, [LECTURE, CONCERT]),
        ({"by_grade_ids[]": 3}, [WORKSHOP]),
        ({"by_proposal_category_ids[]": 1}, [WORKSHOP]),
        ({"by_language_ids[]": 2}, [LECTURE]),
        ({"by_language_ids[]": 1}, ALL),
        # every filter must hold
        ({"by_audience_ids[]": 2, "by_disablement_ids[]": 1, "by_featured": "false"}, [CONCERT]),
        ({"by_bookable": "true"}, ALL),
        ({"by_bookable": "false"}, []),
        ({"with_bookings_in_future": "true"}, ALL),
        ({"with_bookings_in_future": "false"}, []),
    ],
)
async def test_filters(kasse, params, expected):
    assert await _ids(kasse, **params) == expected


async def test_array_filters_also_url_encoded(kasse):
    r = await kasse.client.get(f"{V4}/events?by_category_ids%5B%5D=3")
    assert [e["id"] for e in r.json()["events"]] == [CONCERT]


async def test_bookable_needs_a_date_ahead(kasse):
    concert_dates = await dates_of(kasse, CONCERT)
    kasse.clock.set(datetime.fromisoformat(concert_dates[-1]["start_time"]))
    events = {e["id"]: e["bookable"] for e in (await get(kasse, "/events"))["events"]}
    # the last concert begins now: it can be booked no more
    assert events[CONCERT] is False
    assert await _ids(kasse, by_bookable="false") == [CONCERT]
    detail = await get(kasse, f"/events/{CONCERT}")
    assert detail["event"]["bookable"] is False


async def test_bookable_per_caller(kasse):
    start = kasse.clock.now() + timedelta(days=2)
    await kasse.load(
        {
            "events": [
                event(90, event_date(901, start), bookable_reseller=False),
                event(91, event_date(911, start), bookable=False),
                event(92),  # no dates at all
            ]
        }
    )

    async def bookable(who: str | None) -> dict[int, bool]:
        body = await get(kasse, "/events", who)
        return {e["id"]: e["bookable"] for e in body["events"] if e["id"] >= 90}

    assert await bookable(None) == {90: True, 91: False, 92: False}
    assert await bookable("reseller") == {90: False, 91: False, 92: False}
    assert await bookable("cashpoint") == {90: True, 91: False, 92: False}
    assert await _ids(kasse, "reseller", by_bookable="true") == ALL


async def test_with_bookings_in_future_needs_places_left(kasse):
    for date in await dates_of(kasse, WORKSHOP):
        await take_places(kasse, date["id"], sold=8, held=4)  # 12 places: every one taken
    assert await _ids(kasse, with_bookings_in_future="true") == [LECTURE, CONCERT]
    assert await _ids(kasse, with_bookings_in_future="false") == [WORKSHOP]
    # still bookable in principle: the places are what is gone
    assert await _ids(kasse, by_bookable="true") == ALL


async def test_expired_holds_leave_the_places_free(kasse):
    for date in await dates_of(kasse, WORKSHOP):
        await take_places(kasse, date["id"], held=12)  # reservations: five minutes
    assert await _ids(kasse, with_bookings_in_future="false") == [WORKSHOP]
    kasse.clock.advance(timedelta(minutes=5))
    assert await _ids(kasse, with_bookings_in_future="false") == []


async def test_a_museum_limited_token_sees_its_museums_events(kasse):
    start = kasse.clock.now() + timedelta(days=2)
    await kasse.load({"events": [event(90, event_date(901, start), museum_id=2)]})
    only_2 = await kasse.new_token("reseller", [2])
    r = await kasse.client.get(f"{V4}/events", headers={"Authorization": f"Bearer {only_2}"})
    assert [e["id"] for e in r.json()["events"]] == [90]
    r = await kasse.client.get(f"{V4}/events/1", headers={"Authorization": f"Bearer {only_2}"})
    assert r.status_code == 404
    assert r.json() == {"error": "event 1 not found"}


async def test_detail_adds_description_and_content(kasse):
    body = await get(kasse, f"/events/{LECTURE}", locale="en")
    detail = body["event"]
    assert set(detail) == set(LECTURE_ENTRY) | {"description", "content"}
    assert detail["description"] == "A curator tells how the goldsmiths of the Andes worked."
    assert detail["content"] == {
        "shop_title": "The Gold of the Incas",
        "shop_sub_title": "Evening lecture",
        "shop_description": "An evening on Andean goldsmiths.",
    }
    german = (await get(kasse, f"/events/{LECTURE}"))["event"]
    assert {k: v for k, v in german.items() if k not in ("description", "content")} == (
        LECTURE_ENTRY
    )


async def test_own_location_and_no_category(kasse):
    place = {"name": "Park", "city": "Berlin", "latitude": 52.5, "longitude": 13.4}
    await kasse.load({"events": [event(90, location=place)]})
    detail = (await get(kasse, "/events/90"))["event"]
    assert detail["location"] == {
        "name": "Park",
        "street": None,
        "zip": None,
        "city": "Berlin",
        "country": None,
        "latitude": 52.5,
        "longitude": 13.4,
    }
    assert detail["category"] is None
    assert detail["exhibition_id"] is None
    assert detail["languages"] == []
    assert detail["bookable"] is False
    # an event of no exhibition: not one of exhibition 1's
    # in the order of the files: first in its file, as the lecture was in the demo's
    assert await _ids(kasse) == [LECTURE, 90, WORKSHOP, CONCERT]
    assert await _ids(kasse, **{"by_exhibition_ids[]": 1}) == ALL


@pytest.mark.parametrize("path", ["/events/999", "/events/2147483648"])
async def test_unknown_event_is_a_404(kasse, path):
    r = await kasse.client.get(f"{V4}{path}")
    assert r.status_code == 404
    assert "error" in r.json()


@pytest.mark.parametrize(
    "query", ["by_category_ids[]=x", "by_featured=maybe", "per_page=0", "by_categories[]="]
)
async def test_bad_filters_are_a_422(kasse, query):
    r = await kasse.client.get(f"{V4}/events?{query}")
    assert r.status_code == 422
    assert "error" in r.json()


async def test_catalog_answers_carry_no_cache_control(kasse):
    """As the tickets' master and live data: cacheable, no no-store."""
    for path in ("/events", "/events/1", "/events/categories", "/dates", "/calendar"):
        r = await kasse.client.get(f"{V4}{path}")
        assert r.status_code == 200, path
        assert "cache-control" not in r.headers, path
