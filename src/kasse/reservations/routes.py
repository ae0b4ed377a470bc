"""HTTP routes of ticket reservations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from kasse.core.deps import TokenRequired
from kasse.core.redaction import SECRET
from kasse.core.times import render
from kasse.items.context import Context, RequestContext
from kasse.models import Reservation
from kasse.reservations import service
from kasse.reservations.schemas import (
    ReservationCreateRequest,
    ReservationResponse,
    ReservationUpdateRequest,
)

router = APIRouter(tags=["reservations"], dependencies=[TokenRequired])

Token = Annotated[str, Path(min_length=1, max_length=64), SECRET]


def _shape(reservation: Reservation, ctx: RequestContext) -> dict[str, object]:
    return {
        "reservation": {
            "token": reservation.token,
            "quantity": reservation.quantity,
            "ticket_id": reservation.ticket_id,
            "start_at": render(reservation.start_at, ctx.tz),
            "valid_until": render(reservation.valid_until, ctx.tz),
        }
    }


@router.post("/tickets/reservations", response_model=ReservationResponse)
async def create_reservation(body: ReservationCreateRequest, ctx: Context) -> dict[str, object]:
    wanted = body.reservation
    reservation = await service.create_reservation(
        ctx, wanted.ticket_id, wanted.quantity, wanted.start_at
    )
    return _shape(reservation, ctx)


@router.put("/tickets/reservations/{token}", response_model=ReservationResponse)
async def update_reservation(
    token: Token, body: ReservationUpdateRequest, ctx: Context
) -> dict[str, object]:
    reservation = await service.update_reservation(ctx, token, body.reservation.quantity)
    return _shape(reservation, ctx)


@router.delete("/tickets/reservations/{token}", status_code=204)
async def delete_reservation(token: Token, ctx: Context) -> Response:
    await service.delete_reservation(ctx, token)
    return Response(status_code=204)
