"""GET /api/v4/museums, /museums/{id} and /museums/{id}/opening_hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kasse.core.times import today

pytestmark = pytest.mark.anyio


async def test_list_museums(kasse):
    r = await kasse.client.get("/api/v4/museums")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "museums": [
            {
                "id": 1,
                "title": "Museum für Kunst und Geschichte",
                "sub_title": "Die Sammlung",
                "picture": {"url": "/static/museum-1.jpg", "title": "Säulenhalle"},
            },
            {
                "id": 2,
                "title": "Das Panorama",
                "sub_title": "Die antike Stadt in 360°",
                "picture": None,
            },
        ],
        "meta": {"total_count": 2, "page": 1, "per_page": 25},
    }


async def test_list_museums_in_english_and_paged(kasse):
    r = await kasse.client.get("/api/v4/museums?locale=en&per_page=1&page=2")
    assert r.json() == {
        "museums": [
            {
                "id": 2,
                "title": "The Panorama",
                "sub_title": "The ancient city in 360°",
                "picture": None,
            }
        ],
        "meta": {"total_count": 2, "page": 2, "per_page": 1},
    }


async def test_museum_detail(kasse):
    r = await kasse.client.get("/api/v4/museums/1?locale=en")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "museum": {
            "id": 1,
            "title": "Museum of Art and History",
            "sub_title": "The collection",
            "picture": {"url": "/static/museum-1.jpg", "title": "Säulenhalle"},
            "description": "Five thousand years of art on Museum Island.",
            "content": {},
            "location": {
                "name": "Museum für Kunst und Geschichte",
                "street": "Bodestraße",
                "zip": "10178",
                "city": "Berlin",
                "country": "Deutschland",
                "latitude": 52.5211,
                "longitude": 13.3969,
            },
        }
    }


async def test_unknown_museum_is_404(kasse):
    for path in ("/api/v4/museums/9", "/api/v4/museums/9/opening_hours"):
        r = await kasse.client.get(path)
        assert r.status_code == 404
        assert r.json() == {"error": "museum 9 not found"}


async def test_a_museum_limited_token_sees_only_its_museums(kasse):
    token = await kasse.new_token("cashpoint", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    r = await kasse.client.get("/api/v4/museums", headers=headers)
    assert [m["id"] for m in r.json()["museums"]] == [2]
    assert r.json()["meta"]["total_count"] == 1
    assert (await kasse.client.get("/api/v4/museums/2", headers=headers)).status_code == 200
    r = await kasse.client.get("/api/v4/museums/1", headers=headers)
    assert r.status_code == 404
    assert r.json() == {"error": "museum 1 not found"}
    r = await kasse.client.get("/api/v4/museums/1/opening_hours", headers=headers)
    assert r.status_code == 404


async def _hours(kasse, museum_id: int, day: date | None = None) -> dict[str, str | None]:
    query = f"?date={day.isoformat()}" if day else ""
    r = await kasse.client.get(f"/api/v4/museums/{museum_id}/opening_hours{query}")
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"opening_hours"}
    return r.json()["opening_hours"]


async def test_opening_hours_of_an_open_day(kasse, day):
    assert await _hours(kasse, 1, day) == {
        "begin": kasse.local(day, "10:00"),
        "end": kasse.local(day, "18:00"),
    }
    thursday = day + timedelta(days=1)
    assert await _hours(kasse, 2, thursday) == {
        "begin": kasse.local(thursday, "10:00"),
        "end": kasse.local(thursday, "20:00"),
    }


async def test_opening_hours_carry_the_offset_of_that_day(kasse):
    # Two Wednesdays, one in winter and one in summer time.
    assert await _hours(kasse, 1, date(2027, 1, 13)) == {
        "begin": "2027-01-13T10:00:00+01:00",
        "end": "2027-01-13T18:00:00+01:00",
    }
    assert (await _hours(kasse, 1, date(2027, 7, 14)))["begin"] == "2027-07-14T10:00:00+02:00"


async def test_opening_hours_of_a_closed_day_are_null(kasse, day):
    monday = day - timedelta(days=2)
    assert await _hours(kasse, 1, monday) == {"begin": None, "end": None}
    christmas_eve = date(kasse.clock.now().year, 12, 24)
    assert await _hours(kasse, 2, christmas_eve) == {"begin": None, "end": None}


async def test_opening_hours_default_to_today(kasse):
    local_today = today(kasse.clock.now(), kasse.instance.tz)
    assert await _hours(kasse, 1) == await _hours(kasse, 1, local_today)


async def test_opening_hours_reject_a_malformed_date(kasse):
    r = await kasse.client.get("/api/v4/museums/1/opening_hours?date=15.05.2026")
    assert r.status_code == 422
    assert r.json()["error"] == "invalid request"
