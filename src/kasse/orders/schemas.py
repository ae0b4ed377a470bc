"""Wire shapes of orders: the creation payload and the order as every list and detail shows it."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from kasse.core.wire import Cents, Email, Id
from kasse.coupons.codes import MAX_CODE_INPUT
from kasse.orders.kinds import AnyItemIn, AnyItemOut

MAX_ITEMS = 100


CouponCodeIn = Annotated[str, Field(min_length=1, max_length=MAX_CODE_INPUT)]


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    comment: str | None = Field(default=None, max_length=5000)
    reference: str | None = Field(default=None, max_length=500)
    items: list[AnyItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    coupons: list[CouponCodeIn] = Field(
        default_factory=list,
        max_length=50,
        description="coupon codes that pay for the order, each as much as it can, in this order",
    )
    total: Cents = Field(description="the client's sum of all item prices in cents")


class CouponPaymentOut(BaseModel):
    barcode: str = Field(description="the coupon code")
    value_cents: int = Field(description="what this coupon pays of the order now")


class OrderOut(BaseModel):
    id: int
    token: str
    is_valid: bool
    status: Literal["created", "finalized", "cancelled"] = Field(
        description="created (two-phase, not binding yet), finalized (binding) or cancelled"
    )
    expires_at: str | None = Field(description="when a created order gives its places back")
    total_price_cents: int
    comment: str | None
    reference: str | None
    rating: int | None
    invoice: bool
    created_at: str
    source: str
    items: list[AnyItemOut]


class PaymentStatus(IntEnum):
    """``payment_status`` of an order. The reference shows an integer "set by the payment
    provider" and names no values; these are kasse's, with room between them for the states of
    payment providers (authorized, refunded)."""

    PENDING = 10  # finalize mailed a payment link (pay_by_link); nothing paid yet
    PAID = 30  # finalize recorded the caller's payment (``payment``)


class OrderDetailOut(OrderOut):
    payment_status: int | None = Field(
        description="10: a payment link was mailed, not paid yet; 30: finalize recorded a "
        "payment; null: no payment known (direct orders, or finalized without `payment`)"
    )
    billing_address_id: int | None = Field(
        description="the customer's address (its id among the customer's addresses) that "
        "finalize recorded for this order; null without a customer or an address"
    )
    customer_id: int | None
    pay_by_link: bool
    paid: bool
    coupons: list[CouponPaymentOut] = Field(description="the coupons that pay, in the order used")
    coupon_cents: int = Field(description="what the coupons pay")
    amount_due_cents: int = Field(
        description="what the items not cancelled cost, minus coupon_cents"
    )
    personalization_token: str | None = Field(
        description="orders with annual passes: the token of the personalization flow"
    )


class OrderListResponse(BaseModel):
    orders: list[OrderOut]
    meta: dict[str, int]


class OrderResponse(BaseModel):
    order: OrderDetailOut


class CustomerIn(BaseModel):
    """A new customer, or only the ``foreign_id`` of one the instance knows."""

    model_config = ConfigDict(extra="ignore")

    foreign_id: str | None = Field(default=None, min_length=1, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    surname: str | None = Field(default=None, max_length=200)
    email: Email | None = None
    language: str | None = Field(default=None, max_length=40)
    salutation_id: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None
    addr_institution: str | None = Field(default=None, max_length=300)
    addr_street: str | None = Field(default=None, max_length=300)
    addr_zip: str | None = Field(default=None, max_length=20)
    addr_city: str | None = Field(default=None, max_length=200)
    addr_country: str | None = Field(default=None, max_length=100)


class PaymentIn(BaseModel):
    """The caller's own bookkeeping of a payment it collected; nothing is charged."""

    model_config = ConfigDict(extra="ignore")

    payment_id: str | None = Field(default=None, max_length=200)
    provider_id: str | None = Field(default=None, max_length=200)
    provider_name: str | None = Field(default=None, max_length=200)
    message: str | None = Field(default=None, max_length=2000)
    amount_cents: Cents | None = None


class FinalizeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    customer: CustomerIn | None = None
    payment: PaymentIn | None = None
    completed: bool = Field(default=False, description="true closes the order: it becomes binding")
    pay_by_link: bool = Field(
        default=False,
        description="mail the customer a payment link; unpaid, the order cancels itself",
    )
    suppress_mail: bool = Field(default=False, description="no confirmation mail")


class FinalizeRequest(BaseModel):
    order: FinalizeIn = Field(default_factory=FinalizeIn)


class SeatCancellation(BaseModel):
    order_item_id: Id
    seat_id: Id


class CancellationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    order_item_ids: list[Id] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ITEMS,
        description="omit (and seats) to cancel the whole order",
    )
    seats: list[SeatCancellation] | None = Field(
        default=None,
        min_length=1,
        max_length=10_000,
        description="kasse: single seats of Event items to cancel; the item keeps its other seats",
    )

    def seats_by_item(self) -> dict[int, set[int]] | None:
        if self.seats is None:
            return None
        wanted: dict[int, set[int]] = {}
        for seat in self.seats:
            wanted.setdefault(seat.order_item_id, set()).add(seat.seat_id)
        return wanted


class RatingRequest(BaseModel):
    rating: Annotated[StrictInt, Field(ge=1, le=5)]


class EmptyItemsResponse(BaseModel):
    """Events and tours of an order (kinds this server does not sell yet)."""

    model_config = ConfigDict(extra="allow")

    meta: dict[str, int]


class InvoiceOut(BaseModel):
    number: str
    url: str


class InvoicesResponse(BaseModel):
    invoices: list[InvoiceOut]
    meta: dict[str, int]
