"""Wire shapes of the cash desk's booking list of an event date (``cash_point_api.html.md``,
"Event bookings"), key for key as the reference's example."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kasse.catalog.schemas import Meta

BOOKED, CANCELED = 20, 60


class DeskCustomerOut(BaseModel):
    name: str | None = Field(description="salutation, name and surname of the order's customer")
    category: str | None = Field(description="always null: kasse keeps no customer categories")
    insitution: str | None = Field(
        description="the customer's institution (`addr_institution`), in the reference's spelling"
    )


class DeskPriceOut(BaseModel):
    title: str
    quantity: int
    price_cents: int = Field(description="one unit, discount applied")
    total_price_cents: int


class DeskBookingOut(BaseModel):
    id: int = Field(description="the event booking's id (attributes.id of the order's item)")
    comment: str | None = Field(description="the order's comment")
    customer: DeskCustomerOut
    status: int = Field(description=f"{BOOKED} booked, {CANCELED} cancelled (item or order)")
    seats: int = Field(description="the booked places: participants or seats")
    created_at: str
    canceled_at: str | None
    prices: list[DeskPriceOut] = Field(description="the booking's price lines as charged")


class DeskBookingList(BaseModel):
    bookings: list[DeskBookingOut]
    meta: Meta
