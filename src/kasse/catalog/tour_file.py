"""The tours part of the catalog file: tag lists, guides, equipment and tours with their start-time
pattern, prices, surcharges and the equipment they lend."""

from __future__ import annotations

import re
from typing import Self

from pydantic import Field, field_validator, model_validator

from kasse.catalog.file_parts import WEEKDAYS, Content, LocationIn, PictureIn, Strict, Texts

_HOURS = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-4]):([0-5]\d)$")


def clock_minute(value: str) -> int:
    hour, minute = value.split(":")
    return int(hour) * 60 + int(minute)


class GuideIn(Strict):
    id: int = Field(gt=0)
    name: str = Field(min_length=1, max_length=200)
    language_ids: list[int] = Field(min_length=1)
    museum_ids: list[int] = Field(default_factory=list, description="default: every museum")
    # weekday ("mon") -> "09:00-17:00"; a day not given: the guide does not work then; no hours
    # at all: the museum's opening hours
    hours: dict[str, str] = Field(default_factory=dict)

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, span in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not a weekday like 'mon'")
            match = _HOURS.match(span)
            if not match or clock_minute(span.split("-")[0]) >= clock_minute(span.split("-")[1]):
                raise ValueError(f"{day}: {span!r} is not a span of time like '09:00-17:00'")
        return value


class EquipmentIn(Strict):
    id: int = Field(gt=0)
    museum_id: int = Field(gt=0)
    title: Texts
    description: Texts | None = None
    stock: int = Field(ge=0, le=100_000)


class StartRuleIn(Strict):
    """Start times from ``first`` to ``last`` every ``every`` minutes (a multiple of 15), on
    ``weekdays`` (default every day the museum is open)."""

    first: str = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    last: str = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    every: int = Field(default=30, ge=15, le=24 * 60)
    weekdays: list[str] = Field(default_factory=lambda: list(WEEKDAYS))

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.every % 15:
            raise ValueError("every: start times lie in 15-minute steps")
        if clock_minute(self.first) > clock_minute(self.last):
            raise ValueError("first is after last")
        unknown = [d for d in self.weekdays if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"weekdays: {unknown[0]!r} is not a weekday like 'mon'")
        return self


class TourPriceIn(Strict):
    title: Texts
    description: Texts | None = None
    group: bool = True
    optional: bool = False
    price_cents: int = Field(ge=0, le=100_000_000)
    vat_pct: float | None = Field(default=None, ge=0, le=100)


class TourScalePriceIn(TourPriceIn):
    id: int = Field(gt=0)
    group: bool = False


class SurchargeIn(TourPriceIn):
    """A surcharge that applies on ``weekdays`` and/or for ``language_ids`` (either empty: any)."""

    id: int = Field(gt=0)
    weekdays: list[str] = Field(default_factory=list)
    language_ids: list[int] = Field(default_factory=list)

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a weekday like 'mon'")
        return value


class TourIn(Strict):
    id: int = Field(gt=0, lt=1_000_000_000)
    museum_id: int = Field(gt=0)
    exhibition_id: int | None = None
    title: Texts
    sub_title: Texts | None = None
    description: Texts | None = None
    content: Content = Field(default_factory=dict)
    featured: bool = False
    registerable: bool = False
    bookable: bool = True
    bookable_reseller: bool | None = None
    category_id: int | None = None
    picture: PictureIn | None = None
    location: LocationIn | None = Field(default=None, description="default: its museum's")
    age_group_ids: list[int] = Field(default_factory=list)
    audience_ids: list[int] = Field(default_factory=list)
    catch_word_ids: list[int] = Field(default_factory=list)
    disablement_ids: list[int] = Field(default_factory=list)
    grade_ids: list[int] = Field(default_factory=list)
    proposal_category_ids: list[int] = Field(default_factory=list)
    language_ids: list[int] = Field(min_length=1)
    language_bound: bool = True
    duration: int = Field(gt=0, le=24 * 60)
    min_participants: int = Field(default=1, ge=1, le=10_000)
    max_participants: int = Field(ge=1, le=10_000)
    start_times: StartRuleIn
    lead_days: int = Field(default=0, ge=0, le=365)
    prices: list[TourPriceIn] = Field(default_factory=list)
    scale_prices: list[TourScalePriceIn] = Field(default_factory=list)
    surcharges: list[SurchargeIn] = Field(default_factory=list)
    equipment_ids: list[int] = Field(default_factory=list)
    vat_pct: float = Field(default=0.0, ge=0, le=100)
    discount: int = Field(default=0, ge=0, le=100)
    tax_included: bool = True

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.min_participants > self.max_participants:
            raise ValueError("min_participants is greater than max_participants")
        if bool(self.prices) == bool(self.scale_prices):
            raise ValueError("a tour has either prices or scale_prices")
        for name, ids in (
            ("scale_prices", [p.id for p in self.scale_prices]),
            ("surcharges", [s.id for s in self.surcharges]),
        ):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"{name}: id {twice[0]} appears twice")
        return self
