"""Moving the start of an annual pass: from today up to a year ahead, within the ticket's period,
and only while the pass is unused."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from kasse.annual.validity import add_months
from tests.annual.support import (
    annual_order,
    buy_passes,
    move,
    passes_with_token,
    personalization_token,
)
from tests.conftest import Kasse
from tests.entry.support import admit


def today(kasse: Kasse) -> date:
    return kasse.clock.now().astimezone(kasse.instance.tz).date()


async def sale_of(kasse: Kasse, token: str) -> dict[str, Any]:
    [sale] = (await annual_order(kasse, token))["ticket_sales"]
    return sale


@pytest.mark.parametrize(
    ("given", "expected_start"),
    [
        ("{day} 10:00:00", "{day}T10:00"),
        ("{day}T08:30:00+02:00", None),
        ("{day}T08:30:00Z", None),
        ("{day}", "{day}T00:00"),
    ],
)
async def test_the_start_moves_in_every_format_and_its_end_moves_along(
    kasse: Kasse, day: date, given: str, expected_start: str | None
) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    sale = await sale_of(kasse, token)
    target = day + timedelta(days=40)
    r = await move(kasse, token, sale["id"], given.format(day=target.isoformat()))
    assert r.status_code == 200, r.text
    moved = r.json()["ticket_sale"]
    start = datetime.fromisoformat(moved["start_at"])
    if expected_start is not None:
        assert start.replace(tzinfo=None) == datetime.fromisoformat(
            expected_start.format(day=target)
        )
    else:
        assert start == datetime.fromisoformat(
            given.format(day=target.isoformat()).replace("Z", "+00:00")
        )
    assert moved["valid_until"] == kasse.local(add_months(start.date(), 12), "00:00")
    assert await sale_of(kasse, token) == moved


async def test_the_end_keeps_whole_months_at_the_end_of_a_month(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    sale = await sale_of(kasse, token)
    # The last day of some month ahead that is at least 10 days away.
    first_next = (today(kasse).replace(day=1) + timedelta(days=45)).replace(day=1)
    last_of_month = first_next - timedelta(days=1)
    r = await move(kasse, token, sale["id"], last_of_month.isoformat())
    assert r.status_code == 200, r.text
    assert r.json()["ticket_sale"]["valid_until"] == kasse.local(
        add_months(last_of_month, 12), "00:00"
    )


async def test_today_and_a_year_ahead_are_the_bounds(kasse: Kasse, day: date) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    sale = await sale_of(kasse, token)
    first, last = today(kasse), add_months(today(kasse), 12)
    for allowed in (first, last):
        r = await move(kasse, token, sale["id"], allowed.isoformat())
        assert r.status_code == 200, (allowed, r.text)
    before = await sale_of(kasse, token)
    r = await move(kasse, token, sale["id"], (first - timedelta(days=1)).isoformat())
    assert r.status_code == 422
    assert r.json()["error"] == (
        f"start_at: {first - timedelta(days=1)} is in the past: the earliest start is today, {first}"
    )
    r = await move(kasse, token, sale["id"], (last + timedelta(days=1)).isoformat())
    assert r.status_code == 422
    assert r.json()["error"] == (
        f"start_at: {last + timedelta(days=1)} is more than 12 months ahead: "
        f"the latest start is {last}"
    )
    assert await sale_of(kasse, token) == before


@pytest.mark.parametrize(
    "start_at",
    [1767225600, "tomorrow", "2026-13-01", "01.06.2026", "", None, "0000-01-01", "9999-01-01"],
)
async def test_start_values_that_are_no_date_are_refused(
    kasse: Kasse, day: date, start_at: Any
) -> None:
    _, token = await passes_with_token(kasse, day, 1)
    sale = await sale_of(kasse, token)
    r = await move(kasse, token, sale["id"], start_at)
    assert r.status_code == 422, r.text
    assert await sale_of(kasse, token) == sale


async def test_the_start_stays_within_the_tickets_sale_period(kasse: Kasse, day: date) -> None:
    await kasse.load(
        {
            "tickets": [
                {
                    "id": 81,
                    "title": "Jahreskarte 2er",
                    "ticket_type": "annual",
                    "price_cents": 4500,
                    "museum_ids": [1],
                    "personalizeable": True,
                    "valid_to": (day + timedelta(days=20)).isoformat(),
                    "validity_months": 6,
                }
            ]
        }
    )
    order = await buy_passes(kasse, day, 1, ticket_id=81)
    token = await personalization_token(kasse, order["id"])
    sale = await sale_of(kasse, token)
    assert sale["valid_until"] == kasse.local(add_months(day, 6), "00:00")
    r = await move(kasse, token, sale["id"], (day + timedelta(days=21)).isoformat())
    assert r.status_code == 422
    assert "outside its sale period" in r.json()["error"]
    r = await move(kasse, token, sale["id"], (day + timedelta(days=20)).isoformat())
    assert r.status_code == 200
    assert r.json()["ticket_sale"]["valid_until"] == kasse.local(
        add_months(day + timedelta(days=20), 6), "00:00"
    )


async def test_a_pass_used_at_the_entrance_keeps_its_start(kasse: Kasse, day: date) -> None:
    order, token = await passes_with_token(kasse, day, 2)
    sale = await sale_of(kasse, token)
    kasse.clock.set(datetime.fromisoformat(kasse.local(day, "11:00")))
    code = order["items"][0]["attributes"]["barcodes"][1]["barcode"]
    assert (await admit(kasse, code)).status_code == 200
    r = await move(kasse, token, sale["id"], (day + timedelta(days=5)).isoformat())
    assert r.status_code == 422
    assert (
        r.json()["error"]
        == f"ticket sale {sale['id']} was used at the entrance already: its start stays"
    )
    assert await sale_of(kasse, token) == sale
