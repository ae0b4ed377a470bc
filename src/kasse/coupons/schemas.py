"""Wire shapes of the coupon endpoints, and of coupon items in orders."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from kasse.catalog.schemas import Meta
from kasse.core.i18n import Text
from kasse.core.schemas import too_many_attempts
from kasse.core.wire import Id, Percentage
from kasse.items.schemas import BarcodeOut, OrderItemOut
from kasse.reservations.schemas import Quantity


class CouponOut(BaseModel):
    id: int
    title: Text
    description: Text | None
    price_cents: int = Field(description="what the coupon costs")
    value_cents: int = Field(description="what the coupon pays (may differ from its price)")
    vat_pct: Percentage
    tax_included: bool
    museum_ids: list[int]
    min_quantity: int
    max_quantity: int
    bookable: bool = Field(description="bookable for the caller's access level on valid_at")


class CouponList(BaseModel):
    coupons: list[CouponOut]
    meta: Meta


class CouponEnvelope(BaseModel):
    coupon: CouponOut


class CouponSaleCheck(BaseModel):
    id: None = Field(default=None, description="always null, as in go~mus")
    is_valid: bool
    value_cents: int = Field(description="what is left on the coupon; 0 when used up")


class CouponSaleCheckEnvelope(BaseModel):
    coupon_sale: CouponSaleCheck


# Documented on the routes that count coupon code attempts.
TOO_MANY_ATTEMPTS: dict[int | str, dict[str, Any]] = {
    429: too_many_attempts(
        "Too many coupon code attempts by this client (or failed token attempts from its "
        "address); wait `Retry-After` seconds"
    )
}


class CouponAttributesIn(BaseModel):
    id: Id = Field(description="the coupon's id (GET /coupons)")
    quantity: Quantity = Field(description="coupons, each with its own code")


class CouponItemIn(BaseModel):
    type: Literal["Coupon"]
    attributes: CouponAttributesIn


class CouponSaleOut(BaseModel):
    id: int = Field(description="the coupon sale")
    title: str
    quantity: int
    coupon_id: int
    value_cents: int = Field(description="what each coupon of this sale was worth when sold")
    barcodes: list[BarcodeOut] = Field(
        description="one code per coupon (method coupon), issued once the order is binding"
    )


class CouponItemOut(OrderItemOut):
    type: Literal["Coupon"]
    attributes: CouponSaleOut
