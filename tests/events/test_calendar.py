"""GET /api/v4/calendar and /events/:id/calendar: per day, can an event date be booked."""

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


def _window(first: date, days: int = 30) -> dict[str, str]:
    return {"start_at": first.isoformat(), "end_at": (first + timedelta(days=days - 1)).isoformat()}


async def _days_of(kasse, *event_ids: int) -> set[str]:
    return {
        local_day(d["start_time"]).isoformat() for e in event_ids for d in await dates_of(kasse, e)
    }


async def test_any_is_true_on_the_days_with_a_bookable_date(kasse):
    today = local_today(kasse)
    data = (await get(kasse, "/calendar", **_window(today)))["data"]
    assert list(data) == [(today + timedelta(days=i)).isoformat() for i in range(30)]
    days = await _days_of(kasse, LECTURE, WORKSHOP, CONCERT)
    assert {day for day, open_ in data.items() if open_} == {d for d in days if d in data}
    assert all(isinstance(v, bool) for v in data.values())


async def test_default_range_is_today_to_the_end_of_the_month(kasse):
    today = local_today(kasse)
    data = (await get(kasse, "/calendar"))["data"]
    assert min(data) == today.isoformat()
    last = date.fromisoformat(max(data))
    assert last.month == today.month and (last + timedelta(days=1)).day == 1


async def test_filters_narrow_the_dates(kasse):
    today = local_today(kasse)
    window = _window(today, 60)
    concert_days = await _days_of(kasse, CONCERT)
    data = (await get(kasse, "/calendar", **window, **{"by_event_ids[]": CONCERT}))["data"]
    assert {day for day, open_ in data.items() if open_} == concert_days
    data = (await get(kasse, "/calendar", **window, **{"by_category_ids[]": 3}))["data"]
    assert {day for day, open_ in data.items() if open_} == concert_days
    data = (await get(kasse, "/calendar", **window, **{"by_age_group_ids[]": 2}))["data"]
    assert {day for day, open_ in data.items() if open_} == await _days_of(kasse, WORKSHOP)
    data = (await get(kasse, "/calendar", **window, **{"by_language_ids[]": 2}))["data"]
    last_lecture = (await dates_of(kasse, LECTURE))[-1]
    assert {day for day, open_ in data.items() if open_} == {
        local_day(last_lecture["start_time"]).isoformat()
    }
    data = (await get(kasse, "/calendar", **window, **{"by_museum_ids[]": 2}))["data"]
    assert not any(data.values())


async def test_one_place_left_keeps_the_day_open(kasse):
    concert = (await dates_of(kasse, CONCERT))[0]
    day = local_day(concert["start_time"]).isoformat()
    window = {"start_at": day, "end_at": day, "by_event_ids[]": CONCERT}
    assert (await get(kasse, "/calendar", **window))["data"] == {day: True}
    await take_places(kasse, concert["id"], sold=39)
    assert (await get(kasse, "/calendar", **window))["data"] == {day: True}
    status = await get(kasse, "/calendar", **window, depth="availability_status")
    assert status["data"] == {day: "available"}
    # another date full: its own places, not this one's
    await take_places(kasse, 302, held=40)
    assert (await get(kasse, "/calendar", **window))["data"] == {day: True}


async def test_full_day_is_false_and_fully_booked(kasse):
    concert = (await dates_of(kasse, CONCERT))[0]
    day = local_day(concert["start_time"]).isoformat()
    window = {"start_at": day, "end_at": day, "by_event_ids[]": CONCERT}
    await take_places(kasse, concert["id"], sold=30, held=10)
    assert (await get(kasse, "/calendar", **window))["data"] == {day: False}
    status = await get(kasse, "/calendar", **window, depth="availability_status")
    assert status["data"] == {day: "fully_booked"}
    empty = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    status = await get(
        kasse,
        "/calendar",
        start_at=empty,
        end_at=empty,
        depth="availability_status",
        **{"by_event_ids[]": CONCERT},
    )
    assert status["data"] == {empty: "unavailable"}


async def test_depth_all_lists_the_bookable_dates_with_their_places(kasse):
    concert = (await dates_of(kasse, CONCERT))[0]
    day = local_day(concert["start_time"]).isoformat()
    await take_places(kasse, concert["id"], sold=5)
    body = await get(
        kasse, "/calendar", start_at=day, end_at=day, depth="all", **{"by_event_ids[]": CONCERT}
    )
    start = datetime.fromisoformat(concert["start_time"]).strftime("%Y-%m-%d %H:%M:%S %z")
    assert body == {
        "data": {day: [{"date": {"id": concert["id"], "event_id": 3, "capacities": [{start: 35}]}}]}
    }


async def test_a_date_that_began_is_not_bookable(kasse):
    concert = (await dates_of(kasse, CONCERT))[0]
    start = datetime.fromisoformat(concert["start_time"])
    day = start.date().isoformat()
    window = {"start_at": day, "end_at": day, "by_event_ids[]": CONCERT}
    kasse.clock.set(start - timedelta(minutes=1))
    assert (await get(kasse, "/calendar", **window))["data"] == {day: True}
    kasse.clock.set(start)
    assert (await get(kasse, "/calendar", **window))["data"] == {day: False}


async def test_dates_the_caller_may_not_book_do_not_open_a_day(kasse):
    start = kasse.clock.now() + timedelta(days=2)
    await kasse.load({"events": [event(90, event_date(901, start), bookable_reseller=False)]})
    day = start.astimezone(kasse.instance.tz).date().isoformat()
    window = {"start_at": day, "end_at": day, "by_event_ids[]": 90}
    assert (await get(kasse, "/calendar", **window))["data"] == {day: True}
    assert (await get(kasse, "/calendar", "reseller", **window))["data"] == {day: False}


async def test_one_events_calendar_is_the_global_one_narrowed(kasse):
    today = local_today(kasse)
    for depth in ("any", "all", "availability_status"):
        own = await get(kasse, f"/events/{WORKSHOP}/calendar", **_window(today), depth=depth)
        narrowed = await get(
            kasse, "/calendar", **_window(today), depth=depth, **{"by_event_ids[]": WORKSHOP}
        )
        assert own == narrowed
    assert any(
        (await get(kasse, f"/events/{WORKSHOP}/calendar", **_window(today, 60)))["data"].values()
    )


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/events/999/calendar", 404, "event 999 not found"),
        ("/calendar?by_event_ids[]=999", 404, "event 999 not found"),
        (
            "/calendar?start_at=2030-01-01&end_at=2030-04-30",
            422,
            "at most 93 days per call (120 asked): split the range into several calls",
        ),
        ("/calendar?start_at=2030-01-02&end_at=2030-01-01", 422, "end_at is before start_at"),
    ],
)
async def test_refusals(kasse, path, status, says):
    r = await kasse.client.get(f"{V4}{path}")
    assert r.status_code == status
    assert r.json() == {"error": says}


async def test_an_unknown_depth_is_a_422(kasse):
    r = await kasse.client.get(f"{V4}/calendar?depth=some")
    assert r.status_code == 422
    assert "error" in r.json()
