"""GET /api/v4/museums, /museums/{id} and /museums/{id}/opening_hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kasse.core.times import today

pytestmark = pytest.mark.anyio


def picture(name: str, title: str, photo: str) -> dict[str, str]:
    """A demo picture as the API shows it: one URL for every format (the demo gives one)."""
    url = f"/static/demo/{name}.jpg"
    return {
        "title": title,
        "description": f"{title} ({photo})",
        "copyright_info": "© Museum für Kunst und Geschichte",
        "teaser": url,
        "preview": url,
        "article": url,
        "detail": url,
    }


async def test_list_museums(kasse):
    r = await kasse.client.get("/api/v4/museums")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "museums": [
            {
                "id": 1,
                "title": "Museum für Kunst und Geschichte",
                "sub_title": "Die Sammlung",
                "picture": picture("museum-1", "Säulenhalle", "Foto"),
            },
            {
                "id": 2,
                "title": "Das Panorama",
                "sub_title": "Die antike Stadt in 360°",
                "picture": picture("panorama", "Das Rundbild", "Foto"),
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
                "picture": picture("panorama", "The panorama", "photo"),
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
            "picture": picture("museum-1", "Colonnade", "photo"),
            "description": "Five thousand years of art on Museum Island.",
            "content": {
                "cms_title": "Museum of Art and History",
                "cms_description": "Five thousand years of art on Museum Island.",
                "shop_title": "Museum of Art and History",
                "shop_description": "Five thousand years of art on Museum Island.",
                "picture_title": "Colonnade",
                "picture_description": "Colonnade (photo)",
                "picture_copyright_info": "© Museum für Kunst und Geschichte",
            },
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


async def test_q_searches_the_titles_in_every_locale(kasse):
    async def ids(query: str) -> list[int]:
        r = await kasse.client.get(f"/api/v4/museums?q={query}")
        assert r.status_code == 200, r.text
        return [m["id"] for m in r.json()["museums"]]

    assert await ids("PANORAMA") == [2]
    assert await ids("art and history") == [1]  # English title, German answer
    assert await ids("") == [1, 2]
    assert await ids("nothing-like-this") == []


async def test_pictures_always_have_the_references_shape(kasse):
    await kasse.load(
        {
            "museums": [
                {"id": 5, "title": "Ohne Bild"},
                {
                    "id": 6,
                    "title": "Mit Bild",
                    "picture": {
                        "title": {"de": "Fassade", "en": "Front"},
                        "url": "/img/front.jpg",
                        "teaser": "/img/front-small.jpg",
                    },
                },
            ]
        }
    )
    r = await kasse.client.get("/api/v4/museums?locale=en&q=bild")
    plain, pictured = (m["picture"] for m in r.json()["museums"])
    assert plain == dict.fromkeys(
        ("title", "description", "copyright_info", "teaser", "preview", "article", "detail")
    )
    assert pictured == {
        "title": "Front",
        "description": None,
        "copyright_info": None,
        "teaser": "/img/front-small.jpg",
        "preview": "/img/front.jpg",
        "article": "/img/front.jpg",
        "detail": "/img/front.jpg",
    }


async def test_several_locales_give_every_text_in_each(kasse):
    r = await kasse.client.get("/api/v4/museums/2?locale[]=de&locale%5B%5D=en")
    assert r.status_code == 200, r.text
    museum = r.json()["museum"]
    assert museum["title"] == {"de": "Das Panorama", "en": "The Panorama"}
    assert museum["picture"]["title"] == {"de": "Das Rundbild", "en": "The panorama"}
    assert museum["picture"]["teaser"] == "/static/demo/panorama.jpg"  # no text: as it is
    assert museum["content"]["shop_title"] == {"de": "Das Panorama", "en": "The Panorama"}
    assert museum["location"]["name"] == "Das Panorama"  # not a translated attribute
    r = await kasse.client.get("/api/v4/museums?locale[]=en")
    assert [m["title"] for m in r.json()["museums"]] == [
        {"en": "Museum of Art and History"},
        {"en": "The Panorama"},
    ]


async def test_a_text_missing_in_one_locale_is_null_there(kasse):
    await kasse.load({"museums": [{"id": 5, "title": "Nur deutsch", "sub_title": "Auch"}]})
    r = await kasse.client.get("/api/v4/museums/5?locale[]=de&locale[]=en")
    museum = r.json()["museum"]
    assert museum["title"] == {"de": "Nur deutsch", "en": None}
    assert museum["description"] == {"de": None, "en": None}
    # one locale asked for the plain way still falls back to the default locale
    r = await kasse.client.get("/api/v4/museums/5?locale=en")
    assert r.json()["museum"]["title"] == "Nur deutsch"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("locale[]=fr", "locale[]: 'fr' is not an available locale (available: de, en)"),
        (
            "locale[]=de&locale[]=xx",
            "locale[]: 'xx' is not an available locale (available: de, en)",
        ),
        ("locale[]=" + "d" * 21, "invalid request"),
        ("&".join(["locale[]=de"] * 11), "invalid request"),
        ("q=" + "x" * 201, "invalid request"),
    ],
)
async def test_bad_locales_and_searches_are_422(kasse, query, error):
    for path in ("/api/v4/museums", "/api/v4/exhibitions/1", "/api/v4/tickets/content"):
        if path != "/api/v4/museums" and query.startswith("q="):
            continue
        r = await kasse.client.get(f"{path}?{query}")
        assert r.status_code == 422, r.text
        assert r.json()["error"] == error
