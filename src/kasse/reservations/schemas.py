"""Wire shapes of ticket reservations."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StrictInt

from kasse.core.params import Moment
from kasse.core.wire import Id

MAX_QUANTITY = 10_000
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]


class ReservationCreate(BaseModel):
    ticket_id: Id
    quantity: Quantity
    start_at: Moment


class ReservationCreateRequest(BaseModel):
    reservation: ReservationCreate


class ReservationUpdate(BaseModel):
    quantity: Quantity


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
