"""GET /api/v4/tickets/{id} and GET /api/v4/tickets/content."""

from __future__ import annotations

from datetime import timedelta

MUSEUM_1 = {
    "name": "Museum für Kunst und Geschichte",
    "street": "Bodestraße",
    "zip": "10178",
    "city": "Berlin",
    "country": "Deutschland",
    "latitude": 52.5211,
    "longitude": 13.3969,
}

EXTRA_TICKET = {
    "tickets": [
        {
            "id": 40,
            "title": {"de": "Abendkarte", "en": "Evening ticket"},
            "sub_title": {"de": "Donnerstags ab 18 Uhr", "en": "Thursdays from 6 pm"},
            "description": {"de": "Lange Nacht", "en": "Late opening"},
            "content": {"shop_title": "ignored", "image_url": "/static/evening.jpg", "rank": 3},
            "price_cents": 800,
            "museum_ids": [2, 1],
        }
    ]
}


async def _ticket(kasse, ticket_id: int, query: str = "", headers: dict[str, str] | None = None):
    r = await kasse.client.get(f"/api/v4/tickets/{ticket_id}{query}", headers=headers or {})
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"ticket"}
    return r.json()["ticket"]


async def test_detail_of_a_day_ticket(kasse):
    ticket = await _ticket(kasse, 1, "?locale=en")
    assert ticket == {
        "id": 1,
        "title": "Day ticket regular",
        "ticket_type": "normal",
        "bookable": True,
        "museum_ids": [1],
        "exhibition_ids": [],
        "price_cents": 1200,
        "discount": 0,
        "vat_pct": 7.0,
        "tax_included": True,
        "entry_duration": None,
        "min_persons": 1,
        "max_persons": 20,
        "quota_ids": [3],
        "first_entry": None,
        "last_entry": None,
        "personalizeable": False,
        "attendees": "none",
        "identification": "none",
        "free_timing": False,
        "sub_title": None,
        "description": "Entry to the collection once on the day, at any time.",
        "after_sale_information": "Please have your ticket ready at the entrance.",
        "content": {
            "shop_title": "Day ticket regular",
            "shop_sub_title": "",
            "shop_description": "Entry to the collection once on the day, at any time.",
        },
        "location": MUSEUM_1,
        "is_sub_ticket": False,
    }
    # Only combined tickets carry sub_ticket_ids.
    assert "sub_ticket_ids" not in ticket


async def test_detail_texts_follow_the_locale(kasse):
    de = await _ticket(kasse, 7)
    en = await _ticket(kasse, 7, "?locale=en")
    assert (de["title"], de["sub_title"]) == ("Flexticket", "Ohne festes Datum")
    assert (en["title"], en["sub_title"]) == ("Flex ticket", "No fixed date")
    assert (await _ticket(kasse, 1))["after_sale_information"] == (
        "Bitte halten Sie Ihr Ticket am Eingang bereit."
    )


async def test_combined_ticket_lists_its_sub_tickets(kasse):
    ticket = await _ticket(kasse, 6)
    assert ticket["sub_ticket_ids"] == [61, 62]
    assert ticket["is_sub_ticket"] is False
    assert ticket["bookable"] is True
    assert ticket["museum_ids"] == [1, 2]
    # The location is that of the ticket's first museum.
    assert ticket["location"] == MUSEUM_1


async def test_sub_tickets_are_reachable_in_detail_but_never_bookable(kasse):
    for access in ("reseller", "user"):
        first = await _ticket(kasse, 61, headers=kasse.auth(access))
        assert first["is_sub_ticket"] is True
        assert first["bookable"] is False
        assert "sub_ticket_ids" not in first
    second = await _ticket(kasse, 62, "?locale=en")
    assert second["title"] == "Sub ticket The Panorama"
    assert second["museum_ids"] == [2]
    assert second["quota_ids"] == [4]
    assert (second["entry_duration"], second["first_entry"], second["last_entry"]) == (
        30,
        600,
        1020,
    )
    assert second["location"]["name"] == "Das Panorama"
    assert second["location"]["street"] == "Am Kupfergraben"


async def test_detail_bookable_depends_on_the_caller(kasse):
    assert (await _ticket(kasse, 10))["bookable"] is False
    assert (await _ticket(kasse, 10, headers=kasse.auth("customer")))["bookable"] is False
    for access in ("reseller", "cashpoint", "user"):
        assert (await _ticket(kasse, 10, headers=kasse.auth(access)))["bookable"] is True


async def test_a_ticket_outside_its_validity_is_shown_but_not_bookable(kasse):
    yesterday = kasse.clock.now().date() - timedelta(days=1)
    assert (await _ticket(kasse, 7))["bookable"] is True
    ticket = await _ticket(kasse, 7, f"?valid_at={yesterday}")
    assert ticket["bookable"] is False
    assert ticket["free_timing"] is True


async def test_detail_location_and_content_of_a_loaded_ticket(kasse):
    await kasse.load(EXTRA_TICKET)
    ticket = await _ticket(kasse, 40, "?locale=en")
    assert ticket["description"] == "Late opening"
    assert ticket["content"] == {
        "shop_title": "ignored",  # the content's own, not the title
        "image_url": "/static/evening.jpg",
        "rank": 3,
    }
    # museum_ids keep their order: the first one is the Panorama.
    assert ticket["museum_ids"] == [2, 1]
    assert ticket["location"]["name"] == "Das Panorama"


async def test_unknown_ticket_is_404(kasse):
    r = await kasse.client.get("/api/v4/tickets/999")
    assert r.status_code == 404
    assert r.json() == {"error": "ticket 999 not found"}


