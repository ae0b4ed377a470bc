"""Wire shapes of ticket items: as the caller orders them and as every order shows them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kasse.annual.schemas import PersonalizationOut
from kasse.core.params import Moment
from kasse.core.wire import Id
from kasse.items.schemas import BarcodeOut, OrderItemOut
from kasse.reservations.schemas import MAX_QUANTITY, Quantity


class Attendee(BaseModel):
    name: str = Field(max_length=200)
    surname: str = Field(max_length=200)


class TicketAttributesIn(BaseModel):
    id: Id
    quantity: Quantity
    time: Moment | None = None
    reservations: list[str] = Field(default_factory=list, max_length=MAX_QUANTITY)
    attendees: list[Attendee] = Field(default_factory=list, max_length=MAX_QUANTITY)
    sub_ticket_times: dict[str, Moment] = Field(default_factory=dict, max_length=20)


class TicketItemIn(BaseModel):
    type: Literal["Ticket"]
    attributes: TicketAttributesIn


class LocationOut(BaseModel):
    name: str | None
    city: str | None
    country: str | None
    street: str | None
    zip: str | None
    latitude: float | None
    longitude: float | None


class SubTicketOut(BaseModel):
    ticket_id: int
    title: str | None
    start_time: str | None


class TicketSaleOut(BaseModel):
    id: int
    title: str
    ticket_id: int
    quantity: int
    ticket_type: str
    start_time: str | None
    location: LocationOut | None
    barcodes: list[BarcodeOut]
    after_sale_information: str | None
    attendees: list[Attendee]
    sub_tickets: list[SubTicketOut]
    personalizations: list[PersonalizationOut] = Field(
        description="annual passes: one card per place (see /api/v4/annual); empty otherwise"
    )


class TicketItemOut(OrderItemOut):
    type: Literal["Ticket"]
    attributes: TicketSaleOut
