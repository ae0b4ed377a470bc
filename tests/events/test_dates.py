"""The dates lists: GET /events/:id/dates (a day or up to 31 days), GET /dates across events and
GET /dates/languages, with live places counted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.events.support import (
    CONCERT,
    LECTURE,
    V4,
    WORKSHOP,
    dates_of,
    event,
    event_date,
    get,
    local_day,
    local_today,
    take_places,
)

DATE_FIELDS = {
    "id",
    "event_id",
    "exhibition_id",
    "museum_id",
    "category",
    "bookable",
    "registerable",
    "title",
    "sub_title",
    "start_time",
    "duration",
    "seats",
    "language",
}


def _range(first: date, last: date) -> dict[str, str]:
    return {"start_at": first.isoformat(), "end_at": last.isoformat()}


async def _event_dates(kasse, event_id: int, who: str | None = None, **params) -> list[int]:
    body = await get(kasse, f"/events/{event_id}/dates", who, **params)
    return [d["id"] for d in body["dates"]]


async def test_a_date_in_the_references_shape(kasse):
    first = (await dates_of(kasse, LECTURE))[0]
    day = local_day(first["start_time"])
    body = await get(kasse, f"/events/{LECTURE}/dates", date=day.isoformat())
    assert body == {
        "dates": [
            {
                "id": 101,
                "event_id": 1,
                "exhibition_id": 1,
                "museum_id": 1,
                "category": {"id": 1, "name": "Vortrag", "filtername": "Vortrag"},
                "bookable": True,
                "registerable": False,
                "title": "Das Gold der Inka",
                "sub_title": "Abendvortrag, 60 Minuten",
                "start_time": f"{day.isoformat()}T18:30:00{first['start_time'][-6:]}",
                "duration": 60,
                "seats": {
                    "min": 1,
                    "max": 60,
                    "booked": 0,
                    "available": 60,
                    "max_per_registration": 10,
                },
                "language": {"id": 1, "name": "Deutsch"},
            }
        ],
        "meta": {"total_count": 1, "page": 1, "per_page": 25},
    }
    assert first["start_time"] == body["dates"][0]["start_time"]


async def test_filtername_stays_in_the_default_locale(kasse):
    first = (await dates_of(kasse, WORKSHOP))[0]
    day = local_day(first["start_time"]).isoformat()
    english = (await get(kasse, f"/events/{WORKSHOP}/dates", date=day, locale="en"))["dates"][0]
    assert english["category"] == {
        "id": 2,
        "name": "Course / workshop",
        "filtername": "Kurs / Workshop",
    }
    assert english["title"] == "Goldsmith's workshop"


async def test_default_is_today(kasse):
    first = (await dates_of(kasse, CONCERT))[0]
    start = datetime.fromisoformat(first["start_time"])
    # the day before: no concert that day
    kasse.clock.set(start - timedelta(days=1))
    assert await _event_dates(kasse, CONCERT) == []
    # the morning of the concert's day: listed, and bookable
    kasse.clock.set(start - timedelta(hours=8))
    body = await get(kasse, f"/events/{CONCERT}/dates")
    assert [(d["id"], d["bookable"]) for d in body["dates"]] == [(first["id"], True)]
    # after it began: still the day's date, no longer bookable
    kasse.clock.set(start + timedelta(minutes=1))
    body = await get(kasse, f"/events/{CONCERT}/dates")
    assert [(d["id"], d["bookable"]) for d in body["dates"]] == [(first["id"], False)]


async def test_ranges_up_to_31_days(kasse):
    lectures = await dates_of(kasse, LECTURE)
    first = local_day(lectures[0]["start_time"])
    assert await _event_dates(kasse, LECTURE, **_range(first, first + timedelta(days=30))) == [
        d["id"] for d in lectures if local_day(d["start_time"]) <= first + timedelta(days=30)
    ]
    # start_at alone: that day; end_at alone: today to end_at
    assert await _event_dates(kasse, LECTURE, start_at=first.isoformat()) == [lectures[0]["id"]]
    assert await _event_dates(kasse, LECTURE, end_at=first.isoformat()) == [lectures[0]["id"]]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        (
            "start_at=2030-01-01&end_at=2030-02-01",
            "at most 31 days per call (32 asked): split the range into several calls",
        ),
        ("start_at=2030-01-02&end_at=2030-01-01", "end_at is before start_at"),
        ("date=2030-01-01&start_at=2030-01-01", "give either date or start_at/end_at, not both"),
    ],
)
async def test_bad_ranges_are_a_422(kasse, query, says):
    r = await kasse.client.get(f"{V4}/events/{LECTURE}/dates?{query}")
    assert r.status_code == 422
    assert r.json() == {"error": says}


async def test_31_days_are_fine(kasse):
    r = await kasse.client.get(f"{V4}/events/1/dates?start_at=2030-01-01&end_at=2030-01-31")
    assert r.status_code == 200, r.text


async def test_language_and_bookable_filters(kasse):
    lectures = await dates_of(kasse, LECTURE)
    first, last = local_day(lectures[0]["start_time"]), local_day(lectures[-1]["start_time"])
    window = _range(last - timedelta(days=30), last)
    in_window = [d["id"] for d in lectures if local_day(d["start_time"]) >= last - timedelta(30)]
    assert await _event_dates(kasse, LECTURE, **window, **{"by_language_ids[]": 2}) == [
        lectures[-1]["id"]
    ]
    assert (
        await _event_dates(kasse, LECTURE, **window, **{"by_language_ids[]": 1}) == (in_window[:-1])
    )
    assert await _event_dates(kasse, LECTURE, **window, by_bookable="true") == in_window
    assert await _event_dates(kasse, LECTURE, **window, by_bookable="false") == []
    kasse.clock.set(datetime.fromisoformat(lectures[0]["start_time"]) + timedelta(minutes=1))
    assert await _event_dates(kasse, LECTURE, **_range(first, first), by_bookable="false") == [
        lectures[0]["id"]
    ]


async def test_paging(kasse):
    lectures = await dates_of(kasse, LECTURE)
    first = local_day(lectures[0]["start_time"])
    window = _range(first, first + timedelta(days=30))
    body = await get(kasse, f"/events/{LECTURE}/dates", per_page=2, page=2, **window)
    assert [d["id"] for d in body["dates"]] == [lectures[2]["id"], lectures[3]["id"]]
    in_window = [d for d in lectures if local_day(d["start_time"]) <= first + timedelta(days=30)]
    assert body["meta"] == {"total_count": len(in_window), "page": 2, "per_page": 2}
    assert len(in_window) in (4, 5)  # five Thursdays, or four around Christmas Eve


async def test_live_places(kasse):
    workshops = await dates_of(kasse, WORKSHOP)
    await take_places(kasse, workshops[1]["id"], held=5)
    kasse.clock.advance(timedelta(minutes=5))  # the reservation's end
    await take_places(kasse, workshops[0]["id"], sold=3, held=2)
    seats = {d["id"]: d["seats"] for d in await dates_of(kasse, WORKSHOP)}
    assert seats[workshops[0]["id"]] == {
        "min": 1,
        "max": 12,
        "booked": 5,
        "available": 7,
        "max_per_registration": 6,
    }
    # an expired hold holds nothing
    assert seats[workshops[1]["id"]]["booked"] == 0
    assert seats[workshops[1]["id"]]["available"] == 12


async def test_seats_taken_count_as_places(kasse):
    concert = (await dates_of(kasse, CONCERT))[0]
    await take_places(kasse, concert["id"], seats=[1001, 1002], held_seats=[1003])
    day = local_day(concert["start_time"]).isoformat()
    listed = (await get(kasse, f"/events/{CONCERT}/dates", date=day))["dates"][0]
    assert listed["seats"] == {
        "min": 1,
        "max": 40,
        "booked": 3,
        "available": 37,
        "max_per_registration": 8,
    }


async def test_the_dates_of_an_unknown_event(kasse):
    r = await kasse.client.get(f"{V4}/events/999/dates")
    assert r.status_code == 404
    assert r.json() == {"error": "event 999 not found"}


# --- GET /dates ------------------------------------------------------------------------------


async def _all_dates(kasse, who: str | None = None, **params) -> list[int]:
    today = local_today(kasse)
    window = _range(today, today + timedelta(days=60))
    body = await get(kasse, "/dates", who, per_page=1000, **{**window, **params})
    return [d["id"] for d in body["dates"]]


async def test_dates_across_events_by_start(kasse):
    body = await get(kasse, "/dates", **_range(date(2000, 1, 1), date(2000, 1, 2)))
    assert body == {"dates": [], "meta": {"total_count": 0, "page": 1, "per_page": 25}}
    every = await _all_dates(kasse)
    assert sorted(every) == [*range(101, 107), *range(201, 207), *range(301, 305)]
    today = local_today(kasse)
    listed = await get(kasse, "/dates", per_page=1000, **_range(today, today + timedelta(days=60)))
    starts = [datetime.fromisoformat(d["start_time"]) for d in listed["dates"]]
    assert starts == sorted(starts)


async def test_dates_default_from_today_to_the_end_of_the_month(kasse):
    today = local_today(kasse)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    expected = [
        d["id"]
        for e in (LECTURE, WORKSHOP, CONCERT)
        for d in await dates_of(kasse, e)
        if local_day(d["start_time"]) < next_month
    ]
    body = await get(kasse, "/dates", per_page=1000)
    assert sorted(d["id"] for d in body["dates"]) == sorted(expected)


@pytest.mark.parametrize(
    ("params", "events"),
    [
        ({"by_event_ids[]": [CONCERT, WORKSHOP]}, {WORKSHOP, CONCERT}),
        ({"q": "barock"}, {CONCERT}),
        ({"by_museum_ids[]": 2}, set()),
        ({"by_exhibition_ids[]": 1}, {LECTURE, WORKSHOP, CONCERT}),
        ({"by_exhibition_ids[]": 2}, set()),
        ({"by_category_ids[]": 1}, {LECTURE}),
        ({"by_categories[]": "Concert"}, {CONCERT}),
        ({"by_age_group_ids[]": 2}, {WORKSHOP}),
        ({"by_audience_ids[]": 3}, {WORKSHOP}),
        ({"by_catch_word_ids[]": 3}, {LECTURE}),
        ({"by_disablement_ids[]": 1}, {LECTURE, CONCERT}),
        ({"by_grade_ids[]": 3}, {WORKSHOP}),
        ({"by_proposal_category_ids[]": 1}, {WORKSHOP}),
        ({"by_language_ids[]": 2}, {LECTURE}),
        ({"by_bookable": "false"}, set()),
        ({"by_bookable": "true"}, {LECTURE, WORKSHOP, CONCERT}),
    ],
)
async def test_dates_filters(kasse, params, events):
    body = await get(
        kasse,
        "/dates",
        per_page=1000,
        **_range(local_today(kasse), local_today(kasse) + timedelta(days=60)),
        **params,
    )
    assert {d["event_id"] for d in body["dates"]} == events
    if params == {"by_language_ids[]": 2}:
        assert len(body["dates"]) == 1  # the lecture's English date, not the others


async def test_dates_paging_and_live_places(kasse):
    every = await _all_dates(kasse)
    await take_places(kasse, every[1], sold=2)
    body = await get(
        kasse,
        "/dates",
        per_page=1,
        page=2,
        **_range(local_today(kasse), local_today(kasse) + timedelta(days=60)),
    )
    assert [d["id"] for d in body["dates"]] == [every[1]]
    assert body["dates"][0]["seats"]["booked"] == 2
    assert body["meta"] == {"total_count": 16, "page": 2, "per_page": 1}


async def test_dates_of_a_date_titled_on_its_own(kasse):
    start = kasse.clock.now() + timedelta(days=2)
    own = event_date(901, start, title={"de": "Sondertermin", "en": "Special"})
    await kasse.load({"events": [event(90, own, sub_title="Reihe")]})
    listed = await get(kasse, "/dates", **{"by_event_ids[]": 90, "q": "special"})
    assert [(d["title"], d["sub_title"]) for d in listed["dates"]] == [("Sondertermin", "Reihe")]
    # the event's title finds it as well
    assert len((await get(kasse, "/dates", **{"q": "Veranstaltung 90"}))["dates"]) == 1


async def test_a_range_of_more_than_93_days_is_a_422(kasse):
    r = await kasse.client.get(f"{V4}/dates?start_at=2030-01-01&end_at=2030-04-30")
    assert r.status_code == 422
    assert r.json() == {
        "error": "at most 93 days per call (120 asked): split the range into several calls"
    }


async def test_date_languages_follow_the_filters(kasse):
    window = _range(local_today(kasse), local_today(kasse) + timedelta(days=60))
    german, english = {"id": 1, "name": "Deutsch"}, {"id": 2, "name": "Englisch"}
    assert await get(kasse, "/dates/languages", **window) == {"languages": [german, english]}
    assert await get(kasse, "/dates/languages", **window, **{"by_event_ids[]": CONCERT}) == {
        "languages": [german]
    }
    assert await get(
        kasse, "/dates/languages", **window, locale="en", **{"by_language_ids[]": 2}
    ) == {"languages": [{"id": 2, "name": "English"}]}
    assert await get(kasse, "/dates/languages", **_range(date(2000, 1, 1), date(2000, 1, 1))) == {
        "languages": []
    }
