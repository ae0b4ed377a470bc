"""GET /api/v4/tickets/:id/capacity: places left per slot, live, over every quota of the ticket."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from tests.availability.support import buy


def _half_hours(first: str, last: str) -> list[str]:
    """``["10:00", "10:30", ...]`` from ``first`` to ``last`` inclusive."""
    h, m = (int(p) for p in first.split(":"))
    end_h, end_m = (int(p) for p in last.split(":"))
    out = []
    while (h, m) <= (end_h, end_m):
        out.append(f"{h:02d}:{m:02d}")
        h, m = (h, m + 30) if m == 0 else (h + 1, 0)
    return out


async def capacity(kasse: Any, ticket_id: int, day: date | str, **headers: str) -> dict[str, int]:
    r = await kasse.client.get(
        f"/api/v4/tickets/{ticket_id}/capacity", params={"date": str(day)}, headers=headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"data"}
    return body["data"]


async def test_every_slot_is_listed_with_the_instance_offset(kasse, day):
    data = await capacity(kasse, 3, day)
    assert list(data) == [kasse.local(day, t) for t in _half_hours("10:00", "17:00")]
    assert set(data.values()) == {50}
    # The offset is the instance's (Europe/Berlin), not UTC.
    assert all(k.endswith(("+01:00", "+02:00")) for k in data)


async def test_hourly_slots_and_a_day_tickets_single_entry(kasse, day):
    data = await capacity(kasse, 9, day)
    assert data == {kasse.local(day, f"{h}:00"): 20 for h in range(11, 17)}
    # A day ticket has one entry: the day's opening time, with the day quota's places.
    assert await capacity(kasse, 1, day) == {kasse.local(day, "10:00"): 500}


async def test_a_sale_reduces_every_ticket_on_the_same_quota(kasse, day):
    await buy(kasse, (3, 3, kasse.local(day, "10:00")))
    ten, half_past = kasse.local(day, "10:00"), kasse.local(day, "10:30")
    for ticket_id in (3, 4, 61):
        data = await capacity(kasse, ticket_id, day)
        assert data[ten] == 47
        assert data[half_past] == 50
    # The panorama (quota 4) and the day tickets (quota 3) are untouched.
    assert (await capacity(kasse, 11, day))[ten] == 40
    assert (await capacity(kasse, 1, day))[ten] == 500


async def test_a_slot_with_nothing_left_is_omitted(kasse, day):
    ten = kasse.local(day, "10:00")
    await buy(kasse, *[(3, 10, ten)] * 4, (4, 9, ten))
    assert (await capacity(kasse, 3, day))[ten] == 1
    await buy(kasse, (4, 1, ten))
    for ticket_id in (3, 4, 5, 61):
        data = await capacity(kasse, ticket_id, day)
        assert ten not in data
        assert data[kasse.local(day, "10:30")] == (30 if ticket_id == 5 else 50)
        assert len(data) == 14


async def test_slots_that_are_over_are_omitted(kasse, day):
    # 12:10 on the day itself: the slots that ended are gone, the running one is still sold.
    noon = datetime.fromisoformat(kasse.local(day, "12:10"))
    kasse.clock.set(noon)
    data = await capacity(kasse, 3, day)
    assert list(data) == [kasse.local(day, t) for t in _half_hours("12:00", "17:00")]
    # A day ticket stays on sale for the whole day.
    assert await capacity(kasse, 1, day) == {kasse.local(day, "10:00"): 500}
    # Yesterday is over for every ticket.
    assert await capacity(kasse, 3, day - timedelta(days=1)) == {}
    assert await capacity(kasse, 1, day - timedelta(days=1)) == {}


async def test_a_past_day_is_empty(kasse, day):
    past = day - timedelta(days=14)  # a Wednesday that lies behind us
    assert past < kasse.clock.now().date()
    assert await capacity(kasse, 3, past) == {}
    assert await capacity(kasse, 1, past) == {}


async def test_a_closed_day_is_empty(kasse, day):
    monday = day + timedelta(days=5)
    assert monday.weekday() == 0
    for ticket_id in (1, 3, 5, 6, 9, 11, 61, 62):
        assert await capacity(kasse, ticket_id, monday) == {}


async def test_the_minimum_over_all_quotas_counts(kasse, day):
    ten = kasse.local(day, "10:00")
    await buy(kasse, (3, 10, ten), (5, 10, ten))
    # quota 1: 50 - 20 = 30, quota 2: 30 - 10 = 20
    assert (await capacity(kasse, 5, day))[ten] == 20
    assert (await capacity(kasse, 3, day))[ten] == 30
    await buy(kasse, (5, 10, ten), (5, 10, ten))
    # quota 2 is sold out: ticket 5 has nothing left at ten, quota 1 still has 10
    assert ten not in await capacity(kasse, 5, day)
    assert (await capacity(kasse, 3, day))[ten] == 10
    assert (await capacity(kasse, 5, day))[kasse.local(day, "10:30")] == 30


async def test_a_combined_ticket_reports_its_main_quota_and_sub_tickets_their_own(kasse, day):
    ten = kasse.local(day, "10:00")
    main = await capacity(kasse, 6, day)
    assert list(main) == [kasse.local(day, t) for t in _half_hours("10:00", "16:00")]
    assert set(main.values()) == {100}
    assert set((await capacity(kasse, 61, day)).values()) == {50}
    assert set((await capacity(kasse, 62, day)).values()) == {40}

    # Selling out quota 1 at ten hides sub ticket 61 there, not the combined ticket.
    await buy(kasse, *[(3, 10, ten)] * 5)
    assert ten not in await capacity(kasse, 61, day)
    assert (await capacity(kasse, 6, day))[ten] == 100

    # A combined sale takes its main quota at its time and each sub ticket's quota at its own.
    body = {
        "items": [
            {
                "type": "Ticket",
                "attributes": {
                    "id": 6,
                    "quantity": 2,
                    "time": kasse.local(day, "10:30"),
                    "sub_ticket_times": {
                        "61": kasse.local(day, "10:30"),
                        "62": kasse.local(day, "12:00"),
                    },
                },
            }
        ],
        "total": 3800,
    }
    r = await kasse.client.post("/api/v4/orders", json=body, headers=kasse.auth())
    assert r.status_code == 200, r.text
    assert (await capacity(kasse, 6, day))[kasse.local(day, "10:30")] == 98
    assert (await capacity(kasse, 61, day))[kasse.local(day, "10:30")] == 48
    assert (await capacity(kasse, 62, day))[kasse.local(day, "12:00")] == 38
    assert (await capacity(kasse, 11, day))[kasse.local(day, "12:00")] == 38
    assert (await capacity(kasse, 62, day))[kasse.local(day, "10:30")] == 40


async def test_the_date_defaults_to_today(kasse):
    today = kasse.clock.now().astimezone(kasse.instance.tz).date()
    r = await kasse.client.get("/api/v4/tickets/1/capacity")
    assert r.status_code == 200, r.text
    assert r.json()["data"] == await capacity(kasse, 1, today)


async def test_anyone_may_ask_and_every_caller_sees_the_same(kasse, day):
    public = await capacity(kasse, 3, day)
    for who in ("reseller", "cashpoint", "user", "customer"):
        assert await capacity(kasse, 3, day, **kasse.auth(who)) == public


async def test_an_unknown_ticket_is_404(kasse, day):
    for ticket_id in (999, 0, 2**40):
        r = await kasse.client.get(
            f"/api/v4/tickets/{ticket_id}/capacity", params={"date": str(day)}
        )
        assert r.status_code == 404, r.text
        assert "error" in r.json()


async def test_a_ticket_of_another_museum_is_404_for_a_restricted_token(kasse, day):
    token = await kasse.new_token("reseller", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    r = await kasse.client.get(
        "/api/v4/tickets/3/capacity", params={"date": str(day)}, headers=headers
    )
    assert r.status_code == 404, r.text
    assert await capacity(kasse, 11, day, **headers) != {}


async def test_a_garbage_date_is_422(kasse):
    for value in ("garbage", "2026-13-01", "2026-02-30", "", "1700000000000"):
        r = await kasse.client.get("/api/v4/tickets/3/capacity", params={"date": value})
        assert r.status_code == 422, (value, r.text)
        assert "error" in r.json()


async def test_absurd_dates_are_422_and_a_long_gone_day_is_empty(kasse):
    for value in ("0001-01-01", "9999-12-31"):
        r = await kasse.client.get("/api/v4/tickets/3/capacity", params={"date": value})
        assert r.status_code == 422, (value, r.text)
        assert "error" in r.json()
    assert await capacity(kasse, 3, "1970-01-07") == {}
