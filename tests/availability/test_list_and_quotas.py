"""GET /api/v4/tickets/list_and_quotas: a day's tickets with their quotas, as shop front-ends read it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.availability.support import buy, slots
from tests.conftest import Kasse
from tests.helpers import recorded_statements

URL = "/api/v4/tickets/list_and_quotas"


async def day_of(kasse: Kasse, query: str, **headers: str) -> dict[str, Any]:
    r = await kasse.client.get(f"{URL}?{query}", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"tickets", "quotas"}
    return body


async def test_each_ticket_with_its_total_places_and_each_quota_with_its_tickets(
    kasse: Kasse, day: date
) -> None:
    await buy(kasse, (5, 4, kasse.local(day, "10:30")))
    body = await day_of(kasse, f"valid_at={day}&by_ticket_ids[]=5&by_ticket_ids[]=1")
    tickets, quotas = body["tickets"], body["quotas"]
    assert list(tickets) == ["1", "5"]
    listed = (await kasse.client.get(f"/api/v4/tickets?valid_at={day}&by_ticket_ids[]=5")).json()
    # The ticket as /tickets lists it, and the places of its slots (the smaller quota: 30).
    special = tickets["5"]
    assert {k: v for k, v in special.items() if k != "total_capacities"} == listed["tickets"][0]
    half_hours = slots(kasse, day, "10:00", "17:00")
    assert special["total_capacities"] == dict.fromkeys(half_hours, 30)
    assert tickets["1"]["total_capacities"] == {kasse.local(day, "10:00"): 500}
    assert list(quotas) == ["1", "2", "3"]
    assert quotas["2"] == {
        "ticket_ids": [5],
        "capacities": {**dict.fromkeys(half_hours, 30), kasse.local(day, "10:30"): 26},
        "total_capacities": dict.fromkeys(half_hours, 30),
    }
    assert quotas["3"]["ticket_ids"] == [1]
    # The quotas say what /capacities says for the same tickets and day.
    same = await kasse.client.get(
        f"/api/v4/tickets/capacities?ticket_ids[]=1&ticket_ids[]=5&date={day}"
    )
    for quota_id, quota in same.json()["data"].items():
        assert quotas[quota_id]["capacities"] == quota["capacities"]
        assert quotas[quota_id]["total_capacities"] == quota["total_capacities"]


async def test_the_availability_part_is_one_query(kasse: Kasse, day: date) -> None:
    await day_of(kasse, f"valid_at={day}")  # the catalog snapshot is built
    with recorded_statements(kasse.instance) as statements:
        body = await day_of(kasse, f"valid_at={day}")
    assert len(body["tickets"]) > 5
    counting = [s for s in statements if "quota_slots" in s or "reservation_holds" in s]
    assert len(counting) == 1, statements


async def test_the_tickets_filters_apply(kasse: Kasse, day: date) -> None:
    everything = await day_of(kasse, f"valid_at={day}")
    listed = (await kasse.client.get(f"/api/v4/tickets?valid_at={day}&per_page=100")).json()
    assert list(everything["tickets"]) == [str(t["id"]) for t in listed["tickets"]]
    panorama = await day_of(kasse, f"valid_at={day}&by_museum_ids[]=2")
    assert panorama["tickets"] and all(2 in t["museum_ids"] for t in panorama["tickets"].values())
    slotted = await day_of(kasse, f"valid_at={day}&by_ticket_type=time_slot")
    assert {t["ticket_type"] for t in slotted["tickets"].values()} == {"time_slot"}
    exhibition = await day_of(kasse, f"valid_at={day}&by_exhibition_ids[]=1")
    assert all(1 in t["exhibition_ids"] for t in exhibition["tickets"].values())
    # Only the quotas of the tickets listed.
    assert set(exhibition["quotas"]) == {
        str(q) for t in exhibition["tickets"].values() for q in t["quota_ids"]
    }
    nothing = await day_of(kasse, f"valid_at={day}&by_ticket_ids[]=999")
    assert nothing == {"tickets": {}, "quotas": {}}


async def test_a_closed_day_lists_tickets_without_places(kasse: Kasse, day: date) -> None:
    monday = day + timedelta(days=5)
    body = await day_of(kasse, f"valid_at={monday}&by_ticket_ids[]=3")
    assert body["tickets"]["3"]["total_capacities"] == {}
    assert body["quotas"]["1"]["capacities"] == {}


async def test_the_day_defaults_to_today(kasse: Kasse) -> None:
    today = kasse.clock.now().astimezone(kasse.instance.tz).date()
    assert await day_of(kasse, "by_ticket_ids[]=1") == await day_of(
        kasse, f"valid_at={today}&by_ticket_ids[]=1"
    )


@pytest.mark.parametrize(
    "query",
    [
        "valid_at=tomorrow",
        "valid_at=2026-02-30",
        "by_museum_ids[]=x",
        "by_ticket_types[]=bogus",
        "by_bookable=perhaps",
    ],
)
async def test_bad_input_is_422(kasse: Kasse, query: str) -> None:
    r = await kasse.client.get(f"{URL}?{query}")
    assert r.status_code == 422, r.text
    assert "error" in r.json()
