"""Barcodes of event bookings: one per seat of a seating plan, else one per participant, in the
encoding of the event's museum."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.core.sql import table_of
from kasse.core.unique_codes import insert_unique_codes
from kasse.documents.barcodes import new_barcode
from kasse.models import Barcode, EventBooking
from kasse.tickets.barcodes import museum_barcode_method

# (booking id, seat id or None): the group a barcode is drawn for
Group = tuple[int, int | None]


@dataclass(frozen=True)
class EventBarcode:
    id: int
    booking_id: int
    seat_id: int | None
    barcode: str
    method: str


def _groups(booking: EventBooking) -> dict[Group, int]:
    if booking.seats:
        return {(booking.id, seat["seat_id"]): 1 for seat in booking.seats}
    return {(booking.id, None): booking.quantity}


async def issue_event_barcodes(
    session: AsyncSession, catalog: Catalog, bookings: Sequence[EventBooking]
) -> dict[int, list[EventBarcode]]:
    """The barcodes of every booking, in one insert (``core/unique_codes.py``), by booking id."""
    methods = {}
    for booking in bookings:
        event = catalog.events.events.get(booking.event_id)
        methods[booking.id] = museum_barcode_method(catalog, event.row.museum_id if event else None)

    def draw(group: Group) -> dict[str, Any]:
        method = methods[group[0]]
        return {
            "ticket_sale_id": None,
            "event_booking_id": group[0],
            "seat_id": group[1],
            "barcode": new_barcode(method),
            "method": method,
        }

    wanted: dict[Group, int] = {}
    for booking in bookings:
        wanted.update(_groups(booking))
    table = table_of(Barcode)
    c = table.c
    rows = await insert_unique_codes(
        session,
        table,
        "barcode",
        wanted,
        draw,
        lambda row: (int(row.event_booking_id), row.seat_id),
        (c.id, c.event_booking_id, c.seat_id, c.barcode, c.method),
    )
    return _by_booking(rows)


def _by_booking(rows: Any) -> dict[int, list[EventBarcode]]:
    issued: dict[int, list[EventBarcode]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: int(r.id)):
        issued[row.event_booking_id].append(
            EventBarcode(row.id, row.event_booking_id, row.seat_id, row.barcode, row.method)
        )
    return dict(issued)


async def event_barcodes(
    session: AsyncSession, booking_ids: Sequence[int]
) -> dict[int, list[EventBarcode]]:
    if not booking_ids:
        return {}
    c = table_of(Barcode).c
    rows = await session.execute(
        select(c.id, c.event_booking_id, c.seat_id, c.barcode, c.method)
        .where(c.event_booking_id.in_(booking_ids))
        .order_by(c.id)
    )
    return _by_booking(rows)
