"""GET /api/v4/tickets: the index, its filters, paging and the context-dependent ``bookable``."""

from __future__ import annotations

from datetime import timedelta

# Every ticket of the demo museum that can be bought directly (sub tickets 61 and 62 cannot), but
# the annual pass 8: without a type filter the index lists "all but annual" (reference).
ALL = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]

INDEX_FIELDS = {
    "id",
    "title",
    "ticket_type",
    "bookable",
    "museum_ids",
    "exhibition_ids",
    "price_cents",
    "discount",
    "vat_pct",
    "tax_included",
    "entry_duration",
    "min_persons",
    "max_persons",
    "quota_ids",
    "first_entry",
    "last_entry",
    "personalizeable",
    "attendees",
    "identification",
    "free_timing",
}


async def _ids(kasse, query: str = "", headers: dict[str, str] | None = None) -> list[int]:
    r = await kasse.client.get(f"/api/v4/tickets{query}", headers=headers or {})
    assert r.status_code == 200, r.text
    return [t["id"] for t in r.json()["tickets"]]


async def test_index_lists_sellable_tickets_in_id_order(kasse):
    r = await kasse.client.get("/api/v4/tickets")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"tickets", "meta"}
    assert [t["id"] for t in body["tickets"]] == ALL
    assert body["meta"] == {"total_count": 10, "page": 1, "per_page": 25}
    assert all(set(t) == INDEX_FIELDS for t in body["tickets"])


async def test_annual_passes_only_when_asked_for_by_type(kasse):
    assert 8 not in await _ids(kasse, "?per_page=1000")
    assert await _ids(kasse, "?by_ticket_type=annual") == [8]
    assert await _ids(kasse, "?by_ticket_types[]=annual&by_ticket_types[]=normal") == [
        1,
        2,
        7,
        8,
        10,
    ]


async def test_index_fields_of_a_day_ticket_and_a_time_slot_ticket(kasse):
    tickets = {t["id"]: t for t in (await kasse.client.get("/api/v4/tickets")).json()["tickets"]}
    assert tickets[2] == {
        "id": 2,
        "title": "Tageskarte ermäßigt",
        "ticket_type": "normal",
        "bookable": True,
        "museum_ids": [1],
        "exhibition_ids": [],
        "price_cents": 1200,  # the reduced ticket: half the regular price once ordered
        "discount": 50,
        "vat_pct": 7.0,
        "tax_included": True,
        "entry_duration": None,
        "min_persons": 1,
        "max_persons": 10,
        "quota_ids": [3],
        "first_entry": None,
        "last_entry": None,
        "personalizeable": False,
        "attendees": "none",
        "identification": "required",
        "free_timing": False,
    }
    slot = tickets[5]
    assert slot["ticket_type"] == "time_slot"
    assert (slot["entry_duration"], slot["first_entry"], slot["last_entry"]) == (30, 600, 1020)
    assert slot["quota_ids"] == [1, 2]
    assert slot["exhibition_ids"] == [1]
    assert isinstance(slot["price_cents"], int) and slot["price_cents"] == 1800
    assert tickets[6]["museum_ids"] == [1, 2]
    assert tickets[9]["vat_pct"] == 19.0 and tickets[9]["attendees"] == "required"
    r = await kasse.client.get("/api/v4/tickets?by_ticket_type=annual")
    [annual] = r.json()["tickets"]
    assert annual["ticket_type"] == "annual" and annual["personalizeable"] is True
    assert tickets[7]["free_timing"] is True


async def test_titles_follow_the_locale(kasse):
    async def titles(query: str) -> dict[int, str]:
        r = await kasse.client.get(f"/api/v4/tickets{query}")
        return {t["id"]: t["title"] for t in r.json()["tickets"]}

    assert (await titles(""))[1] == "Tageskarte regulär"
    assert (await titles("?locale=en"))[1] == "Day ticket regular"
    assert (await titles("?locale=de"))[9] == "Kuratorenführung"
    assert (await titles("?locale=en"))[9] == "Curator's tour"
    # An unknown locale falls back to the instance's default; the first known one wins.
    assert (await titles("?locale=fr"))[1] == "Tageskarte regulär"
    assert (await titles("?locale=fr,en"))[1] == "Day ticket regular"


async def test_sub_tickets_are_not_listed(kasse):
    assert await _ids(kasse, "?by_ticket_ids[]=61&by_ticket_ids[]=62&by_ticket_ids[]=6") == [6]
    assert 61 not in await _ids(kasse, "?per_page=1000", kasse.auth("user"))


