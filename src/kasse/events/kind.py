"""The ``Event`` item kind: a date booked for participants or seats (``planning.py``), its
booking row, and one barcode per participant or seat once the order is binding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.date_quotas import date_slot
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.errors import Unprocessable
from kasse.core.times import render
from kasse.events.barcodes import EventBarcode, event_barcodes, issue_event_barcodes
from kasse.events.item_schemas import EventAttributesIn, EventBookingOut, EventItemIn, EventItemOut
from kasse.events.planning import EventPlan, date_title, plan_event, problems_together
from kasse.items.context import RequestContext
from kasse.items.kind import ItemKind, ItemProblems, NewOrder, SeatsReleased
from kasse.items.reservations import reservations_by_token
from kasse.items.sales import read_sales, write_sales
from kasse.models import Barcode, EventBooking, Reservation


@dataclass
class EventBookingState:
    """An event item's rows: its booking and (once binding) its barcodes."""

    booking: EventBooking
    barcodes: list[EventBarcode] = field(default_factory=list)


class EventKind(ItemKind[EventAttributesIn, EventPlan, EventBookingState]):
    type = "Event"
    plural = "events"
    item_in = EventItemIn
    item_out = EventItemOut
    attributes_out = EventBookingOut

    async def prefetch(
        self, ctx: RequestContext, items: Sequence[EventAttributesIn]
    ) -> dict[str, Reservation]:
        """The reservations the items redeem, by token."""
        return await reservations_by_token(ctx, (t for item in items for t in item.reservations))

    def problems_together(
        self, ctx: RequestContext, items: Sequence[EventAttributesIn]
    ) -> list[str]:
        return problems_together(ctx, items)

    def plan(
        self,
        ctx: RequestContext,
        item: EventAttributesIn,
        prefetched: dict[str, Reservation],
        problems: ItemProblems,
    ) -> EventPlan | None:
        return plan_event(ctx, item, prefetched, problems)

    async def write(
        self, ctx: RequestContext, order: NewOrder, items: Sequence[tuple[int, EventPlan]]
    ) -> dict[int, EventBookingState]:
        rows = [_booking_row(ctx, item_id, plan) for item_id, plan in items]
        written = await write_sales(ctx.session, EventBooking, rows)
        return {item_id: EventBookingState(booking) for item_id, booking in written.items()}

    def seats_of(self, state: EventBookingState) -> dict[int, set[int]]:
        booking = state.booking
        return {booking.date_id: {s["seat_id"] for s in booking.seats}} if booking.seats else {}

    async def release_seats(
        self, ctx: RequestContext, state: EventBookingState, seat_ids: set[int]
    ) -> SeatsReleased:
        """The booking keeps its other seats; a group price stays while any seat does."""
        booking = state.booking
        date = ctx.catalog.events.dates.get(booking.date_id)
        left = len(booking.seats) - len(seat_ids)
        if date is not None and left < date.row.min_seats:
            raise Unprocessable(
                f"order item {booking.order_item_id}: {left} seats would be left, "
                f"event date {date.id} needs at least {date.row.min_seats}"
            )
        cancelled = Counter(s["scale_price_id"] for s in booking.seats if s["seat_id"] in seat_ids)
        freed = 0
        lines = []
        for line in booking.prices:
            count = 0 if line["group"] else cancelled.get(line["scale_price_id"], 0)
            freed += count * line["price_cents"]
            if line["quantity"] > count:
                lines.append({**line, "quantity": line["quantity"] - count})
        booking.seats = [s for s in booking.seats if s["seat_id"] not in seat_ids]
        booking.quantity = len(booking.seats)
        booking.prices = lines
        await ctx.session.execute(
            delete(Barcode).where(
                Barcode.event_booking_id == booking.id, Barcode.seat_id.in_(seat_ids)
            )
        )
        state.barcodes = [b for b in state.barcodes if b.seat_id not in seat_ids]
        return SeatsReleased(
            price_cents=freed, slots={date_slot(booking.date_id): sum(cancelled.values())}
        )

    async def bind(self, ctx: RequestContext, sales: Mapping[int, EventBookingState]) -> None:
        bookings = [state.booking for state in sales.values()]
        issued = await issue_event_barcodes(ctx.session, ctx.catalog, bookings)
        for state in sales.values():
            state.barcodes = issued.get(state.booking.id, [])

    async def load(
        self, session: AsyncSession, catalog: Catalog, item_ids: Sequence[int]
    ) -> dict[int, EventBookingState]:
        bookings = await read_sales(session, EventBooking, item_ids)
        codes = await event_barcodes(session, [b.id for b in bookings.values()])
        return {
            item_id: EventBookingState(booking, codes.get(booking.id, []))
            for item_id, booking in bookings.items()
        }

    def shape(self, ctx: RequestContext, state: EventBookingState) -> dict[str, Any]:
        booking = state.booking
        date = ctx.catalog.events.dates.get(booking.date_id)
        event = ctx.catalog.events.events.get(booking.event_id)
        seats = date.seating.seats if date and date.seating else {}
        return {
            "id": booking.id,
            "date_id": booking.date_id,
            "event_id": booking.event_id,
            "start_time": render(booking.start_at, ctx.tz),
            "title": booking.title,
            "quantity": booking.quantity,
            "location": ctx.catalog.event_location(event.row) if event else None,
            "quantities": {
                str(line["scale_price_id"]): line["quantity"]
                for line in booking.prices
                if line["scale_price_id"] is not None and not booking.seats
            },
            "seats": [
                {
                    "seat_id": seat["seat_id"],
                    "scale_price_id": seat["scale_price_id"],
                    "title": seats[seat["seat_id"]]["title"] if seat["seat_id"] in seats else None,
                }
                for seat in booking.seats
            ],
            "barcodes": [
                {"id": b.id, "barcode": b.barcode, "method": b.method} for b in state.barcodes
            ],
        }

    def items_of_museums(self, catalog: Catalog, principal: Principal) -> Select[int]:
        events = [
            e.id
            for e in catalog.events.events.values()
            if principal.may_see_museums([e.row.museum_id])
        ]
        return select(EventBooking.order_item_id).where(EventBooking.event_id.in_(events))

    def items_with_code(self, code: str) -> Select[int]:
        return (
            select(EventBooking.order_item_id)
            .join(Barcode, Barcode.event_booking_id == EventBooking.id)
            .where(Barcode.barcode == code)
        )


def _booking_row(ctx: RequestContext, item_id: int, plan: EventPlan) -> dict[str, Any]:
    date = plan.date
    return {
        "order_item_id": item_id,
        "date_id": date.id,
        "event_id": date.event.id,
        "title": date_title(ctx, date),
        "start_at": date.start_at,
        "quantity": plan.participants,
        "prices": [line.as_row() for line in plan.lines],
        "seats": [
            {"seat_id": seat, "scale_price_id": price} for seat, price in sorted(plan.seats.items())
        ],
    }
