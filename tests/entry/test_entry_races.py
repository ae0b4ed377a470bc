"""Turnstiles racing for one barcode over HTTP against a multi-process server on PostgreSQL.

Each barcode is voided by two turnstiles at the same moment, each request on its own connection,
so the two land in different worker processes and transactions: exactly one may be admitted.
The server runs on the real clock, so the barcodes are flex tickets (valid every day).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from kasse.catalog.demo import demo_catalog
from kasse.core.db import open_instance
from kasse.models import EntryAdmission, EntryScan, Order
from kasse.settings import Settings
from tests.concurrency.server import prepare_database, run_server
from tests.helpers import postgres_only, truncate_all

pytestmark = pytest.mark.slow

FLEX_TICKET, FLEX_PRICE, PLACES, TURNSTILES = 7, 1500, 10, 2
ANNUAL_PASS, ANNUAL_PRICE = 8, 4500


@pytest.fixture
async def entry_db(database_url: str) -> tuple[str, list[str]]:
    instance = open_instance("reset", database_url, Settings(database_url=database_url))
    await truncate_all(instance)
    await instance.dispose()
    tokens = await prepare_database(
        database_url, demo_catalog(date.today()), ["reseller", *["cashpoint"] * TURNSTILES]
    )
    return database_url, tokens


async def _buy_flex_tickets(base_url: str, reseller: str) -> list[str]:
    body = {
        "items": [{"type": "Ticket", "attributes": {"id": FLEX_TICKET, "quantity": PLACES}}],
        "total": FLEX_PRICE * PLACES,
    }
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post(
            "/api/v4/orders", json=body, headers={"Authorization": f"Bearer {reseller}"}
        )
    assert response.status_code == 200, response.text
    [item] = response.json()["order"]["items"]
    return [code["barcode"] for code in item["attributes"]["barcodes"]]


async def _void_at_once(base_url: str, requests: list[tuple[str, str]]) -> list[httpx.Response]:
    """PUT every (barcode, token) at the same moment, each on a connection of its own."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        start = asyncio.Event()

        async def one(code: str, token: str) -> httpx.Response:
            await start.wait()
            return await client.put(
                f"/api/v3/barcodes/{code}", headers={"Authorization": f"Bearer {token}"}
            )

        tasks = [asyncio.create_task(one(code, token)) for code, token in requests]
        await asyncio.sleep(0.05)
        start.set()
        return list(await asyncio.gather(*tasks))


async def _count(url: str, model: type[EntryAdmission] | type[EntryScan]) -> int:
    instance = open_instance("check", url, Settings(database_url=url))
    try:
        async with instance.read_sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await instance.dispose()


@postgres_only
async def test_two_turnstiles_voiding_one_barcode_at_once_admit_it_once(
    entry_db: tuple[str, list[str]],
) -> None:
    url, [reseller, *turnstiles] = entry_db
    with run_server(url, workers=2) as server:
        codes = await _buy_flex_tickets(server.base_url, reseller)
        requests = [(code, token) for code in codes for token in turnstiles]
        responses = await _void_at_once(server.base_url, requests)
    per_code: dict[str, Counter[int]] = {code: Counter() for code in codes}
    for (code, _), response in zip(requests, responses, strict=True):
        per_code[code][response.status_code] += 1
        if response.status_code == 422:
            assert response.json()["error"].startswith("already used on "), response.text
    assert all(statuses == {200: 1, 422: 1} for statuses in per_code.values()), per_code
    assert await _count(url, EntryAdmission) == PLACES
    assert await _count(url, EntryScan) == PLACES * TURNSTILES


async def _annual_passes_valid_today(base_url: str, url: str, reseller: str) -> list[str]:
    """Five annual passes (the most one order takes), moved to start today (the instance's day)."""
    today = datetime.now(ZoneInfo(Settings().time_zone)).date()
    day = today + timedelta(days=1)
    while day.weekday() == 0:  # the demo museums are closed on Mondays
        day += timedelta(days=1)
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": ANNUAL_PASS, "quantity": 5, "time": f"{day}T12:00:00"},
            }
        ],
        "total": ANNUAL_PRICE * 5,
    }
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post(
            "/api/v4/orders", json=body, headers={"Authorization": f"Bearer {reseller}"}
        )
        assert response.status_code == 200, response.text
        [item] = response.json()["order"]["items"]
        token = await _personalization_token(url)
        response = await client.put(
            f"/api/v4/annual/ticket_sales/{item['attributes']['id']}",
            params={"token": token},
            json={"ticket_sale": {"start_at": today.isoformat()}},
        )
        assert response.status_code == 200, response.text
    return [code["barcode"] for code in item["attributes"]["barcodes"]]


async def _personalization_token(url: str) -> str:
    instance = open_instance("check", url, Settings(database_url=url))
    try:
        async with instance.read_sessions() as session:
            token = await session.scalar(select(Order.personalization_token))
    finally:
        await instance.dispose()
    assert token is not None
    return token


@postgres_only
async def test_two_turnstiles_admitting_one_annual_pass_at_once_let_one_visit_in(
    entry_db: tuple[str, list[str]],
) -> None:
    """Each visit of a pass is its own admission (visit:<n>): racing scanners both try visit:1."""
    url, [reseller, *turnstiles] = entry_db
    with run_server(url, workers=2) as server:
        codes = await _annual_passes_valid_today(server.base_url, url, reseller)
        requests = [(code, token) for code in codes for token in turnstiles]
        responses = await _void_at_once(server.base_url, requests)
    per_code: dict[str, Counter[int]] = {code: Counter() for code in codes}
    for (code, _), response in zip(requests, responses, strict=True):
        per_code[code][response.status_code] += 1
        if response.status_code == 422:
            assert response.json()["error"].startswith("already admitted on "), response.text
    assert all(statuses == {200: 1, 422: 1} for statuses in per_code.values()), per_code
    assert await _count(url, EntryAdmission) == len(codes)