async def test_search_in_every_locale_ignores_case(kasse):
    assert await _ids(kasse, "?q=zeitfenster") == [3, 4, 11]
    assert await _ids(kasse, "?q=TIME%20SLOT") == [3, 4, 11]
    # German query, English answer: q matches any locale, the title is rendered in the asked one.
    r = await kasse.client.get("/api/v4/tickets?q=Jahreskarte&locale=en&by_ticket_type=annual")
    assert [(t["id"], t["title"]) for t in r.json()["tickets"]] == [(8, "Annual pass")]
    # Sub ticket 62 is titled "Subticket Das Panorama" but is not sold on its own.
    assert await _ids(kasse, "?q=panorama") == [6, 11]
    assert await _ids(kasse, "?q=nothing-like-this") == []


async def test_filter_by_ids_museums_and_exhibitions(kasse):
    assert await _ids(kasse, "?by_ticket_ids[]=3&by_ticket_ids[]=1") == [1, 3]
    assert await _ids(kasse, "?by_museum_ids[]=2") == [6, 7, 11]
    assert await _ids(kasse, "?by_museum_ids[]=1&by_museum_ids[]=2") == ALL
    assert await _ids(kasse, "?by_exhibition_ids[]=1") == [5, 9]
    assert await _ids(kasse, "?by_exhibition_ids[]=2") == [6, 11]
    assert await _ids(kasse, "?by_exhibition_ids[]=1&by_museum_ids[]=2") == []


async def test_array_parameters_arrive_url_encoded_too(kasse):
    assert await _ids(kasse, "?by_ticket_ids%5B%5D=3&by_ticket_ids%5B%5D=1") == [1, 3]
    assert await _ids(kasse, "?by_ticket_ids%5B%5D=3&by_ticket_ids[]=4") == [3, 4]
    assert await _ids(kasse, "?by_museum_ids%5B%5D=2") == [6, 7, 11]
    assert await _ids(kasse, "?by_exhibition_ids%5B%5D=1") == [5, 9]
    assert await _ids(kasse, "?by_ticket_types%5B%5D=annual") == [8]


async def test_filter_by_ticket_type_and_free_timing(kasse):
    assert await _ids(kasse, "?by_ticket_type=time_slot") == [3, 4, 5, 6, 9, 11]
    assert await _ids(kasse, "?by_ticket_type=annual") == [8]
    assert await _ids(kasse, "?by_ticket_types[]=normal&by_ticket_types[]=annual") == [
        1,
        2,
        7,
        8,
        10,
    ]
    assert await _ids(kasse, "?by_free_timing=true") == [7]
    assert await _ids(kasse, "?by_free_timing=false") == [1, 2, 3, 4, 5, 6, 9, 10, 11]


async def test_bookable_depends_on_the_caller(kasse):
    async def bookable(headers: dict[str, str]) -> dict[int, bool]:
        r = await kasse.client.get("/api/v4/tickets", headers=headers)
        return {t["id"]: t["bookable"] for t in r.json()["tickets"]}

    # Ticket 10 is sold by tour operators only.
    assert (await bookable({}))[10] is False
    assert (await bookable(kasse.auth("customer")))[10] is False
    assert (await bookable(kasse.auth("reseller")))[10] is True
    assert (await bookable(kasse.auth("cashpoint")))[10] is True
    assert (await bookable(kasse.auth("user")))[10] is True
    public = await bookable({})
    assert all(public[i] for i in ALL if i != 10)


async def test_filter_by_bookable(kasse):
    assert await _ids(kasse, "?by_bookable=true") == [i for i in ALL if i != 10]
    assert await _ids(kasse, "?by_bookable=false") == [10]
    assert await _ids(kasse, "?by_bookable=true", kasse.auth("reseller")) == ALL
    assert await _ids(kasse, "?by_bookable=false", kasse.auth("reseller")) == []


async def test_a_reseller_only_ticket_is_not_bookable_for_resellers_when_switched_off(kasse):
    await kasse.load(
        {
            "tickets": [
                {
                    "id": 20,
                    "title": "Nur an der Kasse",
                    "price_cents": 500,
                    "museum_ids": [1],
                    "bookable": True,
                    "bookable_reseller": False,
                }
            ]
        }
    )
    by_caller = {}
    for access in ("public", "reseller", "cashpoint"):
        headers = {} if access == "public" else kasse.auth(access)
        r = await kasse.client.get("/api/v4/tickets?by_ticket_ids[]=20", headers=headers)
        by_caller[access] = r.json()["tickets"][0]["bookable"]
    assert by_caller == {"public": True, "reseller": False, "cashpoint": True}


