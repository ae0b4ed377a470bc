"""Wire shape of GET /api/v4/shop."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PaymentModeOut(BaseModel):
    id: int
    name: str
    icons: list[str]


class ShopConfig(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    currency: str
    locale: str = Field(description="the locale of the texts")
    locales: list[str] = Field(description="every locale the instance serves")
    time_zone: str = Field(alias="timeZone")


class ShopSettings(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    default_payment_mode_id: int = Field(alias="defaultPaymentModeId")
    reservation_minutes: int = Field(
        alias="reservationMinutes", description="how long a reservation holds its places"
    )


class ShopOut(BaseModel):
    name: str
    translations: dict[str, str] = Field(description="dotted key -> text in the asked locale")
    config: ShopConfig
    settings: ShopSettings
    content: dict[str, Any]
    payment_modes: dict[str, PaymentModeOut] = Field(description="payment mode id -> mode")


class ShopEnvelope(BaseModel):
    shop: ShopOut
