"""GET /tours/:id/equipments, /equipments/:id and /equipments/:id/:timestamp: the stock less what
active claims overlapping each start take."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.events.support import get
from tests.helpers import recorded_statements
from tests.tours.support import AUDIO_GUIDE, PUBLIC_TOUR, SCHOOL_TOUR, V4, take, tour

PUBLIC_STARTS = ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]


async def test_what_is_left_at_each_start_of_a_day(kasse, day):
    path = f"/tours/{PUBLIC_TOUR}/equipments"
    assert await get(kasse, path, date=day.isoformat()) == {
        "data": {"1": {kasse.local(day, t): 20 for t in PUBLIC_STARTS}}
    }
    # the school tour 11:30-13:00 takes 3 (overlapping the starts 11:00 and 12:00), a public
    # tour at 14:00 takes 5, a hold 4 more at 14:00 and an expired hold nothing
    await take(kasse, SCHOOL_TOUR, kasse.local(day, "11:30"), duration=90, equipment={1: 3})
    await take(kasse, PUBLIC_TOUR, kasse.local(day, "14:00"), equipment={1: 5})
    now = kasse.clock.now()
    await take(
        kasse,
        PUBLIC_TOUR,
        kasse.local(day, "14:00"),
        equipment={1: 4},
        held_until=now + timedelta(minutes=5),
    )
    await take(kasse, PUBLIC_TOUR, kasse.local(day, "15:00"), equipment={1: 9}, held_until=now)
    left = {"11:00": 17, "12:00": 17, "13:00": 20, "14:00": 11, "15:00": 20, "16:00": 20}
    expected = {kasse.local(day, t): n for t, n in left.items()}
    with recorded_statements(kasse.instance) as statements:
        assert await get(kasse, path, date=day.isoformat()) == {"data": {"1": expected}}
    assert len([s for s in statements if "equipment_claims" in s]) == 1
    assert await get(kasse, f"{path}/{AUDIO_GUIDE}", date=day.isoformat()) == {"data": expected}
    at = kasse.local(day, "14:00")
    assert await get(kasse, f"{path}/{AUDIO_GUIDE}/{quote(at)}") == {"data": {at: 11}}
    kasse.clock.advance(timedelta(minutes=6))
    assert await get(kasse, f"{path}/{AUDIO_GUIDE}/{quote(at)}") == {"data": {at: 15}}


async def test_a_day_without_starts_and_a_tour_without_equipment(kasse, day):
    monday = day - timedelta(days=2)
    assert await get(kasse, f"/tours/{PUBLIC_TOUR}/equipments", date=monday.isoformat()) == {
        "data": {"1": {}}
    }
    await kasse.load({"tours": [tour(90)]})
    assert await get(kasse, "/tours/90/equipments", date=day.isoformat()) == {"data": {}}


async def test_never_below_zero(kasse, day):
    await take(kasse, SCHOOL_TOUR, kasse.local(day, "11:00"), equipment={1: 15})
    await take(kasse, SCHOOL_TOUR, kasse.local(day, "11:30"), equipment={1: 15})
    path = f"/tours/{PUBLIC_TOUR}/equipments/{AUDIO_GUIDE}"
    assert (await get(kasse, path, date=day.isoformat()))["data"][kasse.local(day, "11:00")] == 0


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/tours/1/equipments/7", 404, "equipment 7 of tour 1 not found"),
        ("/tours/99/equipments/1", 404, "tour 99 not found"),
        (
            "/tours/1/equipments/7/2030-01-02T11:00:00%2B01:00",
            404,
            "equipment 7 of tour 1 not found",
        ),
        (
            "/tours/1/equipments/1/2030-01-02T11:15:00%2B01:00",
            422,
            "2030-01-02T11:15:00+01:00 is not a start time of tour 1",
        ),
    ],
)
async def test_bad_questions(kasse, path, status, error):
    r = await kasse.client.get(f"{V4}{path}")
    assert r.status_code == status, r.text
    assert r.json() == {"error": error}


async def test_a_malformed_timestamp(kasse):
    r = await kasse.client.get(f"{V4}/tours/1/equipments/1/noon")
    assert r.status_code == 422
    assert "error" in r.json()
