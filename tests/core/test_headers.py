"""Security headers: nosniff and no referrer on every answer, no-store on private ones, a CSP on HTML."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from kasse.app import create_app
from kasse.core.errors import NotFound
from kasse.settings import Settings
from tests.conftest import Kasse
from tests.entry.support import barcode_url, buy

EVERYWHERE = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


def assert_everywhere(response: httpx.Response) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, (response.request.url, name)


def assert_no_store(response: httpx.Response) -> None:
    assert response.headers.get("cache-control") == "no-store", response.request.url
    assert_everywhere(response)


async def test_answers_with_tokens_barcodes_and_personal_data_are_not_stored(
    kasse: Kasse, day: date
) -> None:
    client, auth = kasse.client, kasse.auth("reseller")
    [code] = await buy(kasse, 1, 1, kasse.local(day, "12:00"))
    by_barcode = await client.get(f"/api/v4/orders/barcode/{code}", headers=auth)
    order = by_barcode.json()["order"]
    token = order["token"]
    responses = [
        by_barcode,
        await client.get(f"/api/v4/orders/{token}", headers=auth),
        await client.get("/api/v4/orders", headers=auth),
        await client.get(f"/api/v4/orders/{order['id']}/tickets", headers=auth),
        await client.get(f"/api/v4/orders/{order['id']}/invoices", headers=auth),
        await client.post(f"/api/v4/orders/{order['id']}/cancellations", headers=auth),
    ]
    for response in responses:
        assert response.status_code == 200, (response.request.url, response.text)
        assert_no_store(response)
    # a refusal the route returns rather than raises: "not valid yet", the ticket is for ``day``
    refused = await client.get(barcode_url(code), headers=kasse.auth("cashpoint"))
    assert refused.status_code == 422
    assert_no_store(refused)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v4/orders"),
        ("GET", "/api/v4/orders/Zq3vX9kLmN2pR7sT4uW8yA"),
        ("GET", "/api/v4/orders/999999/invoice.pdf?token=wrong"),
        ("GET", "/api/v4/orders/999999/tickets/1/passbooks/4711.pkpass?token=wrong"),
        ("GET", "/api/v4/annual/order?token=wrong"),
        ("PUT", "/api/v4/annual/customers/1?token=wrong"),
        ("GET", "/api/v4/coupon_sales/barcode/NO-SUCH-CODE"),
        ("POST", "/api/v4/tickets/reservations"),
        ("DELETE", "/api/v4/tickets/reservations/no-such-token"),
        ("GET", "/api/v3/barcodes/4711"),
    ],
)
async def test_errors_of_private_routes_are_not_stored_either(
    kasse: Kasse, method: str, path: str
) -> None:
    response = await kasse.client.request(method, path, headers=kasse.auth("cashpoint"), json={})
    assert response.status_code >= 400
    assert_no_store(response)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v4/tickets",
        "/api/v4/tickets/1",
        "/api/v4/museums",
        "/api/v4/exhibitions",
        "/api/v4/coupons",
        "/api/v4/countries",
        "/api/v4/version",
        "/openapi.json",
    ],
)
async def test_public_catalog_reads_stay_cacheable(kasse: Kasse, path: str) -> None:
    response = await kasse.client.get(path, headers=kasse.auth("reseller"))
    assert response.status_code == 200
    assert "cache-control" not in response.headers
    assert "content-security-policy" not in response.headers
    assert_everywhere(response)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/no/such/path"),
        ("GET", "/api/v4/tickets/999999"),
        ("GET", "/api/v4/tickets/capacities?ticket_ids[]=x"),
        ("PATCH", "/api/v4/tickets"),
        ("OPTIONS", "/api/v4/tickets"),
    ],
)
async def test_every_error_carries_the_headers(kasse: Kasse, method: str, path: str) -> None:
    headers = {"Origin": "https://shop.example.org", "Access-Control-Request-Method": "GET"}
    response = await kasse.client.request(method, path, headers=headers)
    assert response.status_code >= 200
    assert_everywhere(response)


@pytest.fixture
async def failing_app(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app with a route that fails unexpectedly: Starlette's outermost layer answers 500."""
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("unexpected")

    @app.get("/not-found")
    async def not_found() -> None:
        raise NotFound("nothing here")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_an_internal_error_carries_the_headers(failing_app: httpx.AsyncClient) -> None:
    response = await failing_app.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "internal server error"}
    assert_everywhere(response)
    assert (await failing_app.get("/not-found")).headers["x-content-type-options"] == "nosniff"


async def test_html_pages_get_a_restrictive_content_security_policy(kasse: Kasse) -> None:
    response = await kasse.client.get("/docs")
    assert response.headers["content-type"].startswith("text/html")
    assert_everywhere(response)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"  # no inline script, no other host
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "<script>" not in response.text  # the page starts Swagger UI from a file
