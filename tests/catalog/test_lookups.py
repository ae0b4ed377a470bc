"""Lookups and facts about the instance: countries, states, salutations, dispatch modes, locales,
version and whoami."""

from __future__ import annotations

from datetime import timedelta

from kasse import __version__ as kasse_version

EU = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip


async def _all_countries(kasse, locale: str) -> dict[str, dict[str, object]]:
    r = await kasse.client.get(f"/api/v4/countries?per_page=1000&locale={locale}")
    assert r.status_code == 200, r.text
    countries = r.json()["countries"]
    assert r.json()["meta"] == {"total_count": len(countries), "page": 1, "per_page": 1000}
    return {c["code"]: c for c in countries}


async def test_countries_cover_the_eu_and_the_neighbours(kasse):
    de = await _all_countries(kasse, "de")
    en = await _all_countries(kasse, "en")
    assert set(de) >= EU | {"CH", "GB", "US", "NO"}
    assert de["DE"] == {"id": 1, "name": "Deutschland", "code": "DE"}
    assert en["DE"] == {"id": 1, "name": "Germany", "code": "DE"}
    assert (de["CH"]["name"], en["CH"]["name"]) == ("Schweiz", "Switzerland")
    assert (de["GB"]["name"], en["GB"]["name"]) == ("Vereinigtes Königreich", "United Kingdom")
    ids = [c["id"] for c in de.values()]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {c["id"]: c["code"] for c in de.values()} == {c["id"]: c["code"] for c in en.values()}


async def test_countries_are_paged(kasse):
    r = await kasse.client.get("/api/v4/countries")
    body = r.json()
    assert len(body["countries"]) == 25
    assert body["meta"]["page"] == 1 and body["meta"]["per_page"] == 25
    total = body["meta"]["total_count"]
    assert total > 25
    r = await kasse.client.get("/api/v4/countries?page=2")
    assert len(r.json()["countries"]) == total - 25


async def test_states(kasse):
    r = await kasse.client.get("/api/v4/states")
    assert r.status_code == 200
    assert r.json() == {"states": [], "meta": {"total_count": 0, "page": 1, "per_page": 25}}


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
    assert [m["id"] for m in body["dispatch_modes"]] == [1, 2, 3]
    assert body["dispatch_modes"][2] == {"id": 3, "name": "Postal mail"}
    assert body["meta"] == {"total_count": 3, "page": 1, "per_page": 25}
    de = (await kasse.client.get("/api/v4/dispatch_modes")).json()["dispatch_modes"]
    assert de[2] == {"id": 3, "name": "Post"}


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
    # As the reference shows: museums only for staff and resellers.
    assert (await kasse.client.get("/api/v4/whoami")).json() == {"access": "public"}
    r = await kasse.client.get("/api/v4/whoami", headers=kasse.auth("customer"))
    assert r.json() == {"access": "customer"}
    for access in ("reseller", "cashpoint", "user"):
        r = await kasse.client.get("/api/v4/whoami", headers=kasse.auth(access))
        assert r.json() == {"access": access, "museums": [1, 2]}
    token = await kasse.new_token("reseller", museum_ids=[2])
    r = await kasse.client.get("/api/v4/whoami", headers={"Authorization": f"Bearer {token}"})
    assert r.json() == {"access": "reseller", "museums": [2]}


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
