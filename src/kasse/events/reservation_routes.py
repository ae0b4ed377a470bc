"""HTTP routes of event date reservations (``spec/concepts.txt``: ``POST /events/reservations``),
shaped like ticket reservations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from kasse.core.deps import TokenRequired
from kasse.core.redaction import SECRET
from kasse.core.times import render
from kasse.core.wire import Id
from kasse.events import reservations as service
from kasse.items.context import Context, RequestContext
from kasse.models import Reservation
from kasse.reservations.schemas import MAX_QUANTITY, Quantity

router = APIRouter(tags=["events"], dependencies=[TokenRequired])

Token = Annotated[str, Path(min_length=1, max_length=64), SECRET]


class EventReservationUpdate(BaseModel):
    """A quantity for a date without a seating plan, else the seats (ids) to hold."""

    quantity: Quantity | None = None
    seats: list[Id] | None = Field(default=None, max_length=MAX_QUANTITY)


class EventReservationCreate(EventReservationUpdate):
    date_id: Id


class EventReservationCreateRequest(BaseModel):
    reservation: EventReservationCreate


class EventReservationUpdateRequest(BaseModel):
    reservation: EventReservationUpdate


class EventReservationOut(BaseModel):
    token: str
    date_id: int
    quantity: int
    seats: list[int]
    start_at: str
    valid_until: str


class EventReservationResponse(BaseModel):
    reservation: EventReservationOut


def _shape(reservation: Reservation, seats: list[int], ctx: RequestContext) -> dict[str, object]:
    return {
        "reservation": {
            "token": reservation.token,
            "date_id": reservation.event_date_id,
            "quantity": reservation.quantity,
            "seats": seats,
            "start_at": render(reservation.start_at, ctx.tz),
            "valid_until": render(reservation.valid_until, ctx.tz),
        }
    }


@router.post("/events/reservations", response_model=EventReservationResponse)
async def create_event_reservation(
    body: EventReservationCreateRequest, ctx: Context
) -> dict[str, object]:
    wanted = body.reservation
    reservation, seats = await service.create_event_reservation(
        ctx, wanted.date_id, wanted.quantity, wanted.seats
    )
    return _shape(reservation, seats, ctx)


@router.put("/events/reservations/{token}", response_model=EventReservationResponse)
async def update_event_reservation(
    token: Token, body: EventReservationUpdateRequest, ctx: Context
) -> dict[str, object]:
    wanted = body.reservation
    reservation, seats = await service.update_event_reservation(
        ctx, token, wanted.quantity, wanted.seats
    )
    return _shape(reservation, seats, ctx)


@router.delete("/events/reservations/{token}", status_code=204)
async def delete_event_reservation(token: Token, ctx: Context) -> Response:
    await service.delete_event_reservation(ctx, token)
    return Response(status_code=204)
