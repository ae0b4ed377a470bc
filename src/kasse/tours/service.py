"""Tours as the public API reads them: tag lists, the tour index, one tour, its prices at a date,
its start times and the equipment left at them.

Master data comes from the in-memory catalog (``catalog.tours``); start times and what is left
from ``tours/starts.py``, the one computation of them. Bookable means the caller may book the tour
(``TourData.bookable_for``: its sales channels, the caller's museums); the start-time answers are
given only for such a tour (the reference: a public caller gets them only for a tour on sale in
the shop).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kasse.availability.service import calendar_days
from kasse.catalog.service import title_matches
from kasse.catalog.snapshot import Catalog
from kasse.catalog.tour_snapshot import TourData
from kasse.core.auth import Principal
from kasse.core.errors import Forbidden, NotFound, Unprocessable
from kasse.core.pagination import Page, PageOf, paginate
from kasse.core.times import local_date, to_utc, today
from kasse.events.service import EventFilter, product_matches
from kasse.items.context import RequestContext
from kasse.models import Equipment, ProductTag
from kasse.tours.starts import StartOption, candidate_starts, equipment_left, start_options


@dataclass(frozen=True)
class TourView:
    data: TourData
    bookable: bool


@dataclass(frozen=True)
class PriceList:
    """What a tour costs at a date, time and language (rows as stored: prices, scale prices and
    the surcharges that apply)."""

    tour: TourData
    prices: list[dict[str, Any]]
    scale_prices: list[dict[str, Any]]
    surcharges: list[dict[str, Any]]


@dataclass(frozen=True)
class Window:
    """The part of a day a start-time answer looks at, and for whom."""

    opening: tuple[int, int]
    participants: int | None  # None: the tour's min_participants
    language_id: int | None


# --- tag lists -------------------------------------------------------------------------------


def tag_list(catalog: Catalog, kind: str) -> list[ProductTag]:
    """A lookup list of the tours part in the catalog file's order."""
    return list(catalog.tours.tags.get(kind, ()))


def bookable_languages(catalog: Catalog, principal: Principal) -> list[ProductTag]:
    """The languages of the tours the caller can book."""
    used = {
        i
        for tour in catalog.tours.tours.values()
        if tour.bookable_for(principal)
        for i in tour.row.language_ids
    }
    return [tag for tag in tag_list(catalog, "languages") if tag.id in used]


# --- tours -----------------------------------------------------------------------------------


def list_tours(ctx: RequestContext, f: EventFilter, page: Page) -> PageOf[TourView]:
    """The tour index in the catalog file's order; within a filter any id matches, all filters
    must."""
    tours = ctx.catalog.tours
    views: list[TourView] = []
    for tour in tours.tours.values():
        row = tour.row
        if not (
            ctx.principal.may_see_museums([row.museum_id])
            and product_matches(tours, row, f)
            and title_matches(row.title, f.q)
            and (f.language_ids is None or not f.language_ids.isdisjoint(row.language_ids))
        ):
            continue
        bookable = tour.bookable_for(ctx.principal)
        if f.bookable is None or bookable == f.bookable:
            views.append(TourView(data=tour, bookable=bookable))
    return paginate(views, page)


def visible_tour(ctx: RequestContext, tour_id: int) -> TourData:
    tour = ctx.catalog.tours.tours.get(tour_id)
    if tour is None or not ctx.principal.may_see_museums([tour.museum_id]):
        raise NotFound(f"tour {tour_id} not found")
    return tour


def get_tour(ctx: RequestContext, tour_id: int) -> TourView:
    tour = visible_tour(ctx, tour_id)
    return TourView(data=tour, bookable=tour.bookable_for(ctx.principal))


def tour_equipment(catalog: Catalog, tour: TourData) -> list[Equipment]:
    return [catalog.tours.equipment[e] for e in tour.row.equipment_ids]


# --- prices ----------------------------------------------------------------------------------


def _language(tour: TourData, language_id: int | None) -> int:
    """The asked language (one of the tour's), else the tour's first."""
    if language_id is None:
        return int(tour.row.language_ids[0])
    if language_id not in tour.row.language_ids:
        raise Unprocessable(f"language_id: tour {tour.id} is not guided in language {language_id}")
    return language_id