async def test_valid_at_selects_the_tickets_active_on_that_day(kasse):
    today = kasse.clock.now().date()
    # The flex ticket 7 is on sale from today for a year.
    assert 7 in await _ids(kasse)
    assert 7 not in await _ids(kasse, f"?valid_at={today - timedelta(days=1)}")
    assert 7 in await _ids(kasse, f"?valid_at={today + timedelta(days=365)}")
    assert 7 not in await _ids(kasse, f"?valid_at={today + timedelta(days=366)}")

    season = today + timedelta(days=90)
    await kasse.load(
        {
            "tickets": [
                {
                    "id": 30,
                    "title": {"de": "Sommerkarte", "en": "Summer ticket"},
                    "price_cents": 900,
                    "museum_ids": [2],
                    "valid_from": season.isoformat(),
                    "valid_to": (season + timedelta(days=30)).isoformat(),
                }
            ]
        }
    )
    assert 30 not in await _ids(kasse)
    r = await kasse.client.get(f"/api/v4/tickets?valid_at={season}&by_museum_ids[]=2")
    assert [(t["id"], t["bookable"]) for t in r.json()["tickets"]] == [
        (6, True),
        (7, True),
        (11, True),
        (30, True),
    ]


async def test_paging(kasse):
    r = await kasse.client.get("/api/v4/tickets?per_page=4&page=2")
    assert [t["id"] for t in r.json()["tickets"]] == [5, 6, 7, 9]
    assert r.json()["meta"] == {"total_count": 10, "page": 2, "per_page": 4}
    r = await kasse.client.get("/api/v4/tickets?per_page=4&page=4")
    assert r.json() == {"tickets": [], "meta": {"total_count": 10, "page": 4, "per_page": 4}}
    r = await kasse.client.get("/api/v4/tickets?per_page=1000&by_ticket_type=annual")
    assert r.json()["meta"] == {"total_count": 1, "page": 1, "per_page": 1000}


async def test_a_museum_limited_token_sees_only_its_museums(kasse):
    token = await kasse.new_token("reseller", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    assert await _ids(kasse, "", headers) == [6, 7, 11]
    assert await _ids(kasse, "?by_museum_ids[]=1", headers) == [6, 7]
    assert await _ids(kasse, "?by_ticket_ids[]=1&by_ticket_ids[]=11", headers) == [11]


async def test_wrong_parameter_types_are_rejected(kasse):
    for query in (
        "per_page=0",
        "per_page=1001",
        "page=0",
        "valid_at=notadate",
        "valid_at=2026-02-30",
        "by_ticket_ids[]=x",
        "by_ticket_ids%5B%5D=x",
        "by_museum_ids[]=1.5",
        "by_bookable=maybe",
        "by_free_timing=sometimes",
        "by_ticket_type=combo",
        "by_ticket_types[]=normal&by_ticket_types[]=combo",
    ):
        r = await kasse.client.get(f"/api/v4/tickets?{query}")
        assert r.status_code == 422, query
        body = r.json()
        assert body["error"] == "invalid request"
        assert len(body["errors"]) == 1, body


async def test_an_invalid_token_is_refused(kasse):
    r = await kasse.client.get("/api/v4/tickets", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    assert r.json() == {"error": "invalid API token"}


async def test_a_whole_tax_rate_is_an_integer_and_a_fraction_a_number(kasse):
    """``vat_pct``: "float" in the reference's text, ``0`` in its example: both hold."""
    await kasse.load(
        {
            "museums": [{"id": 90, "title": "Haus"}],
            "tickets": [
                {
                    "id": 900,
                    "title": "Halb",
                    "price_cents": 1000,
                    "vat_pct": 7.5,
                    "museum_ids": [90],
                }
            ],
        }
    )
    tickets = {t["id"]: t for t in (await kasse.client.get("/api/v4/tickets")).json()["tickets"]}
    assert type(tickets[2]["vat_pct"]) is int and tickets[2]["vat_pct"] == 7
    assert tickets[900]["vat_pct"] == 7.5
    detail = (await kasse.client.get("/api/v4/tickets/900")).json()["ticket"]
    assert detail["vat_pct"] == 7.5
    coupons = (await kasse.client.get("/api/v4/coupons")).json()["coupons"]
    assert all(type(c["vat_pct"]) is int for c in coupons)
