"""Which price lines each place of an event booking pays (``documents/events.py: place_lines``), for
the shapes a booking is stored in: the date's own prices, scale prices, and seats."""

from __future__ import annotations

from typing import Any

from kasse.documents.events import EventEntry, place_lines
from kasse.models import Barcode, EventBooking, OrderItem


def line(scale_price_id: int | None, quantity: int, price_cents: int, group: bool = False) -> Any:
    return {
        "scale_price_id": scale_price_id,
        "title": f"price {scale_price_id}",
        "group": group,
        "quantity": quantity,
        "price_cents": price_cents,
        "vat_pct": 7.0,
    }


def entry(
    places: int,
    prices: list[Any],
    seats: list[Any] | None = None,
    seat_ids: list[int] | None = None,
) -> EventEntry:
    booking = EventBooking(id=1, quantity=places, prices=prices, seats=seats or [])
    codes = [
        Barcode(id=n, event_booking_id=1, seat_id=(seat_ids or [None] * places)[n], barcode=str(n))
        for n in range(places)
    ]
    return EventEntry(OrderItem(id=1), booking, tuple(codes))


def test_every_place_pays_the_dates_own_prices_a_group_price_as_the_groups() -> None:
    each, group = line(None, 3, 800), line(None, 1, 5000, group=True)
    assert place_lines(entry(3, [each, group])) == [(each, group)] * 3


def test_scale_prices_are_counted_off_in_line_order_and_the_rest_is_the_groups() -> None:
    regular, reduced, group = line(71, 2, 2500), line(72, 1, 1500), line(73, 1, 12000, True)
    assert place_lines(entry(3, [regular, reduced])) == [(regular,), (regular,), (reduced,)]
    assert place_lines(entry(5, [regular, group])) == [
        (regular,),
        (regular,),
        (group,),
        (group,),
        (group,),
    ]


def test_a_seat_pays_its_own_scale_price_whatever_the_order_of_the_barcodes() -> None:
    stalls, circle = line(81, 2, 3000), line(82, 1, 2000)
    booked = [
        {"seat_id": 6001, "scale_price_id": 81},
        {"seat_id": 6002, "scale_price_id": 81},
        {"seat_id": 6004, "scale_price_id": 82},
    ]
    places = place_lines(entry(3, [stalls, circle], booked, seat_ids=[6004, 6001, 6002]))
    assert places == [(circle,), (stalls,), (stalls,)]


def test_a_booking_without_barcodes_has_no_places() -> None:
    assert place_lines(entry(0, [line(None, 2, 800)])) == []
