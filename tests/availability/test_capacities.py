"""GET and POST /api/v4/tickets/capacities: several tickets at once, grouped by quota."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.availability.support import buy, slots


async def get_capacities(kasse: Any, query: str, **headers: str) -> dict[str, Any]:
    r = await kasse.client.get(f"/api/v4/tickets/capacities?{query}", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"data"}
    return body["data"]


async def test_capacities_are_grouped_by_quota(kasse, day):
    data = await get_capacities(kasse, f"ticket_ids[]=3&ticket_ids[]=5&ticket_ids[]=1&date={day}")
    assert set(data) == {"1", "2", "3"}
    half_hours = slots(kasse, day, "10:00", "17:00")
    assert data["1"] == {
        "tickets": [3, 5],
        "capacities": dict.fromkeys(half_hours, 50),
        "total_capacities": dict.fromkeys(half_hours, 50),
    }
    assert data["2"] == {
        "tickets": [5],
        "capacities": dict.fromkeys(half_hours, 30),
        "total_capacities": dict.fromkeys(half_hours, 30),
    }
    day_slot = [kasse.local(day, "10:00")]
    assert data["3"] == {
        "tickets": [1],
        "capacities": dict.fromkeys(day_slot, 500),
        "total_capacities": dict.fromkeys(day_slot, 500),
    }


async def test_tickets_sharing_a_quota_are_listed_together(kasse, day):
    data = await get_capacities(kasse, f"ticket_ids[]=4&ticket_ids[]=3&ticket_ids[]=61&date={day}")
    assert list(data) == ["1"]
    assert sorted(data["1"]["tickets"]) == [3, 4, 61]


async def test_url_encoded_array_parameters_are_accepted(kasse, day):
    plain = await get_capacities(kasse, f"ticket_ids[]=3&ticket_ids[]=9&date={day}")
    encoded = await get_capacities(kasse, f"ticket_ids%5B%5D=3&ticket_ids%5B%5D=9&date={day}")
    assert encoded == plain
    assert set(plain) == {"1", "6"}
    assert plain["6"]["capacities"] == dict.fromkeys(slots(kasse, day, "11:00", "16:00", 60), 20)


async def test_post_with_a_json_body_answers_like_get(kasse, day):
    query = f"ticket_ids[]=5&ticket_ids[]=11&date={day}"
    r = await kasse.client.post(
        "/api/v4/tickets/capacities", json={"date": str(day), "ticket_ids": [5, 11]}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"data": await get_capacities(kasse, query)}
    assert set(r.json()["data"]) == {"1", "2", "4"}


async def test_a_sale_reduces_exactly_the_quotas_it_draws_from(kasse, day):
    ten, eleven = kasse.local(day, "10:00"), kasse.local(day, "11:00")
    query = f"ticket_ids[]=3&ticket_ids[]=5&ticket_ids[]=1&ticket_ids[]=11&date={day}"
    before = await get_capacities(kasse, query)
    await buy(kasse, (5, 4, ten), (1, 7, eleven))
    after = await get_capacities(kasse, query)
    assert after["1"]["capacities"][ten] == 46
    assert after["2"]["capacities"][ten] == 26
    assert after["3"]["capacities"][ten] == 493  # the day ticket's single slot
    # Everything else is unchanged, and the configured maximum never moves.
    for quota_id in before:
        assert after[quota_id]["total_capacities"] == before[quota_id]["total_capacities"]
        changed = {
            ts
            for ts, n in after[quota_id]["capacities"].items()
            if n != before[quota_id]["capacities"][ts]
        }
        assert changed == (set() if quota_id == "4" else {ten})


async def test_a_combined_sale_reduces_main_and_sub_ticket_quotas(kasse, day):
    query = f"ticket_ids[]=6&ticket_ids[]=61&ticket_ids[]=62&date={day}"
    before = await get_capacities(kasse, query)
    assert set(before) == {"1", "4", "5"}
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {
                    "id": 6,
                    "quantity": 3,
                    "time": kasse.local(day, "11:00"),
                    "sub_ticket_times": {
                        "61": kasse.local(day, "11:00"),
                        "62": kasse.local(day, "13:00"),
                    },
                },
            }
        ],
        "total": 3 * 1900,
    }
    r = await kasse.client.post("/api/v4/orders", json=body, headers=kasse.auth())
    assert r.status_code == 200, r.text
    after = await get_capacities(kasse, query)
    assert after["5"]["capacities"][kasse.local(day, "11:00")] == 97
    assert after["1"]["capacities"][kasse.local(day, "11:00")] == 47
    assert after["4"]["capacities"][kasse.local(day, "13:00")] == 37
    assert after["4"]["capacities"][kasse.local(day, "11:00")] == 40


async def test_a_sold_out_slot_shows_zero_against_its_total(kasse, day):
    ten = kasse.local(day, "10:00")
    await buy(kasse, *[(5, 10, ten)] * 3)
    data = await get_capacities(kasse, f"ticket_ids[]=5&date={day}")
    assert data["2"]["capacities"][ten] == 0
    assert data["2"]["total_capacities"][ten] == 30
    assert data["1"]["capacities"][ten] == 20


async def test_a_closed_day_has_no_slots(kasse, day):
    monday = day + timedelta(days=5)
    data = await get_capacities(kasse, f"ticket_ids[]=3&ticket_ids[]=1&date={monday}")
    for quota in data.values():
        assert quota["capacities"] == {}
        assert quota["total_capacities"] == {}


async def test_ticket_ids_are_required(kasse, day):
    r = await kasse.client.get(f"/api/v4/tickets/capacities?date={day}")
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    r = await kasse.client.post("/api/v4/tickets/capacities", json={"date": str(day)})
    assert r.status_code == 422, r.text
    r = await kasse.client.post(
        "/api/v4/tickets/capacities", json={"date": str(day), "ticket_ids": []}
    )
    assert r.status_code == 422, r.text
    assert "error" in r.json()


async def test_an_unknown_ticket_is_404(kasse, day):
    r = await kasse.client.get(
        f"/api/v4/tickets/capacities?ticket_ids[]=3&ticket_ids[]=999&date={day}"
    )
    assert r.status_code == 404, r.text
    assert "error" in r.json()
    r = await kasse.client.post(
        "/api/v4/tickets/capacities", json={"date": str(day), "ticket_ids": [2**40]}
    )
    assert r.status_code == 404, r.text


async def test_bad_parameters_are_4xx(kasse, day):
    for query in (
        "ticket_ids[]=abc",
        "ticket_ids[]=3&date=garbage",
        "ticket_ids[]=3&date=0001-01-01",
        "ticket_ids[]=3&date=9999-12-31",
    ):
        r = await kasse.client.get(f"/api/v4/tickets/capacities?{query}")
        assert r.status_code == 422, (query, r.text)
        assert "error" in r.json()
    r = await kasse.client.post(
        "/api/v4/tickets/capacities",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert "error" in r.json()
    r = await kasse.client.post(
        "/api/v4/tickets/capacities", json={"date": "9999-12-31", "ticket_ids": [3]}
    )
    assert r.status_code == 422, r.text
