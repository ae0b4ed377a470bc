"""Wire shapes of the public tours endpoints, key for key as the reference shows them (the lookup
lists are the events' envelopes)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kasse.catalog.schemas import CONTENT, Content, Location, Meta, NamedEntry, Picture
from kasse.core.i18n import Text
from kasse.core.wire import Percentage

# --- tours -----------------------------------------------------------------------------------


class TourPicture(Picture):
    original: str | None = Field(description="URL of the largest format kasse keeps (detail)")


class TourBase(BaseModel):
    id: int
    exhibition_id: int | None
    museum_id: int
    title: Text
    sub_title: Text | None
    bookable: bool = Field(description="the caller may book it (its sales channels, museums)")
    registerable: bool
    featured: bool
    category: NamedEntry | None
    picture: TourPicture
    location: Location = Field(description="the tour's own, or its museum's")
    age_groups: list[NamedEntry]
    audiences: list[NamedEntry]
    catch_words: list[NamedEntry]
    disablements: list[NamedEntry]
    grades: list[NamedEntry]
    proposal_categories: list[NamedEntry]
    languages: list[NamedEntry] = Field(description="the languages it is guided in")


class TourSummary(TourBase):
    equipment: bool = Field(description="equipment can be booked with it")


class EquipmentOut(BaseModel):
    id: int
    title: Text
    description: Text | None
    stock: int = Field(description="how many there are at any one time")


class Limitations(BaseModel):
    language: bool = Field(description="availability depends on the language asked for")


class TourDetail(TourBase):
    description: Text | None
    content: Content = Field(description=CONTENT)
    limitations: Limitations
    equipment: list[EquipmentOut] = Field(description="what can be booked with it")


class TourList(BaseModel):
    tours: list[TourSummary]
    meta: Meta


class TourEnvelope(BaseModel):
    tour: TourDetail


# --- prices ----------------------------------------------------------------------------------


class TourPrice(BaseModel):
    """A default price."""

    title: Text
    description: Text | None
    group: bool = Field(description="for the whole group, not per participant")
    optional: bool
    price_cents: int
    vat_pct: Percentage


class TourScalePrice(BaseModel):
    scale_price_id: int
    title: Text
    description: Text | None
    group: bool = Field(description="for the whole group, not per participant")
    optional: bool
    price_cents: int
    vat_pct: Percentage


class TourSurcharge(BaseModel):
    """A surcharge that applies at the date and in the language asked for."""

    price_surcharge_id: int
    title: Text
    description: Text | None
    group: bool = Field(description="for the whole group, not per participant")
    optional: bool
    price_cents: int
    vat_pct: Percentage


class TourPrices(BaseModel):
    prices: list[TourScalePrice | TourSurcharge | TourPrice] = Field(
        description="the default prices or the scale prices, then the surcharges that apply"
    )
    vat_pct: Percentage
    discount: int = Field(description="percent off the total of an order item of this tour")
    tax_included: bool


# --- start times -----------------------------------------------------------------------------

Depth = Literal["any", "all"]


class StartTimes(BaseModel):
    data: dict[str, bool | list[str]] = Field(
        description="day -> whether a start can be booked (depth=any) or the starts (depth=all)"
    )


class Participants(BaseModel):
    min: int = Field(description="the fewest participants a booking has")
    max: int = Field(description="the most participants a start takes")
    bookable: int = Field(description="participants left at this start")


class StartTime(BaseModel):
    start_time: str
    participants: Participants


class DayStartTimes(BaseModel):
    data: list[StartTime]


# --- equipment -------------------------------------------------------------------------------


class EquipmentDay(BaseModel):
    data: dict[str, dict[str, int]] = Field(
        description="equipment id -> start time -> how many are left then"
    )


class EquipmentStarts(BaseModel):
    data: dict[str, int] = Field(description="start time -> how many are left then")
