"""GET /tours/:id/start_times and /start_times/:date: starts from the tour's rule within the
opening hours and the window, lead days, closures, the guides (languages, hours, other tours),
the bookings a start already has, participants left; who gets an answer; bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.conftest import next_weekday
from tests.events.support import get, local_today
from tests.helpers import recorded_statements
from tests.tours.support import (
    ANNA,
    ENGLISH,
    GERMAN,
    JONAS,
    PUBLIC_TOUR,
    SCHOOL_TOUR,
    V4,
    take,
    tour,
)

SCHOOL_STARTS = [f"{h:02d}:{m:02d}" for h in range(10, 16) for m in (0, 30)]  # 10:00-15:30
PUBLIC_STARTS = ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]


def weekday(kasse, number: int, weeks_ahead: int = 1) -> date:
    """A day of this weekday (0 = Monday) at least a week ahead, never Christmas Eve."""
    day = next_weekday(local_today(kasse) + timedelta(days=7 * weeks_ahead), number)
    return day + timedelta(days=7) if (day.month, day.day) == (12, 24) else day


async def starts(kasse, tour_id: int, day: date, who: str | None = None, **params) -> list[str]:
    """The clock times (HH:MM) of a day's start list."""
    body = await get(kasse, f"/tours/{tour_id}/start_times/{day.isoformat()}", who, **params)
    return [datetime.fromisoformat(s["start_time"]).strftime("%H:%M") for s in body["data"]]


async def test_a_days_starts_in_the_references_shape(kasse, day):
    body = await get(kasse, f"/tours/{SCHOOL_TOUR}/start_times/{day.isoformat()}")
    assert body["data"][0] == {
        "start_time": kasse.local(day, "10:00"),
        "participants": {"min": 5, "max": 30, "bookable": 30},
    }
    assert [s["start_time"] for s in body["data"]] == [kasse.local(day, t) for t in SCHOOL_STARTS]


async def test_the_calendar_per_day_and_with_every_start(kasse):
    tuesday = weekday(kasse, 1)
    monday, wednesday = tuesday - timedelta(days=1), tuesday + timedelta(days=1)
    params = {"start_at": monday.isoformat(), "end_at": wednesday.isoformat()}
    assert await get(kasse, f"/tours/{PUBLIC_TOUR}/start_times", **params) == {
        "data": {monday.isoformat(): False, tuesday.isoformat(): True, wednesday.isoformat(): True}
    }
    every = await get(kasse, f"/tours/{PUBLIC_TOUR}/start_times", depth="all", **params)
    assert every["data"][monday.isoformat()] == []
    assert every["data"][tuesday.isoformat()] == [kasse.local(tuesday, t) for t in PUBLIC_STARTS]


async def test_the_calendar_defaults_to_today_until_the_end_of_the_month(kasse):
    today = local_today(kasse)
    data = (await get(kasse, f"/tours/{PUBLIC_TOUR}/start_times"))["data"]
    last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert list(data) == [
        (today + timedelta(days=i)).isoformat() for i in range((last - today).days + 1)
    ]


async def test_window_parameters_bound_the_whole_tour(kasse, day):
    window = {"opening_hours_start": 12 * 60, "opening_hours_end": 14 * 60}
    assert await starts(kasse, PUBLIC_TOUR, day, **window) == ["12:00", "13:00"]
    # the school tour lasts 90 minutes: 12:00-13:30 and 12:30-14:00 fit
    assert await starts(kasse, SCHOOL_TOUR, day, **window) == ["12:00", "12:30"]
    calendar = await get(
        kasse,
        f"/tours/{PUBLIC_TOUR}/start_times",
        start_at=day.isoformat(),
        end_at=day.isoformat(),
        depth="all",
        **window,
    )
    assert calendar["data"][day.isoformat()] == [kasse.local(day, t) for t in ("12:00", "13:00")]


