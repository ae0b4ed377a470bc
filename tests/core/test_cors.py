"""CORS: open to every origin by default (tokens travel in headers, never cookies), restrictable."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from kasse.app import create_app
from kasse.settings import Settings
from tests.conftest import Kasse

SHOP = "https://shop.example.org"
OTHER = "https://elsewhere.example.net"


def preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }


@pytest.fixture
async def shop_only(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app that lets only the shop's origin call it (no lifespan: CORS needs no database)."""
    app = create_app(settings.model_copy(update={"cors_origins": [SHOP]}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("origin", [SHOP, OTHER, "http://localhost:3000"])
async def test_preflight_from_any_origin_is_allowed_by_default(kasse: Kasse, origin: str) -> None:
    response = await kasse.client.options("/api/v4/orders", headers=preflight(origin))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "idempotency-key"):
        assert header in allowed
    assert "POST" in response.headers["access-control-allow-methods"]
    # credentials are bearer tokens in a header the page sets itself, never cookies
    assert "access-control-allow-credentials" not in response.headers


async def test_answers_allow_any_origin_without_credentials_by_default(kasse: Kasse) -> None:
    response = await kasse.client.get("/api/v4/tickets", headers={"Origin": OTHER})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


async def test_configured_origins_restrict_preflights(shop_only: httpx.AsyncClient) -> None:
    allowed = await shop_only.options("/api/v4/orders", headers=preflight(SHOP))
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SHOP
    assert "access-control-allow-credentials" not in allowed.headers

    refused = await shop_only.options("/api/v4/orders", headers=preflight(OTHER))
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


async def test_configured_origins_restrict_answers(shop_only: httpx.AsyncClient) -> None:
    shop = await shop_only.get("/openapi.json", headers={"Origin": SHOP})
    assert shop.headers["access-control-allow-origin"] == SHOP
    other = await shop_only.get("/openapi.json", headers={"Origin": OTHER})
    assert "access-control-allow-origin" not in other.headers


SHOP_HEADERS = (
    "authorization",
    "content-type",
    "x-shop-url",
    "access-token",
    "client",
    "uid",
    "expiry",
    "token-type",
)
SESSION_HEADERS = {"access-token", "client", "uid", "expiry", "token-type"}


async def test_preflight_allows_what_shop_front_ends_send(kasse: Kasse) -> None:
    headers = {
        "Origin": SHOP,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": ", ".join(SHOP_HEADERS),
    }
    response = await kasse.client.options("/api/v4/shop", headers=headers)
    assert response.status_code == 200, response.text
    allowed = {
        h.strip() for h in response.headers["access-control-allow-headers"].lower().split(",")
    }
    assert set(SHOP_HEADERS) <= allowed


async def test_answers_expose_the_visitor_session_headers(kasse: Kasse) -> None:
    response = await kasse.client.get("/api/v4/tickets", headers={"Origin": SHOP})
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert exposed == SESSION_HEADERS


async def test_configured_origins_still_restrict_the_shop_headers(
    shop_only: httpx.AsyncClient,
) -> None:
    headers = {
        "Origin": OTHER,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "access-token, uid",
    }
    refused = await shop_only.options("/api/v4/shop", headers=headers)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
