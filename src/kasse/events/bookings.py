"""The bookings of an event date as the cash desk lists them: every booking of an order that was
binding (a created order's places are a hold, not a booking), the cancelled ones with their time.

Status, as the cash point reference numbers them: ``BOOKED`` (20) while the item and its order
stand, ``CANCELED`` (60) once the item or the whole order was cancelled (then ``canceled_at``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from kasse.catalog.lookups import SALUTATIONS
from kasse.core.errors import NotFound
from kasse.core.i18n import translate
from kasse.core.pagination import Page
from kasse.core.times import render
from kasse.events.booking_schemas import BOOKED, CANCELED
from kasse.items.context import RequestContext
from kasse.models import Customer, EventBooking, Order, OrderItem

# who works the desk: users and cash points, not resellers, customers or the public
DESK_ACCESS: frozenset[str] = frozenset({"user", "cashpoint"})


def _require_date(ctx: RequestContext, event_id: int, date_id: int) -> None:
    """The date of this event, if the caller's museums hold it (else the same 404 as a missing
    one, revealing nothing)."""
    date = ctx.catalog.events.dates.get(date_id)
    if (
        date is None
        or date.event.id != event_id
        or not ctx.principal.may_see_museums([date.museum_id])
    ):
        raise NotFound(f"date {date_id} of event {event_id} not found")


async def date_bookings(
    ctx: RequestContext, event_id: int, date_id: int, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A page of the date's bookings (oldest first) and how many there are."""
    ctx.principal.require(DESK_ACCESS)
    _require_date(ctx, event_id, date_id)
    booked = (
        select(EventBooking, OrderItem, Order, Customer)
        .join(OrderItem, OrderItem.id == EventBooking.order_item_id)
        .join(Order, Order.id == OrderItem.order_id)
        .outerjoin(Customer, Customer.id == Order.customer_id)
        .where(
            EventBooking.date_id == date_id,
            EventBooking.event_id == event_id,
            Order.finalized_at.is_not(None),  # binding once (then perhaps cancelled)
        )
    )
    total = await ctx.session.scalar(select(func.count()).select_from(booked.subquery())) or 0
    rows = await ctx.session.execute(
        booked.order_by(EventBooking.id).offset(page.offset).limit(page.per_page)
    )
    return [_shape(ctx, *row) for row in rows], int(total)


def _customer(ctx: RequestContext, customer: Customer | None) -> dict[str, Any]:
    if customer is None:
        return {"name": None, "category": None, "insitution": None}
    salutation = next((s for s in SALUTATIONS if s.id == customer.salutation_id), None)
    names = (
        translate(salutation.names, ctx.locale.code, ctx.settings.default_locale)
        if salutation
        else None,
        customer.name,
        customer.surname,
    )
    name = " ".join(part.strip() for part in names if part and part.strip())
    return {"name": name or None, "category": None, "insitution": customer.addr_institution}


def _shape(
    ctx: RequestContext,
    booking: EventBooking,
    item: OrderItem,
    order: Order,
    customer: Customer | None,
) -> dict[str, Any]:
    # cancelling an order cancels its items too; an item may be cancelled alone
    cancelled = item.cancelled_at or order.cancelled_at
    return {
        "id": booking.id,
        "comment": order.comment,
        "customer": _customer(ctx, customer),
        "status": CANCELED if cancelled or not order.is_valid else BOOKED,
        "seats": booking.quantity,
        "created_at": render(order.created_at, ctx.tz),
        "canceled_at": render(cancelled, ctx.tz),
        "prices": [
            {
                "title": line["title"],
                "quantity": line["quantity"],
                "price_cents": line["price_cents"],
                "total_price_cents": line["price_cents"] * line["quantity"],
            }
            for line in booking.prices
        ],
    }