async def test_opening_hours_bound_the_rule(kasse):
    # 08:00-20:00 every hour, 60 minutes: the museum opens 10-18 (Thursday 10-20)
    await kasse.load(
        {"tours": [tour(90, start_times={"first": "08:00", "last": "20:00", "every": 60})]}
    )
    wednesday = weekday(kasse, 2)
    assert await starts(kasse, 90, wednesday) == [f"{h}:00" for h in range(10, 18)]
    # Thursdays the museum opens until 20:00, but the demo's guides work until 18:00
    thursday = wednesday + timedelta(days=1)
    assert await starts(kasse, 90, thursday) == [f"{h}:00" for h in range(10, 18)]
    await kasse.load({"guides": [{"id": 9, "name": "Ida", "language_ids": [GERMAN]}]})
    assert await starts(kasse, 90, thursday) == [f"{h}:00" for h in range(10, 20)]


async def test_closed_days_and_closures_have_no_starts(kasse):
    assert await starts(kasse, PUBLIC_TOUR, weekday(kasse, 0)) == []
    # the demo museum closes on Christmas Eve of the year it was loaded in
    christmas_eve = date(local_today(kasse).year, 12, 24)
    kasse.clock.set(
        datetime.fromisoformat(kasse.local(christmas_eve - timedelta(days=20), "09:00"))
    )
    day_before = christmas_eve - timedelta(days=1)
    expected = [] if day_before.weekday() == 0 else PUBLIC_STARTS
    assert await starts(kasse, PUBLIC_TOUR, day_before) == expected
    assert await starts(kasse, PUBLIC_TOUR, christmas_eve) == []


async def test_the_rules_weekdays_and_grid(kasse):
    saturday = weekday(kasse, 5)
    await kasse.load(
        {
            "tours": [
                tour(
                    90,
                    start_times={
                        "first": "11:00",
                        "last": "13:00",
                        "every": 60,
                        "weekdays": ["sat"],
                    },
                ),
                # 10:10, 10:40, ...: never on a quarter hour
                tour(91, start_times={"first": "10:10", "last": "15:00", "every": 30}),
            ]
        }
    )
    assert await starts(kasse, 90, saturday) == ["11:00", "12:00", "13:00"]
    assert await starts(kasse, 90, saturday - timedelta(days=1)) == []
    assert await starts(kasse, 91, saturday) == []


async def test_lead_days(kasse):
    # The school tour is booked two days ahead; the clock at 05:00 of a Tuesday.
    tuesday = weekday(kasse, 1)
    kasse.clock.set(datetime.fromisoformat(kasse.local(tuesday, "05:00")))
    data = (
        await get(
            kasse,
            f"/tours/{SCHOOL_TOUR}/start_times",
            start_at=tuesday.isoformat(),
            end_at=(tuesday + timedelta(days=6)).isoformat(),
        )
    )["data"]
    # Tuesday, Wednesday: too early; Monday: closed
    assert list(data.values()) == [False, False, True, True, True, True, False]
    assert (await get(kasse, f"/tours/{PUBLIC_TOUR}/start_times/{tuesday.isoformat()}"))["data"]


async def test_starts_already_begun_are_gone(kasse, day):
    kasse.clock.set(datetime.fromisoformat(kasse.local(day, "13:00")))
    assert await starts(kasse, PUBLIC_TOUR, day) == ["14:00", "15:00", "16:00"]


async def test_participants_left_and_asked(kasse, day):
    await take(kasse, SCHOOL_TOUR, kasse.local(day, "10:00"), participants=22, guide_id=ANNA)
    await take(
        kasse,
        SCHOOL_TOUR,
        kasse.local(day, "10:30"),
        participants=10,
        guide_id=JONAS,
        held_until=kasse.clock.now() + timedelta(minutes=5),
    )
    body = await get(kasse, f"/tours/{SCHOOL_TOUR}/start_times/{day.isoformat()}")
    left = {s["start_time"]: s["participants"]["bookable"] for s in body["data"]}
    assert left[kasse.local(day, "10:00")] == 8
    assert left[kasse.local(day, "10:30")] == 20
    # 9 asked: 10:00 cannot take them; the default asks for the minimum, 5
    assert "10:00" not in await starts(kasse, SCHOOL_TOUR, day, participants=9)
    assert "10:00" in await starts(kasse, SCHOOL_TOUR, day)
    # the hold expires: its places and its guide are free again
    kasse.clock.advance(timedelta(minutes=6))
    body = await get(kasse, f"/tours/{SCHOOL_TOUR}/start_times/{day.isoformat()}")
    assert body["data"][1]["participants"]["bookable"] == 30


