"""Wire shapes of the public events endpoints, key for key as the reference shows them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kasse.catalog.schemas import CONTENT, Content, Location, Meta, NamedEntry, Picture
from kasse.core.i18n import Text
from kasse.core.wire import Percentage

# --- lookups ---------------------------------------------------------------------------------


class CategoryList(BaseModel):
    categories: list[NamedEntry]


class LanguageList(BaseModel):
    languages: list[NamedEntry]


class AgeGroupList(BaseModel):
    age_groups: list[NamedEntry]


class AudienceList(BaseModel):
    audiences: list[NamedEntry]


class CatchWordList(BaseModel):
    catch_words: list[NamedEntry]


class ProposalCategoryList(BaseModel):
    proposal_categories: list[NamedEntry]


class GradeList(BaseModel):
    grades: list[NamedEntry]


class DisablementList(BaseModel):
    disablements: list[NamedEntry]


# --- events ----------------------------------------------------------------------------------


class EventSummary(BaseModel):
    id: int
    exhibition_id: int | None
    museum_id: int
    title: Text
    sub_title: Text | None
    featured: bool
    bookable: bool = Field(description="the caller can book one of its dates that lie ahead")
    registerable: bool
    category: NamedEntry | None
    picture: Picture
    location: Location = Field(description="the event's own, or its museum's")
    age_groups: list[NamedEntry]
    audiences: list[NamedEntry]
    catch_words: list[NamedEntry]
    disablements: list[NamedEntry]
    grades: list[NamedEntry]
    proposal_categories: list[NamedEntry]
    languages: list[NamedEntry] = Field(description="the languages of its dates")


class EventDetail(EventSummary):
    description: Text | None
    content: Content = Field(description=CONTENT)


class EventList(BaseModel):
    events: list[EventSummary]
    meta: Meta


class EventEnvelope(BaseModel):
    event: EventDetail


# --- dates -----------------------------------------------------------------------------------


class Seats(BaseModel):
    min: int = Field(description="the fewest places one booking takes")
    max: int = Field(description="the places of the date")
    booked: int = Field(description="places sold or held by reservations and open orders")
    available: int = Field(description="places left: max less booked")
    max_per_registration: int | None = Field(description="the most places one order may take")


class DateCategory(NamedEntry):
    filtername: str = Field(
        description="the category's name in the instance's default locale, as by_categories[] "
        "takes it"
    )


class DateSummary(BaseModel):
    id: int
    event_id: int
    exhibition_id: int | None
    museum_id: int
    category: DateCategory | None
    bookable: bool = Field(description="the caller can book it and it lies ahead")
    registerable: bool
    title: Text = Field(description="the date's own, or its event's")
    sub_title: Text | None
    start_time: str
    duration: int = Field(description="minutes")
    seats: Seats
    language: NamedEntry | None


class DateList(BaseModel):
    dates: list[DateSummary]
    meta: Meta


class SeatCategory(BaseModel):
    id: int
    title: str
    description: str
    color_code: str


class SeatRow(BaseModel):
    id: int
    title: str


class SeatType(BaseModel):
    id: int
    title: str


class Seat(BaseModel):
    id: int
    row_id: int
    category_id: int
    type_id: int | None
    title: str
    description: str | None


class SeatingOut(BaseModel):
    blocked_seats: list[int] = Field(description="the seating's blocked seats and the date's own")
    categories: list[SeatCategory]
    rows: list[SeatRow]
    seats: list[Seat]
    types: list[SeatType]
    visual_url: str = Field(description="the plan as SVG, the date's taken seats marked")
    reservations: list[int] = Field(
        description="kasse: the seats already taken on this date (sold, or held by a "
        "reservation or an open order)"
    )


class DefaultPrice(BaseModel):
    # extra keys forbidden: a scale price is never read back as a default price
    model_config = ConfigDict(extra="forbid")

    group: bool = Field(description="for the whole booking, not per participant")
    optional: bool
    price_cents: int


class ScalePrice(BaseModel):
    scale_price_id: int
    seat_category_id: int | None = Field(
        default=None, description="only on dates with a seating plan"
    )
    seat_category_title: str | None = Field(
        default=None, description="only on dates with a seating plan"
    )
    title: Text
    description: Text | None
    group: bool = Field(description="for the whole booking, not per participant")
    optional: bool
    price_cents: int
    vat_pct: Percentage


class DateDetail(BaseModel):
    id: int
    event_id: int
    exhibition_id: int | None
    museum_id: int
    category: NamedEntry | None
    bookable: bool = Field(description="the caller can book it and it lies ahead")
    registerable: bool
    title: Text = Field(description="the date's own, or its event's")
    sub_title: Text | None
    description: Text | None
    start_time: str
    vat_pct: Percentage
    discount: int = Field(description="percent off the total of an order item of this date")
    tax_included: bool
    seats: Seats
    seatings: list[SeatingOut] = Field(description="empty: no seating plan, no seat to choose")
    location: Location = Field(description="the event's own, or its museum's")
    language: NamedEntry | None
    prices: list[DefaultPrice | ScalePrice]


class DateEnvelope(BaseModel):
    date: DateDetail


# --- calendar --------------------------------------------------------------------------------

Depth = Literal["any", "all", "availability_status"]


class CalendarDate(BaseModel):
    id: int
    event_id: int
    capacities: list[dict[str, int]] = Field(
        description="one {start: places left}, the start as `2026-07-06 11:00:00 +0200`"
    )


class CalendarDateEntry(BaseModel):
    date: CalendarDate


class EventCalendar(BaseModel):
    data: dict[str, bool | str | list[CalendarDateEntry]] = Field(
        description="day -> true/false (depth=any), a status word (depth=availability_status) "
        "or the bookable dates with their places left (depth=all)"
    )
