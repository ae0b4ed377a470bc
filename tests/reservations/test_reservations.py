"""POST/PUT/DELETE /api/v4/tickets/reservations: five-minute holds, refreshable up to an hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

RESERVATIONS = "/api/v4/tickets/reservations"

TINY = {
    "museums": [
        {
            "id": 50,
            "title": "Kleines Haus",
            "opening_hours": dict.fromkeys(
                ["tue", "wed", "thu", "fri", "sat", "sun"], "09:00-17:00"
            ),
        }
    ],
    "quotas": [{"id": 50, "title": "winzig", "capacity": 3}],
    "tickets": [
        {
            "id": 500,
            "title": "Zeitfenster klein",
            "ticket_type": "time_slot",
            "entry_duration": 60,
            "first_entry": "09:00",
            "last_entry": "16:00",
            "price_cents": 300,
            "museum_ids": [50],
            "quota_ids": [50],
        }
    ],
}


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def reserve(
    kasse: Any, ticket_id: int, quantity: int, start_at: str, who: str = "reseller"
) -> Any:
    return await kasse.client.post(
        RESERVATIONS,
        json={"reservation": {"ticket_id": ticket_id, "quantity": quantity, "start_at": start_at}},
        headers=kasse.auth(who),
    )


async def reserved(kasse: Any, ticket_id: int, quantity: int, start_at: str, **kw: Any) -> Any:
    r = await reserve(kasse, ticket_id, quantity, start_at, **kw)
    assert r.status_code == 200, r.text
    return r.json()["reservation"]


async def update(kasse: Any, token: str, quantity: int, who: str = "reseller") -> Any:
    return await kasse.client.put(
        f"{RESERVATIONS}/{token}",
        json={"reservation": {"quantity": quantity}},
        headers=kasse.auth(who),
    )


async def left(kasse: Any, ticket_id: int, start_at: str) -> int:
    """Places left at ``start_at`` (0 when the capacity map leaves the slot out)."""
    r = await kasse.client.get(
        f"/api/v4/tickets/{ticket_id}/capacity", params={"date": start_at[:10]}
    )
    assert r.status_code == 200, r.text
    return int(r.json()["data"].get(start_at, 0))


async def test_a_reservation_holds_places_for_five_minutes(kasse, day):
    ten = kasse.local(day, "10:00")
    r = await reserve(kasse, 3, 4, ten)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"reservation"}
    reservation = body["reservation"]
    assert set(reservation) == {"token", "quantity", "ticket_id", "start_at", "valid_until"}
    assert reservation["quantity"] == 4
    assert reservation["ticket_id"] == 3
    assert reservation["start_at"] == ten
    assert len(reservation["token"]) >= 18
    assert at(reservation["valid_until"]) == kasse.clock.now() + timedelta(minutes=5)
    # In the instance's offset like every timestamp.
    expires = kasse.clock.now() + timedelta(minutes=5)
    assert reservation["valid_until"] == expires.astimezone(kasse.instance.tz).isoformat()
    # Every ticket on the quota sees the hold; other slots do not.
    for ticket_id in (3, 4, 5, 61):
        # ticket 5 also draws from quota 2 (30 places), which the hold does not touch
        assert await left(kasse, ticket_id, ten) == (30 if ticket_id == 5 else 46)
    assert await left(kasse, 3, kasse.local(day, "10:30")) == 50


async def test_every_reservation_has_its_own_token(kasse, day):
    tokens = {(await reserved(kasse, 3, 1, kasse.local(day, "10:00")))["token"] for _ in range(5)}
    assert len(tokens) == 5
    assert await left(kasse, 3, kasse.local(day, "10:00")) == 45


async def test_a_day_ticket_reservation_uses_the_days_slot(kasse, day):
    reservation = await reserved(kasse, 1, 2, kasse.local(day, "14:15"))
    assert reservation["start_at"] == kasse.local(day, "10:00")
    assert await left(kasse, 1, kasse.local(day, "10:00")) == 498


async def test_put_changes_the_quantity_and_refreshes(kasse, day):
    ten = kasse.local(day, "10:00")
    reservation = await reserved(kasse, 3, 2, ten)
    kasse.clock.advance(timedelta(minutes=4))
    r = await update(kasse, reservation["token"], 5)
    assert r.status_code == 200, r.text
    changed = r.json()["reservation"]
    assert changed["token"] == reservation["token"]
    assert changed["quantity"] == 5
    assert changed["start_at"] == ten
    assert at(changed["valid_until"]) == kasse.clock.now() + timedelta(minutes=5)
    assert at(changed["valid_until"]) > at(reservation["valid_until"])
    assert await left(kasse, 3, ten) == 45
    # Less is fine too, and gives the places back.
    r = await update(kasse, reservation["token"], 1)
    assert r.status_code == 200, r.text
    assert await left(kasse, 3, ten) == 49
    # Past the original five minutes the refreshed reservation still holds.
    kasse.clock.advance(timedelta(minutes=3))
    assert await left(kasse, 3, ten) == 49


async def test_put_with_the_same_quantity_only_refreshes(kasse, day):
    ten = kasse.local(day, "10:00")
    reservation = await reserved(kasse, 3, 3, ten)
    kasse.clock.advance(timedelta(minutes=4, seconds=30))
    r = await update(kasse, reservation["token"], 3)
    assert r.status_code == 200, r.text
    assert at(r.json()["reservation"]["valid_until"]) == kasse.clock.now() + timedelta(minutes=5)
    kasse.clock.advance(timedelta(minutes=4))
    assert await left(kasse, 3, ten) == 47


async def test_refreshing_never_goes_beyond_an_hour_after_creation(kasse, day):
    ten = kasse.local(day, "10:00")
    created = kasse.clock.now()
    reservation = await reserved(kasse, 3, 2, ten)
    for _ in range(13):  # 52 minutes of refreshing every four minutes
        kasse.clock.advance(timedelta(minutes=4))
        r = await update(kasse, reservation["token"], 2)
        assert r.status_code == 200, r.text
        assert at(r.json()["reservation"]["valid_until"]) == kasse.clock.now() + timedelta(
            minutes=5
        )
    for minutes in (4, 3):  # at 56 and at 59 minutes: capped at the hour
        kasse.clock.advance(timedelta(minutes=minutes))
        r = await update(kasse, reservation["token"], 2)
        assert r.status_code == 200, r.text
        assert at(r.json()["reservation"]["valid_until"]) == created + timedelta(minutes=60)
    assert await left(kasse, 3, ten) == 48
    kasse.clock.advance(timedelta(minutes=1, seconds=1))  # past the hour
    assert await left(kasse, 3, ten) == 50
    r = await update(kasse, reservation["token"], 2)
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    assert await left(kasse, 3, ten) == 50


async def test_an_expired_reservation_frees_its_places_without_a_sweeper(kasse, day):
    ten = kasse.local(day, "10:00")
    reservation = await reserved(kasse, 5, 10, ten)
    assert await left(kasse, 5, ten) == 20
    kasse.clock.advance(timedelta(minutes=4, seconds=59))
    assert await left(kasse, 5, ten) == 20
    kasse.clock.advance(timedelta(minutes=1, seconds=1))
    assert await left(kasse, 5, ten) == 30
    assert await left(kasse, 3, ten) == 50
    r = await update(kasse, reservation["token"], 10)
    assert r.status_code == 422, r.text
    assert "expired" in r.json()["error"]
    assert await left(kasse, 5, ten) == 30
    # The freed places can be taken by someone else at once.
    await reserved(kasse, 5, 10, ten, who="cashpoint")
    assert await left(kasse, 5, ten) == 20


async def test_delete_frees_the_places(kasse, day):
    ten = kasse.local(day, "10:00")
    reservation = await reserved(kasse, 9, 5, kasse.local(day, "11:00"))
    other = await reserved(kasse, 3, 3, ten)
    assert await left(kasse, 9, kasse.local(day, "11:00")) == 15
    r = await kasse.client.delete(f"{RESERVATIONS}/{reservation['token']}", headers=kasse.auth())
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert await left(kasse, 9, kasse.local(day, "11:00")) == 20
    assert await left(kasse, 3, ten) == 47  # the other reservation still holds
    # Gone: a second delete or an update finds nothing.
    r = await kasse.client.delete(f"{RESERVATIONS}/{reservation['token']}", headers=kasse.auth())
    assert r.status_code == 404, r.text
    assert "error" in r.json()
    r = await update(kasse, reservation["token"], 1)
    assert r.status_code == 404, r.text
    assert other["token"] != reservation["token"]


async def test_another_callers_reservation_is_not_found(kasse, day):
    ten = kasse.local(day, "10:00")
    reservation = await reserved(kasse, 3, 2, ten)
    other_reseller = await kasse.new_token("reseller")
    for headers in (
        kasse.auth("cashpoint"),
        kasse.auth("user"),
        {"Authorization": f"Bearer {other_reseller}"},
    ):
        r = await kasse.client.put(
            f"{RESERVATIONS}/{reservation['token']}",
            json={"reservation": {"quantity": 5}},
            headers=headers,
        )
        assert r.status_code == 404, r.text
        assert "error" in r.json()
        r = await kasse.client.delete(f"{RESERVATIONS}/{reservation['token']}", headers=headers)
        assert r.status_code == 404, r.text
        assert "error" in r.json()
    assert await left(kasse, 3, ten) == 48
    r = await update(kasse, reservation["token"], 2)
    assert r.status_code == 200, r.text


async def test_unknown_tokens_are_404(kasse):
    for token in ("nope", "x" * 64, "1"):
        r = await update(kasse, token, 1)
        assert r.status_code == 404, r.text
        r = await kasse.client.delete(f"{RESERVATIONS}/{token}", headers=kasse.auth())
        assert r.status_code == 404, r.text
        assert "error" in r.json()


async def test_combined_and_sub_tickets_cannot_be_reserved(kasse, day):
    ten = kasse.local(day, "10:00")
    for ticket_id in (6, 61, 62):
        r = await reserve(kasse, ticket_id, 1, ten)
        assert r.status_code == 422, r.text
        assert "error" in r.json()
    assert await left(kasse, 6, ten) == 100
    assert await left(kasse, 61, ten) == 50
    assert await left(kasse, 62, ten) == 40


@pytest.mark.parametrize(
    ("ticket_id", "quantity", "when"),
    [
        (3, 1, "10:15"),  # not a slot start
        (3, 1, "09:30"),  # before the first slot
        (3, 1, "17:30"),  # after the last slot
        (9, 1, "11:30"),  # hourly slots only
        (3, 11, "10:00"),  # more than max_persons
        (10, 9, "10:00"),  # fewer than min_persons
        (7, 1, "10:00"),  # a flex ticket has no date to hold
        (8, 1, "10:00"),  # an annual pass is not a slot ticket
        (999, 1, "10:00"),  # no such ticket
    ],
)
async def test_what_cannot_be_reserved_is_422(kasse, day, ticket_id, quantity, when):
    r = await reserve(kasse, ticket_id, quantity, kasse.local(day, when))
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    assert await left(kasse, 3, kasse.local(day, "10:00")) == 50


async def test_a_closed_or_past_day_cannot_be_reserved(kasse, day):
    monday = day + timedelta(days=5)
    for start in (
        kasse.local(monday, "10:00"),
        kasse.local(day - timedelta(days=14), "10:00"),
    ):
        for ticket_id in (1, 3):
            r = await reserve(kasse, ticket_id, 1, start)
            assert r.status_code == 422, r.text
            assert "error" in r.json()
    kasse.clock.set(at(kasse.local(day, "11:00")))
    r = await reserve(kasse, 3, 1, kasse.local(day, "10:00"))
    assert r.status_code == 422, r.text


async def test_more_than_is_left_is_422_and_nothing_is_held(kasse, day):
    await kasse.load(TINY)
    nine = kasse.local(day, "09:00")
    first = await reserved(kasse, 500, 2, nine)
    r = await reserve(kasse, 500, 2, nine, who="cashpoint")
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    assert await left(kasse, 500, nine) == 1
    # The same caller cannot grow past the room either; the old quantity stays held.
    r = await update(kasse, first["token"], 4)
    assert r.status_code == 422, r.text
    assert await left(kasse, 500, nine) == 1
    r = await update(kasse, first["token"], 3)  # its own places count as free for itself
    assert r.status_code == 200, r.text
    assert await left(kasse, 500, nine) == 0
    r = await reserve(kasse, 500, 1, nine, who="user")
    assert r.status_code == 422, r.text


async def test_a_reservation_blocks_an_order_of_someone_else(kasse, day):
    await kasse.load(TINY)
    nine = kasse.local(day, "09:00")
    await reserved(kasse, 500, 3, nine)
    order = {
        "items": [{"type": "Ticket", "attributes": {"id": 500, "quantity": 1, "time": nine}}],
        "total": 300,
    }
    r = await kasse.client.post("/api/v4/orders", json=order, headers=kasse.auth("cashpoint"))
    assert r.status_code == 422, r.text
    kasse.clock.advance(timedelta(minutes=5))
    r = await kasse.client.post("/api/v4/orders", json=order, headers=kasse.auth("cashpoint"))
    assert r.status_code == 200, r.text
    assert await left(kasse, 500, nine) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"reservation": {"ticket_id": 3, "quantity": 0}},
        {"reservation": {"ticket_id": 3, "quantity": -1}},
        {"reservation": {"ticket_id": 3, "quantity": 10**9}},
        {"reservation": {"ticket_id": "three", "quantity": 1}},
        {"reservation": {"ticket_id": 2**40, "quantity": 1}},
        {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": "soon"}},
        {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": "0001-01-01T00:00:00"}},
        {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": "9999-12-31T23:00:00-12:00"}},
        {"reservation": {"ticket_id": 3}},
        {"ticket_id": 3, "quantity": 1},
        [],
    ],
)
async def test_malformed_requests_are_422(kasse, day, body):
    if isinstance(body, dict) and "reservation" in body:
        body["reservation"].setdefault("start_at", kasse.local(day, "10:00"))
    r = await kasse.client.post(RESERVATIONS, json=body, headers=kasse.auth())
    assert r.status_code == 422, r.text
    assert "error" in r.json()
    assert await left(kasse, 3, kasse.local(day, "10:00")) == 50


async def test_malformed_json_is_400(kasse, day):
    r = await kasse.client.post(
        RESERVATIONS,
        content=b'{"reservation": {',
        headers={**kasse.auth(), "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert "error" in r.json()
    reservation = await reserved(kasse, 3, 1, kasse.local(day, "10:00"))
    for body in ({"reservation": {"quantity": 0}}, {"reservation": {}}, {"quantity": 2}):
        r = await kasse.client.put(
            f"{RESERVATIONS}/{reservation['token']}", json=body, headers=kasse.auth()
        )
        assert r.status_code == 422, r.text
        assert "error" in r.json()


async def test_who_may_reserve(kasse, day):
    ten = kasse.local(day, "10:00")
    body = {"reservation": {"ticket_id": 3, "quantity": 1, "start_at": ten}}
    r = await kasse.client.post(RESERVATIONS, json=body)
    assert r.status_code == 401, r.text
    assert "error" in r.json()
    r = await kasse.client.post(RESERVATIONS, json=body, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401, r.text
    r = await kasse.client.post(RESERVATIONS, json=body, headers={"Authorization": "Basic abc"})
    assert r.status_code == 401, r.text
    r = await kasse.client.post(RESERVATIONS, json=body, headers=kasse.auth("customer"))
    assert r.status_code == 403, r.text
    assert "error" in r.json()
    assert await left(kasse, 3, ten) == 50
    for who in ("reseller", "cashpoint", "user"):
        await reserved(kasse, 3, 1, ten, who=who)
    assert await left(kasse, 3, ten) == 47


async def test_who_may_change_or_delete(kasse, day):
    token = (await reserved(kasse, 3, 1, kasse.local(day, "10:00")))["token"]
    for headers, status in (
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        (kasse.auth("customer"), 403),
    ):
        r = await kasse.client.put(
            f"{RESERVATIONS}/{token}", json={"reservation": {"quantity": 2}}, headers=headers
        )
        assert r.status_code == status, r.text
        r = await kasse.client.delete(f"{RESERVATIONS}/{token}", headers=headers)
        assert r.status_code == status, r.text
    assert await left(kasse, 3, kasse.local(day, "10:00")) == 49


async def test_reseller_only_ticket_needs_a_reseller_or_the_box_office(kasse, day):
    ten = kasse.local(day, "10:00")
    for who in ("reseller", "cashpoint", "user"):
        await reserved(kasse, 10, 10, ten, who=who)
    assert await left(kasse, 1, ten) == 470


async def test_a_token_limited_to_another_museum_cannot_reserve(kasse, day):
    token = await kasse.new_token("reseller", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    ten = kasse.local(day, "10:00")
    r = await kasse.client.post(
        RESERVATIONS,
        json={"reservation": {"ticket_id": 3, "quantity": 1, "start_at": ten}},
        headers=headers,
    )
    assert r.status_code == 422, r.text
    r = await kasse.client.post(
        RESERVATIONS,
        json={"reservation": {"ticket_id": 11, "quantity": 1, "start_at": ten}},
        headers=headers,
    )
    assert r.status_code == 200, r.text
