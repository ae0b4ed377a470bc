"""Wire shapes of ticket reservations."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kasse.core.params import Moment

MAX_QUANTITY = 10_000


class ReservationCreate(BaseModel):
    ticket_id: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    start_at: Moment


class ReservationCreateRequest(BaseModel):
    reservation: ReservationCreate


class ReservationUpdate(BaseModel):
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class ReservationUpdateRequest(BaseModel):
    reservation: ReservationUpdate


class ReservationOut(BaseModel):
    token: str
    quantity: int
    ticket_id: int
    start_at: str
    valid_until: str


class ReservationResponse(BaseModel):
    reservation: ReservationOut
