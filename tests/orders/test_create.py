"""POST /api/v4/orders with Ticket items: the rules, the shape, all places or none."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

ORDERS = "/api/v4/orders"
RESERVATIONS = "/api/v4/tickets/reservations"
PRICES = {1: 1200, 2: 600, 3: 1400, 4: 700, 5: 1800, 6: 1900, 7: 1500, 9: 2400, 10: 1000, 11: 1000}
PRICES |= {500: 300, 502: 800}

BERLIN_HOURS = dict.fromkeys(["tue", "wed", "fri", "sat", "sun"], "10:00-18:00") | {
    "thu": "10:00-20:00"
}
ORDER_FIELDS = {
    "id",
    "token",
    "is_valid",
    "total_price_cents",
    "comment",
    "reference",
    "rating",
    "invoice",
    "created_at",
    "source",
    "items",
    "payment_status",
    "billing_address_id",
    # kasse's additions for the order lifecycle (clients ignore keys they do not know)
    "status",
    "expires_at",
    "customer_id",
    "pay_by_link",
    "paid",
    # coupons that pay the order (issue #4)
    "coupons",
    "coupon_cents",
    "amount_due_cents",
    # annual passes: the personalization flow (issue #4)
    "personalization_token",
}
LOCATION_FIELDS = {"name", "city", "country", "street", "zip", "latitude", "longitude"}

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
        },
        {
            "id": 502,
            "title": "Nur an der Kasse",
            "ticket_type": "normal",
            "price_cents": 800,
            "museum_ids": [50],
            "bookable": True,
            "bookable_reseller": False,
        },
    ],
}


def item(ticket_id: int, quantity: int, time: str | None = None, **attributes: Any) -> dict:
    attrs: dict[str, Any] = {"id": ticket_id, "quantity": quantity, **attributes}
    if time is not None:
        attrs["time"] = time
    return {"type": "Ticket", "attributes": attrs}


def total_of(*items: dict) -> int:
    return sum(PRICES.get(i["attributes"]["id"], 0) * i["attributes"]["quantity"] for i in items)


async def post(kasse: Any, *items: dict, who: str = "reseller", **extra: Any) -> Any:
    body = {"items": list(items), "total": total_of(*items), **extra}
    return await kasse.client.post(ORDERS, json=body, headers=kasse.auth(who))


async def ordered(kasse: Any, *items: dict, who: str = "reseller", **extra: Any) -> dict:
    r = await post(kasse, *items, who=who, **extra)
    assert r.status_code == 200, r.text
    return r.json()["order"]


async def refused(kasse: Any, *items: dict, who: str = "reseller", **extra: Any) -> dict:
    """The order is refused with 422, lists its problems and nothing was written."""
    before = await snapshot(kasse, items)
    r = await post(kasse, *items, who=who, **extra)
    assert r.status_code == 422, r.text
    body = r.json()
    assert isinstance(body["error"], str)
    assert await snapshot(kasse, items) == before
    return body


async def orders_count(kasse: Any) -> int:
    r = await kasse.client.get(ORDERS, headers=kasse.auth("user"))
    assert r.status_code == 200, r.text
    return int(r.json()["meta"]["total_count"])


async def snapshot(kasse: Any, items: tuple[dict, ...] = ()) -> tuple[int, Any]:
    """The number of orders and the capacities of every day an item touches."""
    days = {
        str(v)[:10]
        for i in items
        for v in [
            i["attributes"].get("time"),
            *i["attributes"].get("sub_ticket_times", {}).values(),
        ]
        if isinstance(v, str)
    }
    caps = {}
    for d in sorted(days):
        r = await kasse.client.get(
            "/api/v4/tickets/capacities?ticket_ids[]=1&ticket_ids[]=5&ticket_ids[]=6"
            f"&ticket_ids[]=9&ticket_ids[]=11&ticket_ids[]=61&date={d}"
        )
        if r.status_code == 200:
            caps[d] = r.json()
    return await orders_count(kasse), caps


async def left(kasse: Any, ticket_id: int, start_at: str) -> int:
    r = await kasse.client.get(
        f"/api/v4/tickets/{ticket_id}/capacity", params={"date": start_at[:10]}
    )
    assert r.status_code == 200, r.text
    return int(r.json()["data"].get(start_at, 0))


async def reserve(kasse: Any, ticket_id: int, quantity: int, start_at: str, who: str = "reseller"):
    r = await kasse.client.post(
        RESERVATIONS,
        json={"reservation": {"ticket_id": ticket_id, "quantity": quantity, "start_at": start_at}},
        headers=kasse.auth(who),
    )
    assert r.status_code == 200, r.text
    return r.json()["reservation"]["token"]


def combined(kasse: Any, day: Any, quantity: int = 1, main: str = "10:00", **subs: str) -> dict:
    times = {"61": "10:00", "62": "11:30"} | {k.removeprefix("t"): v for k, v in subs.items()}
    return item(
        6,
        quantity,
        kasse.local(day, main),
        sub_ticket_times={k: kasse.local(day, v) for k, v in times.items() if v},
    )


# --- the shape of a created order -------------------------------------------------------------


async def test_the_order_has_the_go_mus_shape(kasse, day):
    ten = kasse.local(day, "10:00")
    r = await post(
        kasse,
        item(3, 2, ten),
        item(1, 1, kasse.local(day, "15:00")),
        comment="Bitte schnell",
        reference="Reisebüro 42",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"order"}
    order = body["order"]
    assert set(order) == ORDER_FIELDS
    assert isinstance(order["id"], int)
    assert isinstance(order["token"], str) and len(order["token"]) >= 18
    assert order["is_valid"] is True
    assert order["total_price_cents"] == 2 * 1400 + 1200
    assert order["comment"] == "Bitte schnell"
    assert order["reference"] == "Reisebüro 42"
    assert order["rating"] is None
    assert order["invoice"] is False
    assert order["source"] == "resellershop"
    assert order["billing_address_id"] is None
    assert "payment_status" in order
    now = kasse.clock.now().astimezone(kasse.instance.tz)
    assert order["created_at"] == now.isoformat()

    slot_item, day_item = order["items"]
    assert sum(i["price_cents"] for i in order["items"]) == order["total_price_cents"]
    assert slot_item["type"] == "Ticket"
    assert slot_item["price_cents"] == 2800
    assert slot_item["vat_pct"] == "7.0"
    assert slot_item["tax_included"] is True
    attrs = slot_item["attributes"]
    assert attrs["title"] == "Zeitfenster regulär"
    assert attrs["ticket_id"] == 3
    assert attrs["quantity"] == 2
    assert attrs["ticket_type"] == "time_slot"
    assert attrs["start_time"] == ten
    assert isinstance(attrs["id"], int)
    assert set(attrs["location"]) == LOCATION_FIELDS
    assert attrs["location"]["name"] == "Museum für Kunst und Geschichte"
    assert attrs["location"]["city"] == "Berlin"
    assert attrs["location"]["latitude"] == pytest.approx(52.5211)
    assert attrs["after_sale_information"] is None
    assert len(attrs["barcodes"]) == 2
    for code in attrs["barcodes"]:
        assert set(code) == {"id", "barcode", "method"}
        assert code["method"] == "ean"
        assert code["barcode"].isdigit() and len(code["barcode"]) == 13

    day_attrs = day_item["attributes"]
    assert day_item["price_cents"] == 1200
    assert day_attrs["ticket_type"] == "normal"
    assert day_attrs["start_time"] == kasse.local(day, "10:00")  # the day's slot
    assert day_attrs["after_sale_information"] == "Bitte halten Sie Ihr Ticket am Eingang bereit."
    assert len(day_attrs["barcodes"]) == 1
    every_code = [c["barcode"] for i in order["items"] for c in i["attributes"]["barcodes"]]
    assert len(set(every_code)) == 3


async def test_the_detail_shows_what_the_creation_answered(kasse, day):
    order = await ordered(
        kasse,
        item(
            9,
            2,
            kasse.local(day, "11:00"),
            attendees=[
                {"name": "Peter", "surname": "Pan"},
                {"name": "Capt'n", "surname": "Hook"},
            ],
        ),
    )
    for ref in (order["id"], order["token"]):
        r = await kasse.client.get(f"{ORDERS}/{ref}", headers=kasse.auth())
        assert r.status_code == 200, r.text
        assert r.json() == {"order": order}
    assert order["items"][0]["vat_pct"] == "19.0"
    assert order["items"][0]["attributes"]["attendees"] == [
        {"name": "Peter", "surname": "Pan"},
        {"name": "Capt'n", "surname": "Hook"},
    ]


async def test_titles_follow_the_locale(kasse, day):
    body = {"items": [item(3, 1, kasse.local(day, "10:00"))], "total": 1400}
    r = await kasse.client.post(f"{ORDERS}?locale=en", json=body, headers=kasse.auth())
    assert r.status_code == 200, r.text
    assert r.json()["order"]["items"][0]["attributes"]["title"] == "Time slot regular"


@pytest.mark.parametrize(("who", "source"), [("cashpoint", "cashpoint"), ("user", "api")])
async def test_every_selling_token_may_order(kasse, day, who, source):
    order = await ordered(kasse, item(4, 3, kasse.local(day, "12:00")), who=who)
    assert order["source"] == source
    assert order["total_price_cents"] == 2100


async def test_a_sale_takes_places_from_every_quota_of_the_ticket(kasse, day):
    ten = kasse.local(day, "10:00")
    await ordered(kasse, item(5, 7, ten))
    assert await left(kasse, 3, ten) == 43
    assert await left(kasse, 5, ten) == 23
    assert await left(kasse, 11, ten) == 40


# --- price ---------------------------------------------------------------------------------------


async def test_the_total_must_match_the_servers_price(kasse, day):
    items = [item(3, 2, kasse.local(day, "10:00")), item(2, 1, kasse.local(day, "10:00"))]
    for wrong in (0, 3399, 3401, 2800):
        r = await kasse.client.post(
            ORDERS, json={"items": items, "total": wrong}, headers=kasse.auth()
        )
        assert r.status_code == 422, r.text
        text = " ".join([r.json()["error"], *r.json().get("errors", [])])
        assert str(wrong) in text
        assert "3400" in text
    assert await orders_count(kasse) == 0
    assert await left(kasse, 3, kasse.local(day, "10:00")) == 50
    r = await kasse.client.post(ORDERS, json={"items": items, "total": 3400}, headers=kasse.auth())
    assert r.status_code == 200, r.text


# --- all or nothing ------------------------------------------------------------------------------


async def test_one_bad_item_spoils_the_whole_order(kasse, day):
    ten = kasse.local(day, "10:00")
    body = await refused(kasse, item(3, 2, ten), item(999, 1, ten))
    assert len(body["errors"]) == 1
    assert body["errors"][0].startswith("items[1]")
    assert await left(kasse, 3, ten) == 50
    r = await kasse.client.get(ORDERS, headers=kasse.auth())
    assert r.json()["orders"] == []


async def test_every_problem_is_reported_together(kasse, day):
    monday = day + timedelta(days=5)
    body = await refused(
        kasse,
        item(3, 11, kasse.local(day, "10:00")),  # too many persons
        item(1, 1, kasse.local(monday, "10:00")),  # closed day
        item(9, 2, kasse.local(day, "11:00")),  # attendees missing
        item(3, 1, kasse.local(day, "10:15")),  # not a slot
        item(4, 1, kasse.local(day, "10:00")),  # fine
        coupons=["GUTSCHEIN"],
    )
    errors = body["errors"]
    for index in range(4):
        assert any(e.startswith(f"items[{index}]") for e in errors), errors
    assert not any(e.startswith("items[4]") for e in errors), errors
    assert any("coupon" in e for e in errors), errors


async def test_a_sold_out_item_is_reported_with_the_other_problems(kasse, day):
    await kasse.load(TINY)
    nine = kasse.local(day, "09:00")
    await ordered(kasse, item(500, 3, nine))
    body = await refused(kasse, item(500, 1, nine), item(9, 2, kasse.local(day, "11:00")))
    errors = body["errors"]
    assert any(e.startswith("items[1]") for e in errors), errors
    assert any("quota 50" in e for e in errors), errors


async def test_sold_out_is_422_and_writes_nothing(kasse, day):
    await kasse.load(TINY)
    nine, ten = kasse.local(day, "09:00"), kasse.local(day, "10:00")
    await ordered(kasse, item(500, 2, nine))
    body = await refused(kasse, item(500, 1, ten), item(500, 2, nine))
    assert any("quota 50" in e for e in body["errors"]), body
    assert await left(kasse, 500, nine) == 1
    assert await left(kasse, 500, ten) == 3
    # Two items on the same slot count together.
    await refused(kasse, item(500, 1, nine), item(500, 1, nine))
    await ordered(kasse, item(500, 1, nine), item(500, 3, ten))
    assert await left(kasse, 500, nine) == 0
    assert await orders_count(kasse) == 2


async def test_quota_limits_hold_across_tickets_and_orders(kasse, day):
    ten = kasse.local(day, "10:00")
    await ordered(kasse, *[item(5, 10, ten)] * 3)
    await refused(kasse, item(5, 1, ten))
    # quota 1 still has 20 places for the tickets that do not need quota 2
    await ordered(kasse, item(3, 10, ten), item(4, 10, ten))
    await refused(kasse, item(3, 1, ten))
    assert await left(kasse, 3, ten) == 0


# --- reservations --------------------------------------------------------------------------------


async def test_an_order_redeems_its_reservation(kasse, day):
    ten = kasse.local(day, "10:00")
    token = await reserve(kasse, 3, 3, ten)
    assert await left(kasse, 3, ten) == 47
    await ordered(kasse, item(3, 3, ten, reservations=[token]))
    assert await left(kasse, 3, ten) == 47  # the held places became sold ones
    kasse.clock.advance(timedelta(minutes=10))
    assert await left(kasse, 3, ten) == 47
    # Consumed: it cannot be redeemed, changed or deleted again.
    body = await refused(kasse, item(3, 3, ten, reservations=[token]))
    assert any(token in e for e in body["errors"])
    r = await kasse.client.put(
        f"{RESERVATIONS}/{token}", json={"reservation": {"quantity": 1}}, headers=kasse.auth()
    )
    assert r.status_code == 404, r.text


async def test_a_reservation_for_more_places_is_consumed_whole(kasse, day):
    ten = kasse.local(day, "10:00")
    token = await reserve(kasse, 3, 4, ten)
    await ordered(kasse, item(3, 2, ten, reservations=[token]))
    assert await left(kasse, 3, ten) == 48


async def test_several_reservations_may_cover_one_item(kasse, day):
    ten = kasse.local(day, "10:00")
    tokens = [await reserve(kasse, 3, 2, ten), await reserve(kasse, 3, 3, ten)]
    await ordered(kasse, item(3, 5, ten, reservations=tokens))
    assert await left(kasse, 3, ten) == 45


async def test_a_refused_order_leaves_its_reservation_alone(kasse, day):
    ten = kasse.local(day, "10:00")
    token = await reserve(kasse, 3, 2, ten)
    await refused(kasse, item(3, 2, ten, reservations=[token]), item(999, 1, ten))
    assert await left(kasse, 3, ten) == 48
    r = await kasse.client.put(
        f"{RESERVATIONS}/{token}", json={"reservation": {"quantity": 2}}, headers=kasse.auth()
    )
    assert r.status_code == 200, r.text
    await ordered(kasse, item(3, 2, ten, reservations=[token]))
    assert await left(kasse, 3, ten) == 48


async def test_a_day_ticket_reservation_is_redeemed_at_any_time_of_its_day(kasse, day):
    token = await reserve(kasse, 1, 4, kasse.local(day, "12:00"))
    order = await ordered(kasse, item(1, 4, kasse.local(day, "16:00"), reservations=[token]))
    assert order["items"][0]["attributes"]["start_time"] == kasse.local(day, "10:00")
    assert await left(kasse, 1, kasse.local(day, "10:00")) == 496


async def test_the_reservations_must_cover_the_quantity(kasse, day):
    ten = kasse.local(day, "10:00")
    token = await reserve(kasse, 3, 2, ten)
    body = await refused(kasse, item(3, 3, ten, reservations=[token]))
    assert any("2 of 3" in e for e in body["errors"]), body
    assert await left(kasse, 3, ten) == 48  # still held


async def test_an_expired_reservation_cannot_be_redeemed(kasse, day):
    ten = kasse.local(day, "10:00")
    token = await reserve(kasse, 3, 2, ten)
    kasse.clock.advance(timedelta(minutes=5, seconds=1))
    body = await refused(kasse, item(3, 2, ten, reservations=[token]))
    assert any("expired" in e for e in body["errors"]), body


async def test_another_callers_reservation_cannot_be_redeemed(kasse, day):
    ten = kasse.local(day, "10:00")
    token = await reserve(kasse, 3, 2, ten, who="cashpoint")
    other = await kasse.new_token("reseller")
    for headers in (kasse.auth("reseller"), {"Authorization": f"Bearer {other}"}):
        r = await kasse.client.post(
            ORDERS,
            json={"items": [item(3, 2, ten, reservations=[token])], "total": 2800},
            headers=headers,
        )
        assert r.status_code == 422, r.text
        assert any(token in e for e in r.json()["errors"])
    assert await left(kasse, 3, ten) == 48
    assert await orders_count(kasse) == 0


async def test_a_reservation_for_another_slot_or_ticket_cannot_be_redeemed(kasse, day):
    ten, half_past = kasse.local(day, "10:00"), kasse.local(day, "10:30")
    token = await reserve(kasse, 3, 2, ten)
    await refused(kasse, item(3, 2, half_past, reservations=[token]))
    await refused(kasse, item(4, 2, ten, reservations=[token]))
    await refused(
        kasse, item(3, 2, kasse.local(day + timedelta(days=1), "10:00"), reservations=[token])
    )
    await refused(
        kasse, item(3, 1, ten, reservations=[token]), item(3, 1, ten, reservations=[token])
    )
    await refused(kasse, item(3, 2, ten, reservations=["no-such-token"]))
    await ordered(kasse, item(3, 2, ten, reservations=[token]))


async def test_reserved_last_places_go_to_the_one_who_reserved(kasse, day):
    await kasse.load(TINY)
    nine = kasse.local(day, "09:00")
    token = await reserve(kasse, 500, 3, nine)
    assert await left(kasse, 500, nine) == 0
    await refused(kasse, item(500, 1, nine), who="cashpoint")
    # Without redeeming it, the reseller's own hold counts against it too.
    await refused(kasse, item(500, 3, nine))
    order = await ordered(kasse, item(500, 3, nine, reservations=[token]))
    assert order["items"][0]["attributes"]["quantity"] == 3
    kasse.clock.advance(timedelta(minutes=6))
    assert await left(kasse, 500, nine) == 0
    await refused(kasse, item(500, 1, nine), who="cashpoint")


async def test_combined_tickets_cannot_redeem_reservations(kasse, day):
    token = await reserve(kasse, 3, 1, kasse.local(day, "10:00"))
    sale = combined(kasse, day)
    sale["attributes"]["reservations"] = [token]
    body = await refused(kasse, sale)
    assert any("reserv" in e for e in body["errors"]), body


# --- attendees -----------------------------------------------------------------------------------


async def test_attendees_are_required_where_the_ticket_says_so(kasse, day):
    eleven = kasse.local(day, "11:00")
    pan = {"name": "Peter", "surname": "Pan"}
    await refused(kasse, item(9, 2, eleven))
    await refused(kasse, item(9, 2, eleven, attendees=[]))
    await refused(kasse, item(9, 2, eleven, attendees=[pan]))
    await refused(kasse, item(9, 2, eleven, attendees=[pan, pan, pan]))
    await refused(kasse, item(9, 2, eleven, attendees=[pan, {"name": "", "surname": "Hook"}]))
    await refused(kasse, item(9, 2, eleven, attendees=[pan, {"name": "Capt'n", "surname": "  "}]))
    r = await post(kasse, item(9, 2, eleven, attendees=[pan, {"name": "Hook"}]))
    assert r.status_code == 422, r.text
    assert await orders_count(kasse) == 0
    order = await ordered(
        kasse, item(9, 2, eleven, attendees=[pan, {"name": "Capt'n", "surname": "Hook"}])
    )
    assert len(order["items"][0]["attributes"]["attendees"]) == 2
    assert await left(kasse, 9, eleven) == 18


async def test_attendees_given_where_optional_must_still_match_the_quantity(kasse, day):
    ten = kasse.local(day, "10:00")
    await refused(kasse, item(3, 2, ten, attendees=[{"name": "A", "surname": "B"}]))
    await ordered(kasse, item(3, 1, ten, attendees=[{"name": "A", "surname": "B"}]))
    await ordered(kasse, item(3, 1, ten))


# --- combined tickets ----------------------------------------------------------------------------


async def test_a_combined_ticket_with_its_sub_ticket_times(kasse, day):
    order = await ordered(kasse, combined(kasse, day, 2))
    sale = order["items"][0]
    assert sale["price_cents"] == 3800
    assert sale["attributes"]["ticket_id"] == 6
    assert sale["attributes"]["start_time"] == kasse.local(day, "10:00")
    assert len(sale["attributes"]["barcodes"]) == 2  # one per person, valid at every entry
    subs = {s["ticket_id"]: s["start_time"] for s in sale["attributes"]["sub_tickets"]}
    assert subs == {61: kasse.local(day, "10:00"), 62: kasse.local(day, "11:30")}
    assert await left(kasse, 61, kasse.local(day, "10:00")) == 48
    assert await left(kasse, 62, kasse.local(day, "11:30")) == 38
    assert await left(kasse, 6, kasse.local(day, "10:00")) == 98


async def test_the_panorama_may_come_first(kasse, day):
    await ordered(kasse, combined(kasse, day, main="10:00", t61="15:00", t62="10:00"))
    assert await left(kasse, 62, kasse.local(day, "10:00")) == 39
    assert await left(kasse, 61, kasse.local(day, "15:00")) == 49


@pytest.mark.parametrize(
    "subs",
    [
        {"t62": ""},  # a sub ticket without a time
        {"t61": "", "t62": ""},  # no sub ticket times at all
        {"t62": "11:00"},  # only 60 minutes apart
        {"t62": "11:29"},  # not a slot, and too close
        {"t62": "11:45"},  # not a slot of the panorama
        {"t62": "17:30"},  # after the last slot
        {"t61": "09:30"},  # before the first slot
        {"t99": "14:00"},  # not a sub ticket of ticket 6
        {"t3": "14:00"},  # a ticket, but not a sub ticket of ticket 6
    ],
)
async def test_sub_ticket_times_are_checked(kasse, day, subs):
    body = await refused(kasse, combined(kasse, day, **subs))
    assert all(e.startswith("items[0]") for e in body["errors"]), body


async def test_sub_ticket_times_on_another_day_are_refused(kasse, day):
    bad = combined(kasse, day)
    bad["attributes"]["sub_ticket_times"]["62"] = kasse.local(day + timedelta(days=1), "12:00")
    await refused(kasse, bad)


async def test_the_main_time_of_a_combined_ticket_is_a_slot_of_its_own(kasse, day):
    await refused(kasse, combined(kasse, day, main="16:30", t61="16:30", t62="10:00"))
    await refused(kasse, combined(kasse, day, main="10:10"))
    await refused(kasse, item(6, 1, kasse.local(day, "10:00")))  # no sub ticket times


async def test_exactly_the_minimum_gap_is_fine(kasse, day):
    await ordered(kasse, combined(kasse, day, t61="12:00", t62="13:30"))
    await ordered(kasse, combined(kasse, day, t61="13:30", t62="12:00"))


async def test_a_full_sub_ticket_slot_stops_the_combined_sale(kasse, day):
    ten = kasse.local(day, "10:00")
    await ordered(kasse, *[item(3, 10, ten)] * 5)
    body = await refused(kasse, combined(kasse, day))
    assert any("quota 1" in e for e in body["errors"]), body
    await ordered(kasse, combined(kasse, day, t61="13:00", t62="11:30"))


async def test_sub_ticket_times_on_a_plain_ticket_are_refused(kasse, day):
    await refused(
        kasse,
        item(3, 1, kasse.local(day, "10:00"), sub_ticket_times={"61": kasse.local(day, "10:00")}),
    )


async def test_sub_tickets_cannot_be_bought_directly(kasse, day):
    for sub in (61, 62):
        r = await kasse.client.post(
            ORDERS,
            json={"items": [item(sub, 1, kasse.local(day, "10:00"))], "total": 0},
            headers=kasse.auth(),
        )
        assert r.status_code == 422, r.text
        assert "sub ticket" in " ".join(r.json()["errors"])
    assert await orders_count(kasse) == 0


# --- who may buy what ----------------------------------------------------------------------------


async def test_the_reseller_ticket(kasse, day):
    ten = kasse.local(day, "10:00")
    await ordered(kasse, item(10, 10, ten))
    await ordered(kasse, item(10, 50, ten), who="cashpoint")
    r = await kasse.client.post(ORDERS, json={"items": [item(10, 10, ten)], "total": 10000})
    assert r.status_code == 401, r.text
    assert "error" in r.json()


async def test_a_ticket_not_cleared_for_resellers(kasse, day):
    await kasse.load(TINY)
    ten = kasse.local(day, "10:00")
    body = await refused(kasse, item(502, 1, ten))
    assert any("not bookable" in e for e in body["errors"])
    await ordered(kasse, item(502, 1, ten), who="cashpoint")


async def test_who_may_order(kasse, day):
    body = {"items": [item(3, 1, kasse.local(day, "10:00"))], "total": 1400}
    r = await kasse.client.post(ORDERS, json=body)
    assert r.status_code == 401, r.text
    r = await kasse.client.post(ORDERS, json=body, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401, r.text
    r = await kasse.client.post(ORDERS, json=body, headers=kasse.auth("customer"))
    assert r.status_code == 403, r.text
    assert "error" in r.json()
    assert await orders_count(kasse) == 0
    assert await left(kasse, 3, kasse.local(day, "10:00")) == 50


async def test_a_token_limited_to_one_museum(kasse, day):
    token = await kasse.new_token("reseller", museum_ids=[2])
    headers = {"Authorization": f"Bearer {token}"}
    ten = kasse.local(day, "10:00")
    r = await kasse.client.post(
        ORDERS, json={"items": [item(3, 1, ten)], "total": 1400}, headers=headers
    )
    assert r.status_code == 422, r.text
    r = await kasse.client.post(
        ORDERS, json={"items": [item(11, 1, ten)], "total": 1000}, headers=headers
    )
    assert r.status_code == 200, r.text


# --- quantities, days and times ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticket_id", "quantity"), [(10, 9), (10, 51), (3, 11), (9, 6), (1, 21), (2, 11)]
)
async def test_quantities_outside_min_and_max_are_refused(kasse, day, ticket_id, quantity):
    extra = {}
    if ticket_id == 9:
        extra["attendees"] = [{"name": f"P{i}", "surname": "X"} for i in range(quantity)]
    when = kasse.local(day, "11:00")
    body = await refused(kasse, item(ticket_id, quantity, when, **extra))
    assert any("persons" in e for e in body["errors"]), body


async def test_quantities_at_min_and_max_are_fine(kasse, day):
    ten = kasse.local(day, "10:00")
    await ordered(kasse, item(10, 10, ten), item(10, 50, ten), item(1, 20, ten), item(3, 10, ten))


async def test_a_closed_day_is_refused(kasse, day):
    monday = day + timedelta(days=5)
    for ticket_id in (1, 3, 10):
        quantity = 10 if ticket_id == 10 else 1
        await refused(kasse, item(ticket_id, quantity, kasse.local(monday, "12:00")))
    await refused(kasse, combined(kasse, monday))


async def test_a_closed_holiday_is_refused(kasse, day):
    # The demo museums close on Christmas Eve; load a closure on our open day as well.
    await kasse.load(
        {
            "museums": [
                {
                    "id": 1,
                    "title": "Museum für Kunst und Geschichte",
                    "opening_hours": BERLIN_HOURS,
                    "closed_on": [day.isoformat()],
                }
            ]
        }
    )
    await refused(kasse, item(1, 1, kasse.local(day, "12:00")))
    await refused(kasse, item(3, 1, kasse.local(day, "10:00")))
    await ordered(kasse, item(1, 1, kasse.local(day + timedelta(days=1), "12:00")))


async def test_past_slots_and_days_are_refused(kasse, day):
    kasse.clock.set(datetime.fromisoformat(kasse.local(day, "11:00")))
    await refused(kasse, item(3, 1, kasse.local(day, "10:00")))
    await refused(kasse, item(3, 1, kasse.local(day, "10:30")))  # ended at 11:00
    await refused(kasse, item(1, 1, kasse.local(day - timedelta(days=1), "12:00")))
    await refused(kasse, item(3, 1, kasse.local(day - timedelta(days=7), "12:00")))
    # The running slot and the rest of the day are still sold.
    await ordered(
        kasse, item(3, 1, kasse.local(day, "11:00")), item(1, 1, kasse.local(day, "17:00"))
    )


async def test_a_time_slot_ticket_needs_a_slot_start(kasse, day):
    for when in ("10:15", "09:30", "17:30"):
        await refused(kasse, item(3, 1, kasse.local(day, when)))
    one_second_late = kasse.local(day, "10:00").replace("T10:00:00", "T10:00:01")
    await refused(kasse, item(3, 1, one_second_late))
    await refused(kasse, item(3, 1))  # no time at all


async def test_the_same_moment_in_another_offset_is_the_same_slot(kasse, day):
    local = datetime.fromisoformat(kasse.local(day, "10:00"))
    utc = local.astimezone(datetime.fromisoformat("2000-01-01T00:00:00+00:00").tzinfo)
    order = await ordered(kasse, item(3, 1, utc.isoformat()))
    assert order["items"][0]["attributes"]["start_time"] == kasse.local(day, "10:00")
    naive = kasse.local(day, "10:30")[:19]  # read in the instance's zone
    order = await ordered(kasse, item(3, 1, naive))
    assert order["items"][0]["attributes"]["start_time"] == kasse.local(day, "10:30")


async def test_a_flex_ticket_needs_no_time(kasse, day):
    order = await ordered(kasse, item(7, 3))
    sale = order["items"][0]
    assert sale["price_cents"] == 4500
    assert sale["attributes"]["start_time"] is None
    assert sale["attributes"]["ticket_type"] == "normal"
    assert len(sale["attributes"]["barcodes"]) == 3


async def test_a_flex_ticket_cannot_redeem_a_reservation(kasse, day):
    token = await reserve(kasse, 3, 1, kasse.local(day, "10:00"))
    for tokens in (["no-such-reservation"], [token]):
        body = await refused(kasse, item(7, 1, reservations=tokens))
        assert any("reserv" in e for e in body["errors"]), body
    assert await left(kasse, 3, kasse.local(day, "10:00")) == 49


async def test_a_day_ticket_needs_a_day(kasse, day):
    await refused(kasse, item(1, 1))


async def test_an_unknown_coupon_code_fails_the_order_and_an_empty_list_is_fine(kasse, day):
    body = await refused(kasse, item(3, 1, kasse.local(day, "10:00")), coupons=["12345678"])
    assert any("coupon" in e and "12345678" in e for e in body["errors"])
    await ordered(kasse, item(3, 1, kasse.local(day, "10:00")), coupons=[])
