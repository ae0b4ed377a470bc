"""GET /api/v4/exhibitions and /exhibitions/{id}."""

from __future__ import annotations

from datetime import date, timedelta

from tests.catalog.test_museums import picture

NO_PICTURE = dict.fromkeys(
    ("title", "description", "copyright_info", "teaser", "preview", "article", "detail")
)


def _gold_frames(kasse) -> list[dict[str, str]]:
    # The demo places the special exhibition around the clock's date.
    demo_today = kasse.clock.now().date()
    return [
        {
            "start_at": kasse.local(demo_today - timedelta(days=30), "00:00"),
            "end_at": kasse.local(demo_today + timedelta(days=180), "00:00"),
        }
    ]


async def _ids(kasse, query: str = "", headers: dict[str, str] | None = None) -> list[int]:
    r = await kasse.client.get(f"/api/v4/exhibitions{query}", headers=headers or {})
    assert r.status_code == 200, r.text
    return [e["id"] for e in r.json()["exhibitions"]]


async def test_list_exhibitions(kasse):
    r = await kasse.client.get("/api/v4/exhibitions")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "exhibitions": [
            {
                "id": 1,
                "museum_id": 1,
                "title": "Gold der Anden",
                "sub_title": "Sonderausstellung",
                "slider_description": "Nur bis zum Herbst",
                "featured": True,
                "picture": picture("gold", "Goldmaske", "Foto"),
                "time_frames": _gold_frames(kasse),
            },
            {
                "id": 2,
                "museum_id": 2,
                "title": "Pergamon 360°",
                "sub_title": "Dauerausstellung",
                "slider_description": "Die Stadt von oben",
                "featured": False,
                "picture": picture("pergamon", "Der Altar im Rundbild", "Foto"),
                "time_frames": [],  # a permanent exhibition
            },
        ],
        "meta": {"total_count": 2, "page": 1, "per_page": 25},
    }


async def test_filters(kasse):
    assert await _ids(kasse, "?by_featured=true") == [1]
    assert await _ids(kasse, "?by_featured=false") == [2]
    assert await _ids(kasse, "?by_museum_ids[]=2") == [2]
    assert await _ids(kasse, "?by_museum_ids%5B%5D=1&by_museum_ids%5B%5D=2") == [1, 2]
    assert await _ids(kasse, "?by_museum_ids[]=2&by_featured=true") == []
    assert await _ids(kasse, "?by_museum_ids[]=7") == []


async def test_paging(kasse):
    r = await kasse.client.get("/api/v4/exhibitions?per_page=1&page=2")
    assert [e["id"] for e in r.json()["exhibitions"]] == [2]
    assert r.json()["meta"] == {"total_count": 2, "page": 2, "per_page": 1}


async def test_detail(kasse):
    await kasse.load(
        {
            "exhibitions": [
                {
                    "id": 3,
                    "museum_id": 2,
                    "title": {"de": "Wintergäste", "en": "Winter guests"},
                    "description": {"de": "Leihgaben aus Rom", "en": "Loans from Rome"},
                    "picture": {"url": "/static/winter.jpg"},
                    "content": {"shop_title": {"de": "Wintergäste", "en": "Winter guests"}},
                    "start_date": "2027-01-15",
                }
            ]
        }
    )
    r = await kasse.client.get("/api/v4/exhibitions/3?locale=en")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "exhibition": {
            "id": 3,
            "museum_id": 2,
            "title": "Winter guests",
            "sub_title": None,
            "slider_description": None,
            "featured": False,
            "picture": {
                **NO_PICTURE,
                **dict.fromkeys(("teaser", "preview", "article", "detail"), "/static/winter.jpg"),
            },
            # An open end stays open.
            "time_frames": [{"start_at": "2027-01-15T00:00:00+01:00", "end_at": None}],
            "description": "Loans from Rome",
            "content": {"shop_title": "Winter guests"},
            # none of its own: where its museum is
            "location": (await kasse.client.get("/api/v4/museums/2")).json()["museum"]["location"],
        }
    }


async def test_detail_of_a_demo_exhibition_in_both_locales(kasse):
    de = (await kasse.client.get("/api/v4/exhibitions/1")).json()["exhibition"]
    en = (await kasse.client.get("/api/v4/exhibitions/1?locale=en")).json()["exhibition"]
    assert (de["title"], en["title"]) == ("Gold der Anden", "Gold of the Andes")
    assert (de["sub_title"], en["sub_title"]) == ("Sonderausstellung", "Special exhibition")
    assert (de["slider_description"], en["slider_description"]) == (
        "Nur bis zum Herbst",
        "Until the autumn only",
    )
    assert de["description"].startswith("Schmuck und Masken")
    assert en["content"]["shop_sub_title"] == "Special exhibition"
    assert de["time_frames"] == _gold_frames(kasse)
    # its own entrance, not the museum's
    assert de["location"]["name"] == "Museum für Kunst und Geschichte, Ostflügel"
    assert de["location"]["street"] == "Am Lustgarten"


async def test_q_searches_the_titles_in_every_locale(kasse):
    assert await _ids(kasse, "?q=gold") == [1]
    assert await _ids(kasse, "?q=ANDES") == [1]
    assert await _ids(kasse, "?q=360&by_museum_ids[]=2") == [2]
    assert await _ids(kasse, "?q=nothing-like-this") == []


async def test_several_locales(kasse):
    r = await kasse.client.get("/api/v4/exhibitions?locale[]=en&locale[]=de&by_featured=true")
    [gold] = r.json()["exhibitions"]
    assert gold["title"] == {"en": "Gold of the Andes", "de": "Gold der Anden"}
    assert gold["slider_description"] == {"en": "Until the autumn only", "de": "Nur bis zum Herbst"}


async def test_time_frames_in_summer_time(kasse):
    await kasse.load(
        {
            "exhibitions": [
                {
                    "id": 4,
                    "museum_id": 1,
                    "title": "Sommer",
                    "start_date": date(2027, 6, 1).isoformat(),
                    "end_date": date(2027, 8, 31).isoformat(),
                }
            ]
        }
    )
    r = await kasse.client.get("/api/v4/exhibitions/4")
    assert r.json()["exhibition"]["time_frames"] == [
        {"start_at": "2027-06-01T00:00:00+02:00", "end_at": "2027-08-31T00:00:00+02:00"}
    ]


async def test_unknown_exhibition_is_404(kasse):
    r = await kasse.client.get("/api/v4/exhibitions/9")
    assert r.status_code == 404
    assert r.json() == {"error": "exhibition 9 not found"}


async def test_a_museum_limited_token_sees_only_its_exhibitions(kasse):
    token = await kasse.new_token("reseller", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    assert await _ids(kasse, "", headers) == [2]
    assert await _ids(kasse, "?by_museum_ids[]=1", headers) == []
    r = await kasse.client.get("/api/v4/exhibitions/1", headers=headers)
    assert r.status_code == 404
    assert r.json() == {"error": "exhibition 1 not found"}


async def test_wrong_parameter_types_are_rejected(kasse):
    for query in (
        "by_featured=perhaps",
        "by_museum_ids[]=x",
        "by_museum_ids%5B%5D=1.5",
        "per_page=0",
        "q=" + "x" * 201,
    ):
        r = await kasse.client.get(f"/api/v4/exhibitions?{query}")
        assert r.status_code == 422, query
        assert r.json()["error"] == "invalid request"