async def test_a_full_start_is_gone(kasse, day):
    await take(kasse, PUBLIC_TOUR, kasse.local(day, "11:00"), participants=25, guide_id=ANNA)
    assert await starts(kasse, PUBLIC_TOUR, day) == PUBLIC_STARTS[1:]


async def test_a_start_needs_a_free_guide(kasse):
    # Tuesdays only Anna works: her public tour 11:00-12:00 takes the school tour's starts
    # that overlap it; the public tour's own 11:00 stays (she leads it) and its 12:00 too.
    tuesday = weekday(kasse, 1)
    await take(kasse, PUBLIC_TOUR, kasse.local(tuesday, "11:00"), participants=3, guide_id=ANNA)
    assert await starts(kasse, SCHOOL_TOUR, tuesday) == [
        t for t in SCHOOL_STARTS if t not in ("10:00", "10:30", "11:00", "11:30")
    ]
    assert await starts(kasse, PUBLIC_TOUR, tuesday) == PUBLIC_STARTS
    # Wednesday Anna and Jonas: both busy 10:00-18:00 with other tours, nothing is left
    wednesday = tuesday + timedelta(days=1)
    for guide in (ANNA, JONAS):
        await take(
            kasse, SCHOOL_TOUR, kasse.local(wednesday, "10:00"), guide_id=guide, duration=480
        )
    assert await starts(kasse, PUBLIC_TOUR, wednesday) == []


async def test_guide_hours(kasse):
    # Sundays Jonas (German, 10-18) and Claire (English, 10-16) work; the school tour lasts 90
    # minutes: in English it ends by 16:00.
    sunday = weekday(kasse, 6)
    assert await starts(kasse, SCHOOL_TOUR, sunday, language_id=GERMAN) == SCHOOL_STARTS
    assert await starts(kasse, SCHOOL_TOUR, sunday, language_id=ENGLISH) == SCHOOL_STARTS[:-2]
    # Tuesdays only Anna works (Jonas and Claire have no hours then): with her busy, none
    tuesday = weekday(kasse, 1)
    await take(kasse, PUBLIC_TOUR, kasse.local(tuesday, "10:00"), guide_id=ANNA, duration=480)
    assert await starts(kasse, SCHOOL_TOUR, tuesday) == []


async def test_guides_without_hours_work_the_museums_hours(kasse):
    await kasse.load({"guides": [{"id": 9, "name": "Ida", "language_ids": [ENGLISH]}]})
    monday, tuesday = weekday(kasse, 0), weekday(kasse, 1)
    await take(kasse, PUBLIC_TOUR, kasse.local(tuesday, "10:00"), guide_id=ANNA, duration=480)
    assert await starts(kasse, SCHOOL_TOUR, tuesday, language_id=ENGLISH) == SCHOOL_STARTS
    assert await starts(kasse, SCHOOL_TOUR, tuesday, language_id=GERMAN) == []
    assert await starts(kasse, SCHOOL_TOUR, monday) == []


async def test_a_booked_start_keeps_its_guide_and_language(kasse, day):
    # Wednesday 10:00 booked in German with Jonas: English asked, the start is not possible
    # (the tour is language-bound), though Anna could guide in English
    await take(
        kasse, SCHOOL_TOUR, kasse.local(day, "10:00"), participants=5, guide_id=JONAS, duration=90
    )
    assert "10:00" not in await starts(kasse, SCHOOL_TOUR, day, language_id=ENGLISH)
    assert "10:00" in await starts(kasse, SCHOOL_TOUR, day, language_id=GERMAN)
    assert "10:00" in await starts(kasse, SCHOOL_TOUR, day)
    # Jonas is busy until 11:30: 10:30 and 11:00 need Anna, who speaks both
    assert "10:30" in await starts(kasse, SCHOOL_TOUR, day, language_id=ENGLISH)


