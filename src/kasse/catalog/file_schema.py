"""The catalog file ``kasse load FILE`` reads (YAML or JSON), validated before anything is written."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from kasse.catalog.event_file import EventIn, SeatingIn, TagListsIn
from kasse.catalog.file_parts import WEEKDAYS, Content, LocationIn, PictureIn, Strict, Texts
from kasse.catalog.tour_file import EquipmentIn, GuideIn, TourIn

BarcodeMethodIn = Literal["ean", "code39", "qr"]
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def clock_to_minute(value: str) -> int:
    match = _CLOCK.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time of day like '09:30'")
    return int(match.group(1)) * 60 + int(match.group(2))


class MuseumIn(Strict):
    id: int = Field(gt=0)
    title: Texts
    sub_title: Texts | None = None
    description: Texts | None = None
    content: Content = Field(default_factory=dict)
    picture: PictureIn | None = None
    location: LocationIn = Field(default_factory=LocationIn)
    # weekday -> "10:00-18:00", or null / missing for a closed day
    opening_hours: dict[str, str | None] = Field(default_factory=dict)
    closed_on: list[date] = Field(default_factory=list)
    barcode_method: BarcodeMethodIn = "ean"
    vat_id: str | None = Field(default=None, max_length=40)

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for day, span in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}; use one of {', '.join(WEEKDAYS)}")
            if span is not None:
                begin, sep, end = span.partition("-")
                if not sep or clock_to_minute(begin) >= clock_to_minute(end):
                    raise ValueError(f"{day}: {span!r} is not a span like '10:00-18:00'")
        return value

    def hours(self) -> dict[int, tuple[int, int]]:
        result: dict[int, tuple[int, int]] = {}
        for day, span in self.opening_hours.items():
            if span is not None:
                begin, _, end = span.partition("-")
                result[WEEKDAYS.index(day)] = (clock_to_minute(begin), clock_to_minute(end))
        return result


class ExhibitionIn(Strict):
    id: int = Field(gt=0)
    museum_id: int = Field(gt=0)
    title: Texts
    sub_title: Texts | None = None
    slider_description: Texts | None = None
    description: Texts | None = None
    content: Content = Field(default_factory=dict)
    featured: bool = False
    picture: PictureIn | None = None
    location: LocationIn | None = Field(default=None, description="default: its museum's")
    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _frame(self) -> Self:
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValueError("start_date is after end_date")
        return self


class QuotaIn(Strict):
    id: int = Field(gt=0)
    title: str
    capacity: int = Field(ge=0, le=1_000_000)


TicketType = Literal["normal", "time_slot", "annual"]
Requirement = Literal["none", "optional", "required"]


class TicketFields(Strict):
    id: int = Field(gt=0)
    title: Texts
    sub_title: Texts | None = None
    description: Texts | None = None
    after_sale_information: Texts | None = None
    content: Content = Field(default_factory=dict)
    ticket_type: TicketType = "normal"
    entry_duration: int | None = Field(default=None, gt=0, le=1440)
    first_entry: str | None = None
    last_entry: str | None = None
    quota_ids: list[int] = Field(default_factory=list)
    museum_ids: list[int] = Field(default_factory=list)

    @field_validator("first_entry", "last_entry")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        if value is not None:
            clock_to_minute(value)
        return value

    @model_validator(mode="after")
    def _slots(self) -> Self:
        if self.ticket_type == "time_slot" and self.entry_duration is None:
            raise ValueError("a time_slot ticket needs entry_duration (slot length in minutes)")
        if self.ticket_type != "time_slot" and self.entry_duration is not None:
            raise ValueError("entry_duration is only for time_slot tickets")
        if (
            self.first_entry
            and self.last_entry
            and clock_to_minute(self.first_entry) > clock_to_minute(self.last_entry)
        ):
            raise ValueError("first_entry is after last_entry")
        return self


class SubTicketIn(TicketFields):
    pass


class TicketIn(TicketFields):
    price_cents: int = Field(ge=0, le=100_000_000)
    discount: int = Field(default=0, ge=0, le=100)
    vat_pct: float = Field(default=0.0, ge=0, le=100)
    tax_included: bool = True
    min_persons: int = Field(default=1, ge=1, le=10_000)
    max_persons: int = Field(default=10, ge=1, le=10_000)
    personalizeable: bool = False
    attendees: Requirement = "none"
    identification: Requirement = "none"
    free_timing: bool = False
    bookable: bool = True
    bookable_reseller: bool | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    exhibition_ids: list[int] = Field(default_factory=list)
    sub_tickets: list[SubTicketIn] = Field(default_factory=list)
    sub_ticket_min_gap: int | None = Field(default=None, ge=0, le=1440)
    barcode_method: BarcodeMethodIn | None = None
    validity_months: int = Field(
        default=12, ge=1, le=120, description="annual passes: months of validity from the start"
    )

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.min_persons > self.max_persons:
            raise ValueError("min_persons is greater than max_persons")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        if self.sub_tickets and self.ticket_type != "time_slot":
            raise ValueError("only a time_slot ticket can have sub_tickets")
        if self.free_timing and self.quota_ids:
            raise ValueError(
                "a free_timing (flex) ticket has no date, so it cannot draw from quotas"
            )
        if self.free_timing and self.ticket_type != "normal":
            raise ValueError("free_timing is only for normal tickets")
        if not self.museum_ids:
            raise ValueError("museum_ids: a ticket belongs to at least one museum")
        return self


class CouponIn(Strict):
    """A value voucher for sale: it costs ``price_cents`` and pays ``value_cents`` (they may differ,
    e.g. a 50 € coupon sold for 45 €)."""

    id: int = Field(gt=0)
    title: Texts
    description: Texts | None = None
    museum_ids: list[int] = Field(default_factory=list)
    price_cents: int = Field(ge=0, le=100_000_000)
    value_cents: int = Field(gt=0, le=100_000_000)
    vat_pct: float = Field(default=0.0, ge=0, le=100)
    tax_included: bool = True
    min_quantity: int = Field(default=1, ge=1, le=10_000)
    max_quantity: int = Field(default=10, ge=1, le=10_000)
    bookable: bool = True
    bookable_reseller: bool | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.min_quantity > self.max_quantity:
            raise ValueError("min_quantity is greater than max_quantity")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        if not self.museum_ids:
            raise ValueError("museum_ids: a coupon belongs to at least one museum")
        return self


# The colours and texts of a scanner's screen (GET /api/v4/entry/config), with kasse's defaults.
SCANNER_SETTINGS: dict[str, str] = {
    "primary_color": "#1AB394",
    "headline": "kasse",
    "background_color": "#F5F5F5",
    "background_color_valid": "#1CAC26",
    "background_color_warning": "#F8C81C",
    "default_panel_color": "#FFFFFF",
    "warning_panel_color": "#AE0015",
    "warning_text_color": "#FFFFFF",
    "text_color": "#4A4A4A",
    "button_default_color": "#4A4A4A",
    "button_default_filling": "#F5F5F5",
    "button_info_color": "#006080",
    "button_info_filling": "#F5F5F5",
    "button_warning_color": "#AE0015",
    "button_warning_filling": "#F5F5F5",
}


class EntryZoneIn(Strict):
    """A place where scanners stand; scanners name it as ``entry_zone`` or ``location``."""

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:=+/-]+$")
    name: str = Field(min_length=1, max_length=200)
    museum_id: int | None = Field(default=None, gt=0)
    settings: dict[str, str] = Field(default_factory=dict)

    @field_validator("settings")
    @classmethod
    def _known_settings(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SCANNER_SETTINGS))
        if unknown:
            raise ValueError(
                f"unknown scanner settings {', '.join(unknown)}; "
                f"known: {', '.join(SCANNER_SETTINGS)}"
            )
        return value


_TEXT_KEY = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
_LOCALE = re.compile(r"^[a-z]{2}$")


class ShopIn(Strict):
    """What a shop front-end reads from GET /api/v4/shop; every part is optional."""

    name: Texts | None = None
    # locale -> dotted key -> text: replaces kasse's own text of that key (or adds a key)
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)
    content: dict[str, Any] = Field(default_factory=dict)

    @field_validator("translations")
    @classmethod
    def _keys(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for locale, texts in value.items():
            if not _LOCALE.match(locale):
                raise ValueError(f"{locale!r} is not a locale like 'de'")
            bad = [key for key in texts if not _TEXT_KEY.match(key)]
            if bad:
                raise ValueError(
                    f"{locale}: {bad[0]!r} is not a dotted key like 'cart.item.remove'"
                )
        return value


class CatalogFile(Strict):
    museums: list[MuseumIn] = Field(default_factory=list)
    exhibitions: list[ExhibitionIn] = Field(default_factory=list)
    quotas: list[QuotaIn] = Field(default_factory=list)
    tickets: list[TicketIn] = Field(default_factory=list)
    coupons: list[CouponIn] = Field(default_factory=list)
    entry_zones: list[EntryZoneIn] = Field(default_factory=list)
    shop: ShopIn | None = None
    # the lists events are tagged and filtered by; given, they replace the lists loaded before
    event_tags: TagListsIn | None = None
    seatings: list[SeatingIn] = Field(default_factory=list)
    events: list[EventIn] = Field(default_factory=list)
    # the lists tours are tagged and filtered by; given, they replace the lists loaded before
    tour_tags: TagListsIn | None = None
    guides: list[GuideIn] = Field(default_factory=list)
    equipment: list[EquipmentIn] = Field(default_factory=list)
    tours: list[TourIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ticket_ids = [t.id for t in self.tickets] + [
            s.id for t in self.tickets for s in t.sub_tickets
        ]
        for kind, ids in (
            ("museum", [m.id for m in self.museums]),
            ("exhibition", [e.id for e in self.exhibitions]),
            ("quota", [q.id for q in self.quotas]),
            ("ticket", ticket_ids),
            ("coupon", [c.id for c in self.coupons]),
            ("entry zone", [z.id for z in self.entry_zones]),
            ("seating", [s.id for s in self.seatings]),
            ("seat", [seat.id for s in self.seatings for seat in s.seats]),
            ("event", [e.id for e in self.events]),
            ("event date", [d.id for e in self.events for d in e.dates]),
            ("guide", [g.id for g in self.guides]),
            ("equipment", [e.id for e in self.equipment]),
            ("tour", [t.id for t in self.tours]),
        ):
            seen: set[int | str] = set()
            for entry_id in ids:
                if entry_id in seen:
                    raise ValueError(f"{kind} id {entry_id} appears twice")
                seen.add(entry_id)
        return self
