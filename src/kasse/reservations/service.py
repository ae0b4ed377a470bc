"""Reservations: short-term holds on places, five minutes at a time, never past sixty minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from kasse.availability.booking import draws_for, find_bookable_ticket, quantity_error, resolve_slot
from kasse.availability.capacity import drop_holds, hold_for_reservation, lock_slots
from kasse.catalog.snapshot import TicketData
from kasse.core.auth import SELLING_ACCESS
from kasse.core.errors import NotFound, Unprocessable
from kasse.core.ids import new_token
from kasse.core.times import to_utc
from kasse.items.context import RequestContext
from kasse.models import Reservation


def lifetime(ctx: RequestContext, created_at: datetime) -> datetime:
    """Five more minutes from now, but never beyond the hour after creation."""
    return min(
        ctx.now + timedelta(minutes=ctx.settings.reservation_minutes),
        created_at + timedelta(minutes=ctx.settings.reservation_max_minutes),
    )


def _reservable_ticket(ctx: RequestContext, ticket_id: int) -> TicketData:
    ticket, problem = find_bookable_ticket(ctx.catalog, ctx.principal, ticket_id)
    if ticket is None:
        raise Unprocessable(problem or f"ticket {ticket_id} cannot be reserved")
    if ticket.is_combined:
        raise Unprocessable(
            f"ticket {ticket_id} is a combined ticket: combined tickets cannot be reserved"
        )
    if ticket.row.free_timing:
        raise Unprocessable(
            f"ticket {ticket_id} is a flex ticket without a date: nothing to reserve"
        )
    if ticket.row.ticket_type == "annual":
        raise Unprocessable(
            f"ticket {ticket_id} is an annual pass without entry slots: nothing to reserve"
        )
    return ticket


async def _hold(
    ctx: RequestContext, reservation: Reservation, ticket: TicketData, quantity: int
) -> None:
    """Lock the slots, check the room (not counting this reservation's own holds) and hold it."""
    wanted = draws_for(ticket, reservation.start_at, quantity)
    ignore = [reservation.id] if reservation.id is not None else []
    await lock_slots(
        ctx.session, ctx.catalog, wanted, ctx.now, ctx.settings, ignore_reservations=ignore
    )
    await drop_holds(ctx.session, ignore)
    await hold_for_reservation(ctx.session, reservation.id, wanted, reservation.valid_until)


async def create_reservation(
    ctx: RequestContext, ticket_id: int, quantity: int, start_at: datetime
) -> Reservation:
    ctx.principal.require(SELLING_ACCESS)
    ticket = _reservable_ticket(ctx, ticket_id)
    problem = quantity_error(ticket, quantity)
    if problem:
        raise Unprocessable(problem)
    start, problem = resolve_slot(ctx.catalog, ticket, to_utc(start_at, ctx.tz), ctx.now, ctx.tz)
    if start is None:
        raise Unprocessable(problem or "not a bookable time")
    reservation = Reservation(
        token=new_token(),
        api_token_id=ctx.principal.token_id,
        ticket_id=ticket.id,
        quantity=quantity,
        start_at=start,
        created_at=ctx.now,
        valid_until=lifetime(ctx, ctx.now),
    )
    ctx.session.add(reservation)
    await ctx.session.flush()
    await _hold(ctx, reservation, ticket, quantity)
    await ctx.session.flush()
    return reservation


async def own_reservation(ctx: RequestContext, token: str, *, of_events: bool) -> Reservation:
    """The caller's reservation ``token``: of a ticket, or (``of_events``) of an event date."""
    ctx.principal.require(SELLING_ACCESS)
    product = Reservation.event_date_id if of_events else Reservation.ticket_id
    reservation = await ctx.session.scalar(
        select(Reservation).where(
            Reservation.token == token,
            Reservation.api_token_id == ctx.principal.token_id,
            product.is_not(None),
        )
    )
    if reservation is None:
        raise NotFound(f"reservation {token} not found")
    return reservation


async def update_reservation(ctx: RequestContext, token: str, quantity: int) -> Reservation:
    """Change the quantity and refresh the lifetime (same quantity: refresh only)."""
    reservation = await own_reservation(ctx, token, of_events=False)
    if reservation.valid_until <= ctx.now:
        raise Unprocessable(f"reservation {token} has expired")
    assert reservation.ticket_id is not None  # ``own_reservation`` found a ticket reservation
    ticket = _reservable_ticket(ctx, reservation.ticket_id)
    problem = quantity_error(ticket, quantity)
    if problem:
        raise Unprocessable(problem)
    reservation.quantity = quantity
    reservation.valid_until = lifetime(ctx, reservation.created_at)
    await _hold(ctx, reservation, ticket, quantity)
    await ctx.session.flush()
    return reservation


async def delete_reservation(ctx: RequestContext, token: str) -> None:
    reservation = await own_reservation(ctx, token, of_events=False)
    await drop_holds(ctx.session, [reservation.id])
    await ctx.session.delete(reservation)
    await ctx.session.flush()