def surcharge_applies(surcharge: dict[str, Any], day: date, language_id: int) -> bool:
    """A surcharge applies on its weekdays and for its languages (either empty: any)."""
    weekdays, languages = surcharge["weekdays"], surcharge["language_ids"]
    return (not weekdays or day.weekday() in weekdays) and (
        not languages or language_id in languages
    )


def prices(
    ctx: RequestContext, tour_id: int, day: date | None, language_id: int | None
) -> PriceList:
    """The tour's prices and the surcharges that apply on ``day`` (default today) in the
    language (default the tour's first). Time and participants change nothing in kasse's
    tours: no surcharge depends on them."""
    tour = visible_tour(ctx, tour_id)
    language = _language(tour, language_id)
    when = day or today(ctx.now, ctx.tz)
    row = tour.row
    return PriceList(
        tour=tour,
        prices=list(row.prices),
        scale_prices=list(row.scale_prices),
        surcharges=[s for s in row.surcharges if surcharge_applies(s, when, language)],
    )


# --- start times -----------------------------------------------------------------------------


def _on_sale(ctx: RequestContext, tour_id: int) -> TourData:
    tour = visible_tour(ctx, tour_id)
    if not tour.bookable_for(ctx.principal):
        raise Forbidden(f"tour {tour_id} is not on sale to this caller")
    return tour


def _check_window(window: Window) -> None:
    begin, end = window.opening
    if begin >= end:
        raise Unprocessable("opening_hours_end must lie after opening_hours_start")


async def _options(
    ctx: RequestContext, tour: TourData, days: list[date], window: Window
) -> dict[date, list[StartOption]]:
    _check_window(window)
    language = None if window.language_id is None else _language(tour, window.language_id)
    return await start_options(
        ctx.session,
        ctx.catalog,
        tour,
        days,
        ctx.now,
        ctx.tz,
        language_id=language,
        participants=window.participants or tour.row.min_participants,
        window=window.opening,
    )


async def start_times(
    ctx: RequestContext, tour_id: int, start_at: date | None, end_at: date | None, window: Window
) -> dict[date, list[StartOption]]:
    """Per day of ``start_at`` (today) to ``end_at`` (the end of its month, at most 93 days),
    the starts that can take the participants."""
    tour = _on_sale(ctx, tour_id)
    days = calendar_days(start_at, end_at, ctx.now, ctx.tz)
    return await _options(ctx, tour, days, window)


async def day_start_times(
    ctx: RequestContext, tour_id: int, day: date, window: Window
) -> tuple[TourData, list[StartOption]]:
    tour = _on_sale(ctx, tour_id)
    return tour, (await _options(ctx, tour, [day], window))[day]


# --- equipment -------------------------------------------------------------------------------


def _equipment_ids(tour: TourData, equipment_id: int | None) -> list[int]:
    ids = [int(e) for e in tour.row.equipment_ids]
    if equipment_id is None:
        return ids
    if equipment_id not in ids:
        raise NotFound(f"equipment {equipment_id} of tour {tour.id} not found")
    return [equipment_id]


async def equipment_on(
    ctx: RequestContext, tour_id: int, equipment_id: int | None, day: date | None
) -> dict[int, dict[datetime, int]]:
    """Per equipment of the tour (or the one asked), what is left at each start of ``day``
    (default today) the tour's rules allow."""
    tour = visible_tour(ctx, tour_id)
    ids = _equipment_ids(tour, equipment_id)
    starts = candidate_starts(ctx.catalog, tour, day or today(ctx.now, ctx.tz), ctx.now, ctx.tz)
    return await equipment_left(ctx.session, ctx.catalog, tour, ids, starts, ctx.now)


async def equipment_at(
    ctx: RequestContext, tour_id: int, equipment_id: int, moment: datetime
) -> dict[datetime, int]:
    """What is left of one equipment at one start of the tour."""
    tour = visible_tour(ctx, tour_id)
    ids = _equipment_ids(tour, equipment_id)
    start = to_utc(moment, ctx.tz)
    if start not in candidate_starts(ctx.catalog, tour, local_date(start, ctx.tz), ctx.now, ctx.tz):
        raise Unprocessable(f"{moment.isoformat()} is not a start time of tour {tour_id}")
    left = await equipment_left(ctx.session, ctx.catalog, tour, ids, [start], ctx.now)
    return left[equipment_id]