async def test_a_tour_not_bound_to_its_language_takes_any_of_its_guides(kasse, day):
    await kasse.load({"tours": [tour(90, language_bound=False), tour(91)]})
    # Anna (the one English guide on Wednesdays) busy all day
    await take(kasse, SCHOOL_TOUR, kasse.local(day, "10:00"), guide_id=ANNA, duration=480)
    assert await starts(kasse, 91, day, language_id=ENGLISH) == []
    assert await starts(kasse, 90, day, language_id=ENGLISH) == [
        "11:00",
        "12:00",
        "13:00",
        "14:00",
        "15:00",
    ]
    # a booked start of a tour not bound to its language takes any language
    await take(kasse, 90, kasse.local(day, "11:00"), participants=2, guide_id=JONAS)
    assert "11:00" in await starts(kasse, 90, day, language_id=ENGLISH)


async def test_two_statements_for_a_range(kasse, day):
    for h in ("11:00", "13:00"):
        await take(kasse, PUBLIC_TOUR, kasse.local(day, h), participants=2, guide_id=ANNA)
    with recorded_statements(kasse.instance) as statements:
        await get(
            kasse,
            f"/tours/{PUBLIC_TOUR}/start_times",
            start_at=day.isoformat(),
            end_at=(day + timedelta(days=60)).isoformat(),
        )
    live = [s for s in statements if "guide_claims" in s or "quota_slots" in s]
    assert len(live) == 2


async def test_public_callers_only_for_tours_on_sale_in_the_shop(kasse, day):
    await kasse.load({"tours": [tour(90, bookable=False, bookable_reseller=True)]})
    path = f"{V4}/tours/90/start_times/{day.isoformat()}"
    r = await kasse.client.get(path)
    assert r.status_code == 403
    assert r.json() == {"error": "tour 90 is not on sale to this caller"}
    r = await kasse.client.get(f"{V4}/tours/90/start_times")
    assert r.status_code == 403
    assert await starts(kasse, 90, day, "reseller") == ["11:00", "12:00", "13:00", "14:00", "15:00"]
    assert await starts(kasse, 90, day, "cashpoint") == [
        "11:00",
        "12:00",
        "13:00",
        "14:00",
        "15:00",
    ]


async def test_museum_limited_tokens_see_their_museums_tours(kasse, day):
    token = await kasse.new_token("reseller", museum_ids=[2])
    r = await kasse.client.get(
        f"{V4}/tours/{PUBLIC_TOUR}/start_times", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 404
    assert r.json() == {"error": f"tour {PUBLIC_TOUR} not found"}


@pytest.mark.parametrize(
    ("path", "params", "status", "error"),
    [
        ("/tours/99/start_times", {}, 404, "tour 99 not found"),
        ("/tours/99/start_times/2030-01-01", {}, 404, "tour 99 not found"),
        (
            "/tours/1/start_times",
            {"start_at": "2030-01-01", "end_at": "2030-04-04"},
            422,
            "at most 93 days per call (94 asked): split the range into several calls",
        ),
        (
            "/tours/1/start_times",
            {"start_at": "2030-01-02", "end_at": "2030-01-01"},
            422,
            "end_at is before start_at",
        ),
        (
            "/tours/1/start_times",
            {"language_id": 3},
            422,
            "language_id: tour 1 is not guided in language 3",
        ),
        (
            "/tours/1/start_times/2030-01-01",
            {"opening_hours_start": 600, "opening_hours_end": 600},
            422,
            "opening_hours_end must lie after opening_hours_start",
        ),
    ],
)
async def test_bad_input(kasse, path, params, status, error):
    r = await kasse.client.get(f"{V4}{path}", params=params)
    assert r.status_code == status, r.text
    assert r.json()["error"] == error


@pytest.mark.parametrize(
    "params",
    [
        {"depth": "availability_status"},
        {"participants": 0},
        {"opening_hours_start": -1},
        {"opening_hours_end": 24 * 60 + 1},
        {"start_at": "tomorrow"},
    ],
)
async def test_malformed_parameters(kasse, params):
    r = await kasse.client.get(f"{V4}/tours/1/start_times", params=params)
    assert r.status_code == 422
    assert "error" in r.json()
