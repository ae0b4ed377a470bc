"""What the server checks in parameters and bodies is what the OpenAPI document states
(core/params.py, core/wire.py, core/middleware.py): checked here both ways, by value."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kasse.core.middleware import NO_NUL_PATTERN
from kasse.core.params import DAY_PATTERN, MOMENT_PATTERN

RESERVATIONS = "/api/v4/tickets/reservations"


@pytest.fixture
async def document(kasse: Any) -> dict[str, Any]:
    r = await kasse.client.get("/openapi.json")
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


def parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    parameters = document["paths"][path]["get"]["parameters"]
    [schema] = [p["schema"] for p in parameters if p["name"] == name]
    return schema


def not_null(schema: dict[str, Any]) -> dict[str, Any]:
    [kept] = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    return kept


async def test_the_document_states_the_bounds(document):
    valid_at = not_null(parameter(document, "/api/v4/tickets", "valid_at"))
    assert valid_at == {"type": "string", "format": "date", "pattern": DAY_PATTERN}
    ids = not_null(parameter(document, "/api/v4/tickets", "by_ticket_ids[]"))
    assert ids["items"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    q = not_null(parameter(document, "/api/v4/tickets", "q"))
    assert q["pattern"] == NO_NUL_PATTERN
    attributes = document["components"]["schemas"]["TicketAttributesIn"]["properties"]
    assert not_null(attributes["time"]) == {"type": "string", "pattern": MOMENT_PATTERN}
    assert attributes["reservations"]["items"]["pattern"] == NO_NUL_PATTERN
    assert attributes["id"]["maximum"] == 2**31 - 1
    card = document["components"]["schemas"]["PersonalizationIn"]["properties"]
    assert not_null(card["dispatch_mode_id"]) == {"type": "integer", "enum": [1, 2, 3]}


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("1970-01-01", True),
        ("2999-12-31", True),
        ("1969-12-31", False),
        ("3000-01-01", False),
        ("2026-13-01", False),
        ("2026-01-32", False),
    ],
)
def test_the_day_pattern_is_the_range_the_server_takes(text, valid):
    assert bool(re.match(DAY_PATTERN, text)) is valid
    assert bool(re.match(MOMENT_PATTERN, text)) is valid


@pytest.mark.parametrize(
    "query", ["per_page=1.0", "page=1_0", "page=%201", "by_ticket_ids[]=3.0", "by_museum_ids[]=0"]
)
async def test_query_integers_are_decimal_digits_within_bounds(kasse, query):
    r = await kasse.client.get(f"/api/v4/tickets?{query}")
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid request"


async def test_query_integers_may_carry_a_sign_and_arrays_both_spellings(kasse):
    r = await kasse.client.get(
        "/api/v4/tickets?per_page=%2B2&by_ticket_ids%5B%5D=3&by_ticket_ids[]=4"
    )
    assert r.status_code == 200, r.text
    assert [t["id"] for t in r.json()["tickets"]] == [3, 4]
    assert r.json()["meta"]["per_page"] == 2


@pytest.mark.parametrize("start_at", [1893456000, "1893456000", "2030-01-01t10:00:00", True])
async def test_a_moment_is_text_and_no_unix_time(kasse, start_at):
    body = {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": start_at}}
    r = await kasse.client.post(RESERVATIONS, json=body, headers=kasse.auth())
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0].startswith("reservation.start_at:"), r.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v4/orders", {"items": "none", "total": "none"}),
        ("POST", RESERVATIONS, {"reservation": {"quantity": True}}),
        ("PUT", "/api/v3/barcodes/ABC", None),
    ],
)
async def test_without_a_token_the_answer_is_401_whatever_the_request_holds(
    kasse, method, path, body
):
    r = await kasse.client.request(method, path, json=body)
    assert r.status_code == 401, r.text
    assert r.json()["error"].startswith("authentication required")
