"""Failed API, document and personalization tokens: counted per address, 429 past the limit.

A client with no attempt left is refused before its token is looked up, even a right one; other
addresses are not affected, and successful requests count nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.annual.support import ANNUAL, passes_with_token
from tests.conftest import Kasse
from tests.documents.test_routes import item, ordered, sales, ticket_url
from tests.helpers import app_on, client_of

LIMIT = 3
WHOAMI = "/api/v4/whoami"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
async def app(kasse: Kasse, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """An app on the test's database whose clients may fail 3 times a minute, counted in memory."""
    async with app_on(
        kasse.instance, kasse.clock, tmp_path, auth_failure_limit=f"{LIMIT}/minute"
    ) as app:
        yield app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_refused(r: httpx.Response) -> None:
    assert r.status_code == 429, r.text
    assert r.json()["error"].startswith("too many failed token attempts")
    assert 1 <= int(r.headers["Retry-After"]) <= 60


async def test_wrong_api_tokens_are_401_until_the_limit_then_429(kasse: Kasse, app: FastAPI):
    good = bearer(kasse.tokens["reseller"])
    async with client_of(app) as client, client_of(app, ELSEWHERE) as elsewhere:
        # successful requests count nothing
        assert [(await client.get(WHOAMI, headers=good)).status_code for _ in range(5)] == [200] * 5
        statuses = [(await client.get(WHOAMI, headers=bearer(f"wrong-{i}"))).status_code
                    for i in range(LIMIT)]  # fmt: skip
        assert statuses == [401] * LIMIT
        assert_refused(await client.get(WHOAMI, headers=bearer("wrong-again")))
        # refused before the lookup: a right token from this address does not tell a hit either
        assert_refused(await client.get(WHOAMI, headers=good))
        # no token (public) is no attempt; another address tries on its own
        assert (await client.get("/api/v4/museums")).status_code == 200
        assert (await elsewhere.get(WHOAMI, headers=good)).status_code == 200
        assert (await elsewhere.get(WHOAMI, headers=bearer("wrong"))).status_code == 401


async def test_wrong_document_tokens_are_404_until_the_limit_then_429(
    kasse: Kasse, app: FastAPI, day: date
):
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")))
    [sale] = sales(order)
    async with client_of(app) as client, client_of(app, ELSEWHERE) as elsewhere:
        assert (await client.get(ticket_url(order, sale))).status_code == 200
        wrong = [ticket_url(order, sale, token=None), ticket_url(order, sale, token="wrong"),
                 f"/api/v4/orders/2000000/invoice.pdf?token={order['token']}"]  # fmt: skip
        assert [(await client.get(url)).status_code for url in wrong] == [404] * LIMIT
        assert_refused(await client.get(ticket_url(order, sale, token="wrong")))
        assert_refused(await client.get(ticket_url(order, sale)))
        assert (await elsewhere.get(ticket_url(order, sale))).status_code == 200


async def test_wrong_personalization_tokens_are_404_until_the_limit_then_429(
    kasse: Kasse, app: FastAPI, day: date
):
    _, token = await passes_with_token(kasse, day, 1)
    async with client_of(app) as client, client_of(app, ELSEWHERE) as elsewhere:
        assert (await client.get(f"{ANNUAL}/order", params={"token": token})).status_code == 200
        # a writing request's failure counts though its transaction rolls back
        r = await client.post(f"{ANNUAL}/personalization/finalize", params={"token": "wrong"})
        assert r.status_code == 404, r.text
        statuses = [(await client.get(f"{ANNUAL}/order", params={"token": f"wrong-{i}"})).status_code
                    for i in range(LIMIT - 1)]  # fmt: skip
        assert statuses == [404] * (LIMIT - 1)
        assert_refused(await client.get(f"{ANNUAL}/order", params={"token": "wrong"}))
        assert_refused(await client.get(f"{ANNUAL}/order", params={"token": token}))
        assert (await elsewhere.get(f"{ANNUAL}/order", params={"token": token})).status_code == 200


async def test_every_kind_of_token_spends_one_count(kasse: Kasse, app: FastAPI, day: date):
    """Guesses spread over the kinds of token gain nothing."""
    order = await ordered(kasse, item(3, 1, kasse.local(day, "10:00")))
    [sale] = sales(order)
    async with client_of(app) as client:
        assert (await client.get(WHOAMI, headers=bearer("wrong"))).status_code == 401
        assert (await client.get(ticket_url(order, sale, token="wrong"))).status_code == 404
        r = await client.get(f"{ANNUAL}/order", params={"token": "wrong"})
        assert r.status_code == 404
        assert_refused(await client.get(WHOAMI, headers=bearer("wrong")))


async def test_a_token_this_process_found_valid_is_not_refused(kasse: Kasse, tmp_path: Path):
    """With the token cache on, a token found valid a moment ago needs no count: the busy path
    reads nothing; a client over the limit still gets nothing for a new guess."""
    async with app_on(
        kasse.instance,
        kasse.clock,
        tmp_path,
        auth_failure_limit=f"{LIMIT}/minute",
        token_cache_seconds=300,
    ) as app:
        good = bearer(kasse.tokens["reseller"])
        async with client_of(app) as client:
            assert (await client.get(WHOAMI, headers=good)).status_code == 200
            for i in range(LIMIT):
                assert (await client.get(WHOAMI, headers=bearer(f"wrong-{i}"))).status_code == 401
            assert_refused(await client.get(WHOAMI, headers=bearer("wrong")))
            assert (await client.get(WHOAMI, headers=good)).status_code == 200
