"""The tours' tag lists, GET /tours (every filter, paging, locales, bookable per caller), GET
/tours/:id (limitations, equipment) and GET /tours/:id/prices (the surcharges that apply)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.catalog.test_ticket_detail import MUSEUM_1
from tests.events.support import get, local_today
from tests.tours.support import ENGLISH, GERMAN, PUBLIC_TOUR, SCHOOL_TOUR, V4, tour

BOTH = [PUBLIC_TOUR, SCHOOL_TOUR]
SCHOOL_PICTURE = {
    "title": "Eine Klasse im Museum",
    "description": "Eine Klasse im Museum (Foto)",
    "copyright_info": "© Museum für Kunst und Geschichte",
    **dict.fromkeys(
        ("teaser", "preview", "article", "detail", "original"), "/static/demo/school_tour.jpg"
    ),
}
SCHOOL_ENTRY = {
    "id": 2,
    "exhibition_id": None,
    "museum_id": 1,
    "title": "Schulklassen-Führung",
    "sub_title": "90 Minuten, bis 30 Personen",
    "bookable": True,
    "registerable": False,
    "featured": False,
    "category": {"id": 2, "name": "Gruppenführung"},
    "picture": SCHOOL_PICTURE,
    "location": MUSEUM_1,
    "age_groups": [
        {"id": 1, "name": "Kinder bis 10 Jahre"},
        {"id": 2, "name": "Kinder ab 10 Jahre"},
    ],
    "audiences": [],
    "catch_words": [],
    "disablements": [],
    "grades": [
        {"id": 1, "name": "Grundschule Klasse 1"},
        {"id": 2, "name": "Grundschule Klasse 2"},
        {"id": 3, "name": "Sekundarstufe II"},
    ],
    "proposal_categories": [{"id": 1, "name": "Schulklasse"}],
    "languages": [{"id": 1, "name": "Deutsch"}, {"id": 2, "name": "Englisch"}],
}
GROUP_FEE = {
    "title": "Entgelt",
    "description": "Gruppenpreis",
    "group": True,
    "optional": False,
    "price_cents": 9000,
    "vat_pct": 0,
}
SUNDAY = {
    "price_surcharge_id": 1,
    "title": "Zuschlag",
    "description": "für Sonntage",
    "group": True,
    "optional": False,
    "price_cents": 3000,
    "vat_pct": 0,
}
FOREIGN = {
    "price_surcharge_id": 2,
    "title": "Fremdsprachenzuschlag",
    "description": "für Führungen auf Englisch",
    "group": True,
    "optional": False,
    "price_cents": 2000,
    "vat_pct": 0,
}


async def _ids(kasse, who: str | None = None, **params) -> list[int]:
    return [t["id"] for t in (await get(kasse, "/tours", who, **params))["tours"]]


# --- tag lists -------------------------------------------------------------------------------


async def test_tag_lists_are_the_tours_own(kasse):
    assert await get(kasse, "/tours/categories") == {
        "categories": [
            {"id": 1, "name": "Öffentliche Führung"},
            {"id": 2, "name": "Gruppenführung"},
        ]
    }
    assert await get(kasse, "/tours/categories", locale="en") == {
        "categories": [{"id": 1, "name": "Public tour"}, {"id": 2, "name": "Group tour"}]
    }
    for kind in ("age_groups", "audiences", "catch_words", "proposal_categories", "grades"):
        assert await get(kasse, f"/tours/{kind}") == await get(kasse, f"/events/{kind}")


async def test_languages_of_the_tours_the_caller_can_book(kasse):
    both = {"languages": [{"id": 1, "name": "Deutsch"}, {"id": 2, "name": "Englisch"}]}
    assert await get(kasse, "/tours/languages") == both
    await kasse.load(
        {
            "tours": [
                tour(1, language_ids=[GERMAN], bookable=False),
                tour(2, language_ids=[GERMAN]),
                tour(90, language_ids=[ENGLISH], bookable=False, bookable_reseller=True),
            ]
        }
    )
    assert await get(kasse, "/tours/languages") == {"languages": [{"id": 1, "name": "Deutsch"}]}
    assert await get(kasse, "/tours/languages", "reseller") == both


# --- the index -------------------------------------------------------------------------------


async def test_index_in_the_references_shape(kasse):
    body = await get(kasse, "/tours")
    assert body["meta"] == {"total_count": 2, "page": 1, "per_page": 25}
    assert body["tours"][1] == {**SCHOOL_ENTRY, "equipment": True}
    assert body["tours"][0]["equipment"] is True
    await kasse.load({"tours": [tour(90)]})
    assert (await get(kasse, "/tours/90"))["tour"]["equipment"] == []
    listed = {t["id"]: t["equipment"] for t in (await get(kasse, "/tours"))["tours"]}
    assert listed == {PUBLIC_TOUR: True, SCHOOL_TOUR: True, 90: False}


async def test_paging_and_locales(kasse):
    second = await get(kasse, "/tours", per_page=1, page=2)
    assert [t["id"] for t in second["tours"]] == [SCHOOL_TOUR]
    assert second["meta"] == {"total_count": 2, "page": 2, "per_page": 1}
    english = (await get(kasse, "/tours", locale="en"))["tours"][1]
    assert english["title"] == "Tour for school classes"
    assert english["languages"] == [{"id": 1, "name": "German"}, {"id": 2, "name": "English"}]
    both = (await get(kasse, "/tours", **{"locale[]": ["de", "en"]}))["tours"][1]
    assert both["category"] == {"id": 2, "name": {"de": "Gruppenführung", "en": "Group tour"}}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "anden"}, [PUBLIC_TOUR]),
        ({"q": "SCHOOL"}, [SCHOOL_TOUR]),
        ({"by_featured": "true"}, [PUBLIC_TOUR]),
        ({"by_featured": "false"}, [SCHOOL_TOUR]),
        ({"by_museum_ids[]": 2}, []),
        ({"by_museum_ids[]": [1, 2]}, BOTH),
        ({"by_exhibition_ids[]": 1}, [PUBLIC_TOUR]),
        ({"by_category_ids[]": 2}, [SCHOOL_TOUR]),
        ({"by_categories[]": "public tour"}, [PUBLIC_TOUR]),
        ({"by_categories[]": ["Gruppenführung", "x"]}, [SCHOOL_TOUR]),
        ({"by_age_group_ids[]": 1}, [SCHOOL_TOUR]),
        ({"by_audience_ids[]": 2}, [PUBLIC_TOUR]),
        ({"by_catch_word_ids[]": 1}, []),
        ({"by_disablement_ids[]": 1}, []),
        ({"by_grade_ids[]": [3, 9]}, [SCHOOL_TOUR]),
        ({"by_proposal_category_ids[]": 1}, [SCHOOL_TOUR]),
        ({"by_language_ids[]": 2}, BOTH),
        ({"by_language_ids[]": 3}, []),
        ({"by_bookable": "true"}, BOTH),
        ({"by_bookable": "false"}, []),
        # every filter must hold
        ({"by_featured": "true", "by_category_ids[]": 2}, []),
    ],
)
async def test_filters(kasse, params, expected):
    assert await _ids(kasse, **params) == expected


async def test_bookable_per_caller(kasse):
    await kasse.load(
        {
            "tours": [
                tour(90, bookable=False, bookable_reseller=True),
                tour(91, bookable=True, bookable_reseller=False),
                tour(92, bookable=False),
            ]
        }
    )
    flags = {
        who: {t["id"]: t["bookable"] for t in (await get(kasse, "/tours", who))["tours"]}
        for who in (None, "reseller", "cashpoint")
    }
    assert [flags[None][i] for i in (90, 91, 92)] == [False, True, False]
    assert [flags["reseller"][i] for i in (90, 91, 92)] == [True, False, False]
    assert [flags["cashpoint"][i] for i in (90, 91, 92)] == [True, True, False]
    assert await _ids(kasse, "reseller", by_bookable="false") == [91, 92]


async def test_museum_limited_tokens_see_their_museums_tours(kasse):
    token = await kasse.new_token("reseller", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    assert (await kasse.client.get(f"{V4}/tours", headers=headers)).json()["tours"] == []
    r = await kasse.client.get(f"{V4}/tours/{PUBLIC_TOUR}", headers=headers)
    assert r.status_code == 404


# --- one tour --------------------------------------------------------------------------------


async def test_one_tour_in_detail(kasse):
    body = await get(kasse, f"/tours/{SCHOOL_TOUR}")
    assert body == {
        "tour": {
            **SCHOOL_ENTRY,
            "description": "Für Klassen aller Stufen, auf Wunsch mit Audioguides für alle.",
            "content": {},
            "limitations": {"language": True},
            "equipment": [
                {"id": 1, "title": "Audioguide", "description": "Mit Kopfhörer", "stock": 20}
            ],
        }
    }
    await kasse.load({"tours": [tour(90, language_bound=False)]})
    assert (await get(kasse, "/tours/90", locale="en"))["tour"]["limitations"] == {
        "language": False
    }
    english = (await get(kasse, f"/tours/{SCHOOL_TOUR}", locale="en"))["tour"]
    assert english["equipment"][0]["title"] == "Audio guide"


@pytest.mark.parametrize("path", ["/tours/99", "/tours/99/prices", "/tours/99/equipments"])
async def test_unknown_tours(kasse, path):
    r = await kasse.client.get(f"{V4}{path}")
    assert r.status_code == 404
    assert r.json() == {"error": "tour 99 not found"}


# --- prices ----------------------------------------------------------------------------------


async def test_prices_with_the_surcharges_that_apply(kasse):
    sunday = local_today(kasse) + timedelta(days=(6 - local_today(kasse).weekday()) % 7)
    wednesday = sunday + timedelta(days=3)
    path = f"/tours/{SCHOOL_TOUR}/prices"
    shape = {"vat_pct": 0, "discount": 0, "tax_included": True}
    assert await get(kasse, path, date=wednesday.isoformat()) == {"prices": [GROUP_FEE], **shape}
    assert await get(kasse, path, date=sunday.isoformat(), time="10-30") == {
        "prices": [GROUP_FEE, SUNDAY],
        **shape,
    }
    assert await get(kasse, path, date=wednesday.isoformat(), language_id=ENGLISH) == {
        "prices": [GROUP_FEE, FOREIGN],
        **shape,
    }
    both = await get(
        kasse, path, date=sunday.isoformat(), language_id=ENGLISH, participants=12, time="15:00"
    )
    assert both["prices"] == [GROUP_FEE, SUNDAY, FOREIGN]
    # the default day is today
    today = await get(kasse, path)
    assert (SUNDAY in today["prices"]) == (local_today(kasse).weekday() == 6)


async def test_scale_prices(kasse):
    await kasse.load(
        {
            "tours": [
                tour(
                    90,
                    prices=[],
                    vat_pct=7,
                    discount=10,
                    scale_prices=[
                        {"id": 4, "title": {"de": "Regulär", "en": "Regular"}, "price_cents": 800},
                        {"id": 5, "title": "Ermäßigt", "price_cents": 500, "vat_pct": 19},
                    ],
                )
            ]
        }
    )
    assert await get(kasse, "/tours/90/prices", locale="en") == {
        "prices": [
            {
                "scale_price_id": 4,
                "title": "Regular",
                "description": None,
                "group": False,
                "optional": False,
                "price_cents": 800,
                "vat_pct": 7,
            },
            {
                "scale_price_id": 5,
                "title": "Ermäßigt",
                "description": None,
                "group": False,
                "optional": False,
                "price_cents": 500,
                "vat_pct": 19,
            },
        ],
        "vat_pct": 7,
        "discount": 10,
        "tax_included": True,
    }


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"language_id": 3}, "language_id: tour 2 is not guided in language 3"),
        ({"time": "25-00"}, None),
        ({"participants": 0}, None),
        ({"date": "2030-02-30"}, None),
    ],
)
async def test_bad_price_questions(kasse, params, error):
    r = await kasse.client.get(f"{V4}/tours/{SCHOOL_TOUR}/prices", params=params)
    assert r.status_code == 422
    if error:
        assert r.json() == {"error": error}
    else:
        assert "error" in r.json()
