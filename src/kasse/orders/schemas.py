"""Wire shapes of orders: the creation payload and the order as every list and detail shows it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kasse.core.params import Moment
from kasse.reservations.schemas import MAX_QUANTITY

MAX_ITEMS = 100


class Attendee(BaseModel):
    name: str = Field(max_length=200)
    surname: str = Field(max_length=200)


class TicketAttributesIn(BaseModel):
    id: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    time: Moment | None = None
    reservations: list[str] = Field(default_factory=list, max_length=MAX_QUANTITY)
    attendees: list[Attendee] = Field(default_factory=list, max_length=MAX_QUANTITY)
    sub_ticket_times: dict[str, Moment] = Field(default_factory=dict, max_length=20)


class TicketItemIn(BaseModel):
    type: Literal["Ticket"]
    attributes: TicketAttributesIn


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    comment: str | None = Field(default=None, max_length=5000)
    reference: str | None = Field(default=None, max_length=500)
    items: list[TicketItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    coupons: list[str] = Field(default_factory=list, max_length=50)
    total: int = Field(ge=0, le=10**12, description="the client's sum of all item prices in cents")


class LocationOut(BaseModel):
    name: str | None
    city: str | None
    country: str | None
    street: str | None
    zip: str | None
    latitude: float | None
    longitude: float | None


class BarcodeOut(BaseModel):
    id: int
    barcode: str
    method: str


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


class OrderItemOut(BaseModel):
    id: int
    type: str
    price_cents: int
    vat_pct: str
    tax_included: bool
    attributes: TicketSaleOut


class OrderOut(BaseModel):
    id: int
    token: str
    is_valid: bool
    total_price_cents: int
    comment: str | None
    reference: str | None
    rating: int | None
    invoice: bool
    created_at: str
    source: str
    items: list[OrderItemOut]


class OrderDetailOut(OrderOut):
    payment_status: int | None
    billing_address_id: int | None


class OrderListResponse(BaseModel):
    orders: list[OrderOut]
    meta: dict[str, int]


class OrderResponse(BaseModel):
    order: OrderDetailOut
