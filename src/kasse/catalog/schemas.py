"""Wire shapes of the catalog endpoints, exactly as go~mus clients parse them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from kasse.core.auth import Access
from kasse.core.i18n import Text
from kasse.core.pagination import Page
from kasse.core.wire import Percentage

TicketType = Literal["normal", "time_slot", "annual"]
Requirement = Literal["none", "optional", "required"]


class Meta(BaseModel):
    total_count: int
    page: int
    per_page: int

    @classmethod
    def of(cls, page: Page, total_count: int) -> Meta:
        return cls(total_count=total_count, page=page.page, per_page=page.per_page)


class Location(BaseModel):
    name: str | None
    street: str | None
    zip: str | None
    city: str | None
    country: str | None
    latitude: float | None
    longitude: float | None


class Picture(BaseModel):
    """Always present; every field null when no picture is configured."""

    title: Text | None
    description: Text | None
    copyright_info: Text | None
    teaser: str | None = Field(description="URL of the picture in teaser size")
    preview: str | None
    article: str | None
    detail: str | None


Content = dict[str, Any]
CONTENT = "key/value pairs the museum defines (shop_title, shop_description, ...), texts translated"


# --- tickets ---------------------------------------------------------------------------------


class TicketSummary(BaseModel):
    id: int
    title: Text
    ticket_type: TicketType
    bookable: bool = Field(description="bookable for the caller's access level on valid_at")
    museum_ids: list[int]
    exhibition_ids: list[int]
    price_cents: int
    discount: int = Field(description="discount in percent, for display")
    vat_pct: Percentage
    tax_included: bool
    entry_duration: int | None = Field(description="slot length in minutes (time_slot only)")
    min_persons: int
    max_persons: int
    quota_ids: list[int]
    first_entry: int | None = Field(description="first slot start, minutes after midnight")
    last_entry: int | None = Field(description="last slot start, minutes after midnight")
    personalizeable: bool
    attendees: Requirement
    identification: Requirement
    free_timing: bool = Field(description="flex ticket: sold without a date")


class TicketDetail(TicketSummary):
    sub_title: Text | None
    description: Text | None
    after_sale_information: Text | None
    content: Content = Field(description=CONTENT + "; shop_title defaults to the title")
    location: Location | None = Field(description="where the ticket's first museum is")
    sub_ticket_ids: list[int] | None = Field(
        default=None, description="only on combined tickets: the parts sold with them"
    )
    is_sub_ticket: bool


class TicketList(BaseModel):
    tickets: list[TicketSummary]
    meta: Meta


class TicketEnvelope(BaseModel):
    ticket: TicketDetail


class TicketContent(BaseModel):
    id: int
    content: Content = Field(description=CONTENT + "; shop_title defaults to the title")


class TicketContentList(BaseModel):
    data: list[TicketContent]
    meta: Meta


# --- museums ---------------------------------------------------------------------------------


class MuseumSummary(BaseModel):
    id: int
    title: Text
    sub_title: Text | None
    picture: Picture


class MuseumDetail(MuseumSummary):
    description: Text | None
    content: Content = Field(description=CONTENT)
    location: Location


class MuseumList(BaseModel):
    museums: list[MuseumSummary]
    meta: Meta


class MuseumEnvelope(BaseModel):
    museum: MuseumDetail


class OpeningHours(BaseModel):
    begin: str | None = Field(description="opening time, null on a closed day")
    end: str | None = Field(description="closing time, null on a closed day")


class OpeningHoursEnvelope(BaseModel):
    opening_hours: OpeningHours


# --- exhibitions -----------------------------------------------------------------------------


class TimeFrame(BaseModel):
    start_at: str | None = Field(description="local midnight of the first day")
    end_at: str | None = Field(description="local midnight of the last day (inclusive)")


class ExhibitionSummary(BaseModel):
    id: int
    museum_id: int
    title: Text
    sub_title: Text | None
    slider_description: Text | None = Field(description="shown by shop sliders")
    featured: bool
    picture: Picture
    time_frames: list[TimeFrame] = Field(description="none: a permanent exhibition")


class ExhibitionDetail(ExhibitionSummary):
    description: Text | None
    content: Content = Field(description=CONTENT)
    location: Location = Field(description="its own, or its museum's")


class ExhibitionList(BaseModel):
    exhibitions: list[ExhibitionSummary]
    meta: Meta


class ExhibitionEnvelope(BaseModel):
    exhibition: ExhibitionDetail


# --- lookups and instance facts --------------------------------------------------------------


class NamedEntry(BaseModel):
    id: int
    name: Text


class CountryEntry(NamedEntry):
    code: str = Field(description="ISO 3166-1 alpha-2")


class CountryList(BaseModel):
    countries: list[CountryEntry]
    meta: Meta


class StateEntry(NamedEntry):
    country_id: int


class StateList(BaseModel):
    states: list[StateEntry]
    meta: Meta


class SalutationList(BaseModel):
    salutations: list[NamedEntry]
    meta: Meta


class DispatchModeList(BaseModel):
    dispatch_modes: list[NamedEntry]
    meta: Meta


class LocaleList(BaseModel):
    locales: list[str]


class Version(BaseModel):
    system: str = Field(description="kasse's version")
    api: str = Field(description="the go~mus API version kasse speaks")
    release: str = Field(description="the name of the release")
    time: str = Field(description="the server's clock in the instance's time zone")
    zone: str
    currency: str
    per_page: int = Field(description="the largest per_page accepted")


class VersionEnvelope(BaseModel):
    version: Version


class WhoAmI(BaseModel):
    access: Access
    museums: list[int] | None = Field(
        default=None,
        description="the museums a user, cash point or reseller token is limited to "
        "(absent for a token of every museum, for customers and the public)",
    )
