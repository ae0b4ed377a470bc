"""Reservations of event dates (``POST /events/reservations``): places, or the seats of a seating
plan, held like ticket reservations (five minutes at a time, never past sixty) and redeemed by an
``Event`` item of the caller's order (its ``reservations``)."""

from __future__ import annotations

from collections.abc import Sequence

from kasse.availability.capacity import drop_holds, hold_for_reservation, lock_slots
from kasse.availability.seats import claim_rows, claim_seats, drop_seat_claims
from kasse.catalog.date_quotas import date_slot
from kasse.catalog.event_snapshot import EventDateData
from kasse.core.auth import SELLING_ACCESS
from kasse.core.errors import Unprocessable
from kasse.core.ids import new_token
from kasse.events.planning import find_bookable_date, participant_problems, seat_problem
from kasse.items.context import RequestContext
from kasse.models import Reservation
from kasse.reservations.service import lifetime, own_reservation


def _participants(date: EventDateData, quantity: int | None, seat_ids: Sequence[int] | None) -> int:
    """How many places the reservation holds; every problem of the request at once."""
    problems: list[str] = []
    if (quantity is None) == (seat_ids is None):
        raise Unprocessable("give either quantity or seats")
    if date.seating is not None and seat_ids is None:
        problems.append(f"event date {date.id} has a seating plan: reserve its seats")
    if date.seating is None and seat_ids is not None:
        problems.append(f"event date {date.id} has no seating plan: reserve a quantity")
    if problems:
        raise Unprocessable("the reservation is invalid", problems)
    if seat_ids is not None:
        chosen: list[int] = []
        for seat_id in seat_ids:
            problem = seat_problem(date, seat_id, chosen)
            if problem:
                problems.append(problem)
            chosen.append(seat_id)
    participants = len(seat_ids) if seat_ids is not None else quantity or 0
    problems += participant_problems(date, participants)
    if problems:
        raise Unprocessable("the reservation is invalid", problems)
    return participants


def _date(ctx: RequestContext, date_id: int) -> EventDateData:
    date, problem = find_bookable_date(ctx, date_id)
    if date is None:
        raise Unprocessable(problem or f"event date {date_id} cannot be reserved")
    return date


async def _hold(
    ctx: RequestContext, reservation: Reservation, date: EventDateData, seat_ids: Sequence[int]
) -> None:
    """Lock the date, check the room (not counting this reservation's own holds), hold it."""
    await lock_slots(
        ctx.session,
        ctx.catalog,
        {date_slot(date.id): reservation.quantity},
        ctx.now,
        ctx.settings,
        ignore_reservations=[reservation.id],
    )
    await drop_holds(ctx.session, [reservation.id])
    await drop_seat_claims(ctx.session, reservation_ids=[reservation.id])
    await hold_for_reservation(
        ctx.session,
        reservation.id,
        {date_slot(date.id): reservation.quantity},
        reservation.valid_until,
    )
    await claim_seats(
        ctx.session,
        ctx.catalog,
        claim_rows(
            {reservation.id: {date.id: seat_ids}}, "reservation_id", reservation.valid_until
        ),
        ctx.now,
        ctx.settings,
    )


async def create_event_reservation(
    ctx: RequestContext, date_id: int, quantity: int | None, seat_ids: Sequence[int] | None
) -> tuple[Reservation, list[int]]:
    ctx.principal.require(SELLING_ACCESS)
    date = _date(ctx, date_id)
    participants = _participants(date, quantity, seat_ids)
    reservation = Reservation(
        token=new_token(),
        api_token_id=ctx.principal.token_id,
        event_date_id=date.id,
        quantity=participants,
        start_at=date.start_at,
        created_at=ctx.now,
        valid_until=lifetime(ctx, ctx.now),
    )
    ctx.session.add(reservation)
    await ctx.session.flush()
    await _hold(ctx, reservation, date, seat_ids or [])
    return reservation, sorted(seat_ids or [])


async def update_event_reservation(
    ctx: RequestContext, token: str, quantity: int | None, seat_ids: Sequence[int] | None
) -> tuple[Reservation, list[int]]:
    """Change what is held and refresh the lifetime (the same again: refresh only)."""
    reservation = await own_reservation(ctx, token, of_events=True)
    if reservation.valid_until <= ctx.now:
        raise Unprocessable(f"reservation {token} has expired")
    assert reservation.event_date_id is not None  # ``own_reservation`` found an event's
    date = _date(ctx, reservation.event_date_id)
    reservation.quantity = _participants(date, quantity, seat_ids)
    reservation.valid_until = lifetime(ctx, reservation.created_at)
    await ctx.session.flush()
    await _hold(ctx, reservation, date, seat_ids or [])
    return reservation, sorted(seat_ids or [])


async def delete_event_reservation(ctx: RequestContext, token: str) -> None:
    reservation = await own_reservation(ctx, token, of_events=True)
    await drop_holds(ctx.session, [reservation.id])
    await drop_seat_claims(ctx.session, reservation_ids=[reservation.id])
    await ctx.session.delete(reservation)
    await ctx.session.flush()
