"""Wire shapes every kind of order item shares."""

from __future__ import annotations

from pydantic import BaseModel


class BarcodeOut(BaseModel):
    id: int
    barcode: str
    method: str


class OrderItemOut(BaseModel):
    """What every item of an order shows besides its ``type`` and its kind's ``attributes``."""

    id: int
    price_cents: int
    vat_pct: str
    tax_included: bool
    cancelled: bool
