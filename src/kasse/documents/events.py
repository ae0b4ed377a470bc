"""The event bookings of an order as its documents see them: each event item that is not cancelled
with its booking and barcodes (one query for the barcodes of them all; none for an order without
events), and which of the booking's price lines each place pays."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.event_snapshot import EventDateData
from kasse.catalog.snapshot import Catalog
from kasse.models import Barcode, EventBooking, OrderItem

# a price line of a booking as stored: {scale_price_id, title, group, quantity, price_cents, vat_pct}
PriceLine = dict[str, Any]


@dataclass(frozen=True)
class EventEntry:
    """An event item that is not cancelled, its booking and its barcodes (in issue order: one per
    seat of a seating plan, else one per participant; none before the order is binding)."""

    item: OrderItem
    booking: EventBooking
    barcodes: tuple[Barcode, ...]

    def date(self, catalog: Catalog) -> EventDateData | None:
        return catalog.events.dates.get(self.booking.date_id)

    def start_at(self, catalog: Catalog) -> datetime:
        """When the date begins now (a later catalog load may have moved it), else as booked."""
        date = self.date(catalog)
        return date.start_at if date else self.booking.start_at

    def museum_ids(self, catalog: Catalog) -> tuple[int, ...]:
        event = catalog.events.events.get(self.booking.event_id)
        return (event.row.museum_id,) if event else ()


async def load_event_entries(
    session: AsyncSession, rows: list[tuple[OrderItem, EventBooking]]
) -> tuple[EventEntry, ...]:
    """The entries of the event items ``rows`` (read with the order's other items), with barcodes."""
    if not rows:
        return ()
    codes: dict[int, list[Barcode]] = defaultdict(list)
    for code in await session.scalars(
        select(Barcode)
        .where(Barcode.event_booking_id.in_([booking.id for _, booking in rows]))
        .order_by(Barcode.id)
    ):
        assert code.event_booking_id is not None  # selected by its booking
        codes[code.event_booking_id].append(code)
    return tuple(EventEntry(item, booking, tuple(codes[booking.id])) for item, booking in rows)


def place_lines(entry: EventEntry) -> list[tuple[PriceLine, ...]]:
    """The price lines each place (each barcode, in order) pays part of.

    A seat pays its scale price. Without seats every place pays the date's own prices (per
    participant, or once for the group); of scale prices, the places are counted off the lines per
    participant in line order, and the rest are the group's, whose group prices they share.
    """
    booking = entry.booking
    lines: list[PriceLine] = booking.prices
    if booking.seats:
        by_price = {line["scale_price_id"]: line for line in lines}
        seat_prices = {seat["seat_id"]: seat["scale_price_id"] for seat in booking.seats}
        return [(by_price[seat_prices[code.seat_id]],) for code in entry.barcodes]
    own = tuple(line for line in lines if line["scale_price_id"] is None)
    personal = [
        line
        for line in lines
        if line["scale_price_id"] is not None and not line["group"]
        for _ in range(line["quantity"])
    ]
    group = tuple(line for line in lines if line["scale_price_id"] is not None and line["group"])
    return [
        (*own, *((personal[index],) if index < len(personal) else group))
        for index in range(len(entry.barcodes))
    ]
