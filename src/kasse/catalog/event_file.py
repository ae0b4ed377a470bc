"""The events part of the catalog file: tag lists, seating plans (a hall described once), events
and their dates. A date inherits its event's prices and rules unless it gives its own.
"""

from __future__ import annotations

from typing import Self

from pydantic import AwareDatetime, Field, model_validator

from kasse.catalog.file_parts import Content, LocationIn, PictureIn, Strict, Texts

# The tag lists of ``GET /events/<kind>``, in the order the reference names them.
TAG_KINDS = (
    "categories",
    "languages",
    "age_groups",
    "audiences",
    "catch_words",
    "proposal_categories",
    "grades",
    "disablements",
)
# An event's tag lists, by the field that names them in the file and in the wire's filters.
EVENT_TAG_FIELDS = {
    "age_groups": "age_group_ids",
    "audiences": "audience_ids",
    "catch_words": "catch_word_ids",
    "disablements": "disablement_ids",
    "grades": "grade_ids",
    "proposal_categories": "proposal_category_ids",
}


class TagIn(Strict):
    id: int = Field(gt=0)
    name: Texts


class TagListsIn(Strict):
    categories: list[TagIn] = Field(default_factory=list)
    languages: list[TagIn] = Field(default_factory=list)
    age_groups: list[TagIn] = Field(default_factory=list)
    audiences: list[TagIn] = Field(default_factory=list)
    catch_words: list[TagIn] = Field(default_factory=list)
    proposal_categories: list[TagIn] = Field(default_factory=list)
    grades: list[TagIn] = Field(default_factory=list)
    disablements: list[TagIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        for kind in TAG_KINDS:
            ids = [tag.id for tag in getattr(self, kind)]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"{kind}: id {twice[0]} appears twice")
        return self


class SeatCategoryIn(Strict):
    id: int = Field(gt=0)
    title: str = Field(max_length=100)
    description: str = ""
    color_code: str = Field(default="#bdbdbd", pattern=r"^#[0-9a-fA-F]{6}$")


class SeatRowIn(Strict):
    id: int = Field(gt=0)
    title: str = Field(max_length=50)


class SeatTypeIn(Strict):
    id: int = Field(gt=0)
    title: str = Field(max_length=100)


class SeatIn(Strict):
    id: int = Field(gt=0)
    row_id: int
    category_id: int
    type_id: int | None = None
    title: str = Field(max_length=50)
    description: str | None = None
    # where the seat is drawn in the plan's SVG, in seat widths from the top left
    x: float = Field(ge=0, le=1000)
    y: float = Field(ge=0, le=1000)


class SeatingIn(Strict):
    id: int = Field(gt=0)
    title: Texts
    categories: list[SeatCategoryIn] = Field(min_length=1)
    rows: list[SeatRowIn] = Field(min_length=1)
    types: list[SeatTypeIn] = Field(default_factory=list)
    seats: list[SeatIn] = Field(min_length=1)
    blocked_seats: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for name, ids in (
            ("categories", [c.id for c in self.categories]),
            ("rows", [r.id for r in self.rows]),
            ("types", [t.id for t in self.types]),
            ("seats", [s.id for s in self.seats]),
        ):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"{name}: id {twice[0]} appears twice")
        categories = {c.id for c in self.categories}
        rows = {r.id for r in self.rows}
        types = {t.id for t in self.types}
        seats = {s.id for s in self.seats}
        for seat in self.seats:
            if seat.category_id not in categories:
                raise ValueError(f"seat {seat.id}: unknown category {seat.category_id}")
            if seat.row_id not in rows:
                raise ValueError(f"seat {seat.id}: unknown row {seat.row_id}")
            if seat.type_id is not None and seat.type_id not in types:
                raise ValueError(f"seat {seat.id}: unknown type {seat.type_id}")
        unknown = sorted(set(self.blocked_seats) - seats)
        if unknown:
            raise ValueError(f"blocked_seats: unknown seat {unknown[0]}")
        return self


class DefaultPriceIn(Strict):
    group: bool = False
    optional: bool = False
    price_cents: int = Field(ge=0, le=100_000_000)


class ScalePriceIn(Strict):
    id: int = Field(gt=0)
    title: Texts
    description: Texts | None = None
    # the seat category it is for (dates with a seating plan only)
    seat_category_id: int | None = None
    group: bool = False
    optional: bool = False
    price_cents: int = Field(ge=0, le=100_000_000)
    vat_pct: float | None = Field(default=None, ge=0, le=100)


class DateRules(Strict):
    """What a date inherits from its event unless it says otherwise."""

    duration: int | None = Field(default=None, gt=0, le=24 * 60)
    language_id: int | None = None
    min_seats: int | None = Field(default=None, ge=1, le=100_000)
    max_seats: int | None = Field(default=None, ge=0, le=100_000)
    max_per_registration: int | None = Field(default=None, ge=1, le=100_000)
    seating_id: int | None = None
    prices: list[DefaultPriceIn] | None = None
    scale_prices: list[ScalePriceIn] | None = None
    bookable: bool | None = None
    bookable_reseller: bool | None = None
    registerable: bool | None = None


class DateIn(DateRules):
    id: int = Field(gt=0, lt=1_000_000_000)
    start: AwareDatetime
    title: Texts | None = None
    sub_title: Texts | None = None
    description: Texts | None = None
    # blocked on this date on top of the seating's own blocked seats
    blocked_seat_ids: list[int] = Field(default_factory=list)


class EventIn(DateRules):
    id: int = Field(gt=0)
    museum_id: int = Field(gt=0)
    exhibition_id: int | None = None
    title: Texts
    sub_title: Texts | None = None
    description: Texts | None = None
    content: Content = Field(default_factory=dict)
    featured: bool = False
    category_id: int | None = None
    picture: PictureIn | None = None
    location: LocationIn | None = Field(default=None, description="default: its museum's")
    age_group_ids: list[int] = Field(default_factory=list)
    audience_ids: list[int] = Field(default_factory=list)
    catch_word_ids: list[int] = Field(default_factory=list)
    disablement_ids: list[int] = Field(default_factory=list)
    grade_ids: list[int] = Field(default_factory=list)
    proposal_category_ids: list[int] = Field(default_factory=list)
    vat_pct: float = Field(default=0.0, ge=0, le=100)
    discount: int = Field(default=0, ge=0, le=100)
    tax_included: bool = True
    dates: list[DateIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_dates(self) -> Self:
        ids = [d.id for d in self.dates]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"dates: id {twice[0]} appears twice")
        return self
