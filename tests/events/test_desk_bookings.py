"""GET /events/:event_id/dates/:date_id/bookings: the cash desk's list of a date's bookings, in the
shape of the cash point reference, for user and cash point tokens."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Kasse
from tests.documents.test_routes import finalize
from tests.events.booking import (
    A1,
    A2,
    B1,
    CIRCLE,
    CONCERT,
    CONCERT_DATE,
    GROUP,
    LECTURE,
    LECTURE_DATE,
    REDUCED,
    REGULAR,
    SMALL_HALL_DATE,
    STALLS,
    WORKSHOP,
    WORKSHOP_DATE,
    book,
    event_items,
    load_events,
    order,
    quantities,
    quantity,
    seats,
)

ORDERS = "/api/v4/orders"
CUSTOMER = {
    "name": "Bruce",
    "surname": "Wayne",
    "email": "bruce@example.org",
    "salutation_id": 1,
    "addr_institution": "Wayne Industries",
}


@pytest.fixture
async def events(kasse: Kasse) -> date:
    return await load_events(kasse)


def bookings_url(event_id: int, date_id: int) -> str:
    return f"/api/v4/events/{event_id}/dates/{date_id}/bookings"


async def bookings_of(
    kasse: Kasse, event_id: int, date_id: int, who: str = "cashpoint", **params: Any
) -> dict[str, Any]:
    r = await kasse.client.get(
        bookings_url(event_id, date_id), params=params, headers=kasse.auth(who)
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def finalized_with_customer(
    kasse: Kasse, items: list[dict[str, Any]], total: int, comment: str
) -> dict[str, Any]:
    created = await order(kasse, items, total, who="two-phase", comment=comment)
    assert created.status_code == 200, created.text
    r = await finalize(kasse, created.json()["order"], customer=CUSTOMER)
    assert r.status_code == 200, r.text
    done: dict[str, Any] = r.json()["order"]
    return done


async def test_a_dates_bookings_as_the_cash_point_reference_shows_them(
    kasse: Kasse, events: date
) -> None:
    plain = await book(kasse, [quantity(LECTURE_DATE, 2)], 1600)
    known = await finalized_with_customer(
        kasse, [quantity(LECTURE_DATE, 2)], 1600, comment="Hinweis für die Kasse"
    )
    await book(kasse, [quantity(LECTURE_DATE, 1), quantities(WORKSHOP_DATE, {REGULAR: 1})], 3300)
    [first], [second] = event_items(plain), event_items(known)

    body = await bookings_of(kasse, LECTURE, LECTURE_DATE)
    created = {o["id"]: o["created_at"] for o in (plain, known)}
    assert body["meta"] == {"total_count": 3, "page": 1, "per_page": 25}
    assert body["bookings"][:2] == [
        {
            "id": first["id"],
            "comment": None,
            "customer": {"name": None, "category": None, "insitution": None},
            "status": 20,
            "seats": 2,
            "created_at": created[plain["id"]],
            "canceled_at": None,
            "prices": [
                {"title": "Vortrag", "quantity": 2, "price_cents": 800, "total_price_cents": 1600}
            ],
        },
        {
            "id": second["id"],
            "comment": "Hinweis für die Kasse",
            "customer": {
                "name": "Herr Bruce Wayne",
                "category": None,
                "insitution": "Wayne Industries",
            },
            "status": 20,
            "seats": 2,
            "created_at": created[known["id"]],
            "canceled_at": None,
            "prices": [
                {"title": "Vortrag", "quantity": 2, "price_cents": 800, "total_price_cents": 1600}
            ],
        },
    ]
    assert [b["seats"] for b in body["bookings"]] == [2, 2, 1]  # the workshop's is not here


async def test_scale_prices_group_prices_and_seats_are_price_lines(
    kasse: Kasse, events: date
) -> None:
    await book(kasse, [quantities(WORKSHOP_DATE, {REGULAR: 1, REDUCED: 1})], 4000)
    await book(kasse, [quantities(WORKSHOP_DATE, {GROUP: 4})], 12000)
    await book(kasse, [seats(CONCERT_DATE, (A1, STALLS), (A2, STALLS), (B1, CIRCLE))], 8000)
    workshop = await bookings_of(kasse, WORKSHOP, WORKSHOP_DATE, who="user")
    assert [(b["seats"], b["prices"]) for b in workshop["bookings"]] == [
        (
            2,
            [
                {"title": "Regulär", "quantity": 1, "price_cents": 2500, "total_price_cents": 2500},
                {
                    "title": "Ermäßigt",
                    "quantity": 1,
                    "price_cents": 1500,
                    "total_price_cents": 1500,
                },
            ],
        ),
        (
            4,
            [{"title": "Gruppe", "quantity": 1, "price_cents": 12000, "total_price_cents": 12000}],
        ),
    ]
    concert = await bookings_of(kasse, CONCERT, CONCERT_DATE)
    [booking] = concert["bookings"]
    assert booking["seats"] == 3
    assert booking["prices"] == [
        {"title": "Parkett", "quantity": 2, "price_cents": 3000, "total_price_cents": 6000},
        {"title": "Rang", "quantity": 1, "price_cents": 2000, "total_price_cents": 2000},
    ]
    assert (await bookings_of(kasse, CONCERT, SMALL_HALL_DATE))["bookings"] == []


async def test_cancelled_bookings_are_listed_as_cancelled_and_holds_are_not_bookings(
    kasse: Kasse, events: date
) -> None:
    item_cancelled = await book(kasse, [quantity(LECTURE_DATE, 1), quantity(LECTURE_DATE, 1)], 1600)
    order_cancelled = await book(kasse, [quantity(LECTURE_DATE, 1)], 800)
    held = await order(kasse, [quantity(LECTURE_DATE, 1)], 800, who="two-phase")
    assert held.status_code == 200 and held.json()["order"]["status"] == "created"
    cancel_item = {"order_item_ids": [item_cancelled["items"][0]["id"]]}
    for order_id, body in ((item_cancelled["id"], cancel_item), (order_cancelled["id"], None)):
        r = await kasse.client.post(
            f"{ORDERS}/{order_id}/cancellations", json=body, headers=kasse.auth("reseller")
        )
        assert r.status_code == 200, r.text
    now = kasse.clock.now().astimezone(kasse.instance.tz).isoformat()

    listed = (await bookings_of(kasse, LECTURE, LECTURE_DATE))["bookings"]
    assert [(b["status"], b["canceled_at"]) for b in listed] == [
        (60, now),  # the cancelled item
        (20, None),  # its order's other item
        (60, now),  # the cancelled order's
    ]
    assert [b["id"] for b in listed] == [
        *(b["id"] for b in event_items(item_cancelled)),
        *(b["id"] for b in event_items(order_cancelled)),
    ]


async def test_the_list_is_paginated(kasse: Kasse, events: date) -> None:
    booked = [await book(kasse, [quantity(LECTURE_DATE, 1)], 800) for _ in range(3)]
    ids = [event_items(o)[0]["id"] for o in booked]
    page = await bookings_of(kasse, LECTURE, LECTURE_DATE, page=2, per_page=2)
    assert page["meta"] == {"total_count": 3, "page": 2, "per_page": 2}
    assert [b["id"] for b in page["bookings"]] == ids[2:]
    assert (await bookings_of(kasse, LECTURE, LECTURE_DATE, page=3, per_page=2))["bookings"] == []


async def test_only_user_and_cash_point_tokens_see_bookings(kasse: Kasse, events: date) -> None:
    await book(kasse, [quantity(LECTURE_DATE, 1)], 800)
    url = bookings_url(LECTURE, LECTURE_DATE)
    r = await kasse.client.get(url)
    assert r.status_code == 401, r.text
    assert r.json()["error"].startswith("authentication required")
    for who, access in (
        ("reseller", "reseller"),
        ("two-phase", "reseller"),
        ("customer", "customer"),
    ):
        r = await kasse.client.get(url, headers=kasse.auth(who))
        assert r.status_code == 403, r.text
        assert r.json() == {"error": f"a {access} token may not do this"}


async def test_a_museum_limited_token_sees_its_museums_dates_only(
    kasse: Kasse, events: date
) -> None:
    await book(kasse, [quantity(LECTURE_DATE, 1)], 800)
    own = {"Authorization": f"Bearer {await kasse.new_token('cashpoint', [60])}"}
    other = {"Authorization": f"Bearer {await kasse.new_token('user', [1])}"}
    url = bookings_url(LECTURE, LECTURE_DATE)
    r = await kasse.client.get(url, headers=own)
    assert r.status_code == 200 and len(r.json()["bookings"]) == 1, r.text
    r = await kasse.client.get(url, headers=other)
    assert r.status_code == 404, r.text
    assert r.json() == {"error": f"date {LECTURE_DATE} of event {LECTURE} not found"}


@pytest.mark.parametrize(
    ("event_id", "date_id"),
    [(LECTURE, 999), (WORKSHOP, LECTURE_DATE), (999, LECTURE_DATE)],
)
async def test_an_unknown_date_or_a_date_of_another_event_is_404(
    kasse: Kasse, events: date, event_id: int, date_id: int
) -> None:
    r = await kasse.client.get(bookings_url(event_id, date_id), headers=kasse.auth("cashpoint"))
    assert r.status_code == 404, r.text
    assert r.json() == {"error": f"date {date_id} of event {event_id} not found"}
