"""Lookups and facts about the instance: countries, states, salutations, dispatch modes, locales,
version and whoami."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from kasse import __version__ as kasse_version
from kasse.catalog.lookups import COUNTRIES

EU = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip
# the alpha-2 codes in id order, as pycountry 26.2.16 gives them (249 countries)
COUNTRY_CODES_DIGEST = "6d7b505f1e454891"


async def _all_countries(kasse, locale: str) -> dict[str, dict[str, object]]:
    r = await kasse.client.get(f"/api/v4/countries?per_page=1000&locale={locale}")
    assert r.status_code == 200, r.text
    countries = r.json()["countries"]
    assert r.json()["meta"] == {"total_count": len(countries), "page": 1, "per_page": 1000}
    return {c["code"]: c for c in countries}


async def test_countries_are_iso_3166_with_the_references_ids(kasse):
    de = await _all_countries(kasse, "de")
    en = await _all_countries(kasse, "en")
    assert len(de) == 249 and set(de) >= EU | {"CH", "GB", "US", "NO"}
    # the ids the reference shows: Deutschland 60, Frankreich 76, Vereinigtes Königreich 80
    assert de["DE"] == {"id": 60, "name": "Deutschland", "code": "DE"}
    assert en["DE"] == {"id": 60, "name": "Germany", "code": "DE"}
    assert de["FR"] == {"id": 76, "name": "Frankreich", "code": "FR"}
    assert de["GB"] == {"id": 80, "name": "Vereinigtes Königreich", "code": "GB"}
    assert (de["CH"]["name"], en["CH"]["name"]) == ("Schweiz", "Switzerland")
    assert (de["KR"]["name"], en["KR"]["name"]) == ("Südkorea", "South Korea")
    ids = [c["id"] for c in de.values()]
    assert ids == list(range(1, 250))
    assert {c["id"]: c["code"] for c in de.values()} == {c["id"]: c["code"] for c in en.values()}


def test_country_ids_stay_where_they_are():
    """An id is a position by alpha-3 code; a pycountry that adds or drops a country would move
    every id after it. Stored ids must not move: such an upgrade needs the new country appended
    instead (and this list extended), not re-sorted."""
    codes = "".join(country.code for country in COUNTRIES)
    assert hashlib.sha256(codes.encode()).hexdigest()[:16] == COUNTRY_CODES_DIGEST


async def test_countries_are_paged(kasse):
    r = await kasse.client.get("/api/v4/countries")
    body = r.json()
    assert len(body["countries"]) == 25
    assert body["meta"]["page"] == 1 and body["meta"]["per_page"] == 25
    total = body["meta"]["total_count"]
    assert total > 25
    r = await kasse.client.get("/api/v4/countries?page=10")
    assert len(r.json()["countries"]) == total - 9 * 25


async def test_states_are_the_german_laender(kasse):
    r = await kasse.client.get("/api/v4/states")
    assert r.status_code == 200
    body = r.json()
    assert body["meta"] == {"total_count": 16, "page": 1, "per_page": 25}
    states = body["states"]
    assert states[:5] == [
        {"name": "Baden-Württemberg", "id": 1, "country_id": 60},
        {"name": "Bayern", "id": 2, "country_id": 60},
        {"name": "Berlin", "id": 3, "country_id": 60},
        {"name": "Brandenburg", "id": 4, "country_id": 60},
        {"name": "Bremen", "id": 5, "country_id": 60},
    ]
    assert [s["id"] for s in states] == list(range(1, 17))
    assert states[-1] == {"name": "Thüringen", "id": 16, "country_id": 60}
    en = (await kasse.client.get("/api/v4/states?locale=en")).json()["states"]
    assert en[1] == {"name": "Bavaria", "id": 2, "country_id": 60}


async def test_salutations(kasse):
    de = (await kasse.client.get("/api/v4/customers/salutations")).json()
    en = (await kasse.client.get("/api/v4/customers/salutations?locale=en")).json()
    assert de["salutations"][:2] == [{"id": 1, "name": "Herr"}, {"id": 2, "name": "Frau"}]
    assert en["salutations"][:2] == [{"id": 1, "name": "Mr"}, {"id": 2, "name": "Ms"}]
    assert de["meta"]["total_count"] == len(de["salutations"])


async def test_dispatch_modes(kasse):
    r = await kasse.client.get("/api/v4/dispatch_modes?locale=en")
    assert r.status_code == 200
    body = r.json()
    assert body["dispatch_modes"] == [
        {"id": 1, "name": "E-mail"},
        {"id": 2, "name": "Post"},
        {"id": 3, "name": "Collection at the museum"},
    ]
    assert body["meta"] == {"total_count": 3, "page": 1, "per_page": 25}
    de = (await kasse.client.get("/api/v4/dispatch_modes")).json()["dispatch_modes"]
    assert de == [
        {"id": 1, "name": "E-Mail"},
        {"id": 2, "name": "Post"},
        {"id": 3, "name": "Abholung im Museum"},
    ]


async def test_lookup_names_in_several_locales(kasse):
    r = await kasse.client.get("/api/v4/dispatch_modes?locale[]=de&locale[]=en")
    assert r.json()["dispatch_modes"][2] == {
        "id": 3,
        "name": {"de": "Abholung im Museum", "en": "Collection at the museum"},
    }
    r = await kasse.client.get("/api/v4/countries?per_page=1000&locale[]=en&locale[]=de")
    germany = next(c for c in r.json()["countries"] if c["id"] == 60)
    assert germany == {"id": 60, "name": {"en": "Germany", "de": "Deutschland"}, "code": "DE"}


async def test_shop_front_ends_find_countries_and_salutations_under_v3_too(kasse):
    for v3, v4 in (
        ("/api/v3/countries?page=3&locale=en", "/api/v4/countries?page=3&locale=en"),
        ("/api/v3/customer_salutations", "/api/v4/customers/salutations"),
    ):
        r = await kasse.client.get(v3)
        assert r.status_code == 200, r.text
        assert r.json() == (await kasse.client.get(v4)).json()


async def test_locales(kasse):
    r = await kasse.client.get("/api/v4/locales")
    assert r.json() == {"locales": ["de", "en"]}


async def test_version(kasse):
    r = await kasse.client.get("/api/v4/version")
    assert r.status_code == 200
    version = r.json()["version"]
    assert set(version) == {"system", "api", "release", "time", "zone", "currency", "per_page"}
    assert version["system"] == kasse_version
    assert version["api"] == "4.4"
    assert version["release"] == "kasse"
    assert version["per_page"] == 1000
    assert version["zone"] == "Europe/Berlin"
    assert version["currency"] == "EUR"
    assert version["time"] == kasse.clock.now().astimezone(kasse.instance.tz).isoformat()
    # The time comes from the server's clock.
    kasse.clock.advance(timedelta(hours=3))
    later = (await kasse.client.get("/api/v4/version")).json()["version"]["time"]
    assert later == kasse.clock.now().astimezone(kasse.instance.tz).isoformat()


async def test_whoami(kasse):
    # As the reference says: museums only for staff and resellers limited to museums.
    assert (await kasse.client.get("/api/v4/whoami")).json() == {"access": "public"}
    r = await kasse.client.get("/api/v4/whoami", headers=kasse.auth("customer"))
    assert r.json() == {"access": "customer"}
    for access in ("reseller", "cashpoint", "user"):
        r = await kasse.client.get("/api/v4/whoami", headers=kasse.auth(access))
        assert r.json() == {"access": access}
        token = await kasse.new_token(access, museum_ids=[2])
        r = await kasse.client.get("/api/v4/whoami", headers={"Authorization": f"Bearer {token}"})
        assert r.json() == {"access": access, "museums": [2]}
    token = await kasse.new_token("reseller", museum_ids=[2, 1])
    r = await kasse.client.get("/api/v4/whoami", headers={"Authorization": f"Bearer {token}"})
    assert r.json() == {"access": "reseller", "museums": [1, 2]}


async def test_whoami_refuses_a_bad_token(kasse):
    r = await kasse.client.get("/api/v4/whoami", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    assert r.json() == {"error": "invalid API token"}
    r = await kasse.client.get("/api/v4/whoami", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401


async def test_openapi_documents_the_wire_shapes(kasse):
    r = await kasse.client.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    schemas = doc["components"]["schemas"]
    assert set(schemas["TicketSummary"]["properties"]) == {
        "id", "title", "ticket_type", "bookable", "museum_ids", "exhibition_ids",
        "price_cents", "discount", "vat_pct", "tax_included", "entry_duration",
        "min_persons", "max_persons", "quota_ids", "first_entry", "last_entry",
        "personalizeable", "attendees", "identification", "free_timing",
    }  # fmt: skip
    assert set(schemas["TicketList"]["properties"]) == {"tickets", "meta"}
    params = {p["name"] for p in doc["paths"]["/api/v4/tickets"]["get"]["parameters"]}
    assert {"by_ticket_ids[]", "by_museum_ids[]", "valid_at", "locale", "per_page"} <= params
    for path in (
        "/api/v4/tickets/content",
        "/api/v4/tickets/{ticket_id}",
        "/api/v4/museums/{museum_id}/opening_hours",
        "/api/v4/exhibitions/{exhibition_id}",
        "/api/v4/countries",
        "/api/v4/whoami",
    ):
        assert path in doc["paths"]