async def test_a_path_that_is_no_ticket_id_is_not_found(kasse):
    # Only digits name a ticket, so /tickets/reservations & co. never parse as a bad id.
    r = await kasse.client.get("/api/v4/tickets/abc")
    assert r.status_code == 404
    assert "error" in r.json()
    r = await kasse.client.get("/api/v4/tickets/reservations")
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


async def test_a_museum_limited_token_gets_404_outside_its_museums(kasse):
    token = await kasse.new_token("reseller", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    r = await kasse.client.get("/api/v4/tickets/1", headers=headers)
    assert r.status_code == 404
    assert r.json() == {"error": "ticket 1 not found"}
    assert (await kasse.client.get("/api/v4/tickets/61", headers=headers)).status_code == 404
    assert (await _ticket(kasse, 62, headers=headers))["id"] == 62
    assert (await _ticket(kasse, 6, headers=headers))["sub_ticket_ids"] == [61, 62]


# --- /tickets/content ----------------------------------------------------------------------


async def test_content_of_several_tickets(kasse):
    r = await kasse.client.get("/api/v4/tickets/content?ticket_ids[]=7&ticket_ids[]=1&locale=en")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "data": [
            {
                "id": 1,
                "content": {
                    "shop_title": "Day ticket regular",
                    "shop_sub_title": "",
                    "shop_description": "Entry to the collection once on the day, at any time.",
                },
            },
            {
                "id": 7,
                "content": {
                    "shop_title": "Flex ticket",
                    "shop_sub_title": "No fixed date",
                    "shop_description": "One visit on a day of your choice within a year.",
                },
            },
        ],
        "meta": {"total_count": 2, "page": 1, "per_page": 25},
    }


async def test_content_ids_arrive_url_encoded_and_unknown_ones_are_skipped(kasse):
    r = await kasse.client.get(
        "/api/v4/tickets/content?ticket_ids%5B%5D=61&ticket_ids%5B%5D=999&ticket_ids[]=3"
    )
    assert r.status_code == 200, r.text
    assert [(d["id"], d["content"]["shop_title"]) for d in r.json()["data"]] == [
        (3, "Zeitfenster regulär"),
        (61, "Subticket Museum"),
    ]
    assert r.json()["meta"]["total_count"] == 2


async def test_content_is_the_tickets_content_block(kasse):
    await kasse.load(EXTRA_TICKET)
    r = await kasse.client.get("/api/v4/tickets/content?ticket_ids[]=40")
    assert r.json()["data"] == [
        {
            "id": 40,
            "content": {"shop_title": "ignored", "image_url": "/static/evening.jpg", "rank": 3},
        }
    ]
    # Without a shop_title of its own a ticket's content has its title there.
    await kasse.load({"tickets": [{**EXTRA_TICKET["tickets"][0], "content": {"rank": 4}}]})
    r = await kasse.client.get("/api/v4/tickets/content?ticket_ids[]=40&locale=en")
    assert r.json()["data"][0]["content"] == {"shop_title": "Evening ticket", "rank": 4}


async def test_attr_picks_one_key_of_each_content_block(kasse):
    await kasse.load(EXTRA_TICKET)
    r = await kasse.client.get(
        "/api/v4/tickets/content?ticket_ids[]=40&ticket_ids[]=1&attr=shop_description&locale=en"
    )
    assert r.json()["data"] == [
        {
            "id": 1,
            "content": {
                "shop_description": "Entry to the collection once on the day, at any time."
            },
        },
        {"id": 40, "content": {}},
    ]


async def test_several_locales_in_details_and_contents(kasse):
    ticket = await _ticket(kasse, 5, "?locale[]=de&locale[]=en", kasse.auth("reseller"))
    assert ticket["title"] == {
        "de": "Sammlung + Sonderausstellung",
        "en": "Collection + special exhibition",
    }
    assert ticket["sub_title"] == {"de": "Mit „Gold der Anden“", "en": "With Gold of the Andes"}
    assert ticket["description"]["en"].startswith("The collection and the special exhibition")
    assert ticket["after_sale_information"] == {"de": None, "en": None}
    assert ticket["content"]["shop_sub_title"] == ticket["sub_title"]
    assert ticket["location"] == MUSEUM_1  # plain strings, not translated attributes
    r = await kasse.client.get("/api/v4/tickets/content?ticket_ids[]=3&locale[]=en")
    assert r.json()["data"][0]["content"]["shop_title"] == {"en": "Time slot regular"}
    r = await kasse.client.get("/api/v4/tickets?by_ticket_ids[]=3&locale[]=de&locale[]=en")
    assert r.json()["tickets"][0]["title"] == {
        "de": "Zeitfenster regulär",
        "en": "Time slot regular",
    }


async def test_content_without_ids_pages_through_every_sellable_ticket(kasse):
    r = await kasse.client.get("/api/v4/tickets/content?per_page=5&page=3")
    assert [d["id"] for d in r.json()["data"]] == [11]
    assert r.json()["meta"] == {"total_count": 11, "page": 3, "per_page": 5}


async def test_content_respects_museum_limited_tokens(kasse):
    token = await kasse.new_token("reseller", museum_ids=[2])
    r = await kasse.client.get(
        "/api/v4/tickets/content?ticket_ids[]=1&ticket_ids[]=11",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert [d["id"] for d in r.json()["data"]] == [11]


async def test_content_rejects_ids_that_are_not_numbers(kasse):
    r = await kasse.client.get("/api/v4/tickets/content?ticket_ids[]=x")
    assert r.status_code == 422
    assert r.json()["error"] == "invalid request"
