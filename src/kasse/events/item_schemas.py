"""Wire shapes of event items: as the caller orders them (``spec/reseller-api.txt``, the three
shapes) and as every order shows them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt, StringConstraints

from kasse.core.wire import Id
from kasse.items.schemas import BarcodeOut, OrderItemOut
from kasse.reservations.schemas import MAX_QUANTITY, Quantity
from kasse.tickets.schemas import LocationOut

# a scale price id as a JSON object key: decimal digits, no sign, no leading zero
ScalePriceKey = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,9}$")]


class EventSeatIn(BaseModel):
    seat_id: Id
    scale_price_id: Id


class EventAttributesIn(BaseModel):
    """One of ``quantity`` (one price), ``quantities`` (scale price id -> count) or ``seats``."""

    id: Id = Field(description="the date's id")
    quantity: Quantity | None = None
    quantities: dict[ScalePriceKey, Annotated[StrictInt, Field(ge=0, le=MAX_QUANTITY)]] | None = (
        Field(default=None, max_length=100)
    )
    seats: list[EventSeatIn] | None = Field(default=None, max_length=MAX_QUANTITY)
    reservations: list[str] = Field(default_factory=list, max_length=MAX_QUANTITY)


class EventItemIn(BaseModel):
    type: Literal["Event"]
    attributes: EventAttributesIn


class BookedSeatOut(BaseModel):
    seat_id: int
    scale_price_id: int
    title: str | None = Field(description="the seat's row and number as the seating plan names it")


class EventBookingOut(BaseModel):
    id: int
    date_id: int
    event_id: int
    start_time: str
    title: str
    quantity: int = Field(description="participants: seats, or the sum of the quantities")
    location: LocationOut | None
    quantities: dict[str, int] = Field(
        description="scale pricing: participants per scale price id; empty for a single price"
    )
    seats: list[BookedSeatOut] = Field(description="a seating plan's seats; empty otherwise")
    barcodes: list[BarcodeOut] = Field(description="one per participant or seat, once binding")


class EventItemOut(OrderItemOut):
    type: Literal["Event"]
    attributes: EventBookingOut
