"""HTTP routes of the public tours API: tag lists, tours, prices, start times, equipment."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from kasse.catalog.dependencies import Locale
from kasse.catalog.event_file import EVENT_TAG_FIELDS
from kasse.catalog.routes import picture_of
from kasse.catalog.schemas import Location, Meta, NamedEntry
from kasse.catalog.snapshot import Catalog
from kasse.core.pagination import PageParams
from kasse.core.params import IsoDate, Moment
from kasse.core.times import render
from kasse.core.wire import ParamId, ParamLookupId
from kasse.events.routes import Filters, RangeEnd, RangeStart, add_tag_lists, named
from kasse.events.schemas import LanguageList
from kasse.items.context import Context, RequestContext
from kasse.tours import service
from kasse.tours.schemas import (
    DayStartTimes,
    Depth,
    EquipmentDay,
    EquipmentOut,
    EquipmentStarts,
    Limitations,
    Participants,
    StartTime,
    StartTimes,
    TourBase,
    TourDetail,
    TourEnvelope,
    TourList,
    TourPicture,
    TourPrice,
    TourPrices,
    TourScalePrice,
    TourSummary,
    TourSurcharge,
)
from kasse.tours.starts import DEFAULT_WINDOW

router = APIRouter(tags=["tours"])

TourId = Annotated[ParamLookupId, Path()]
MINUTES_OF_A_DAY = 24 * 60
LanguageId = Annotated[
    ParamId | None,
    Query(description="the language of the tour (one of its languages); default: any of them"),
]
OpeningStart = Annotated[
    int,
    Query(
        ge=0, le=MINUTES_OF_A_DAY, description="minutes after midnight; a tour starts no earlier"
    ),
]
OpeningEnd = Annotated[
    int,
    Query(ge=0, le=MINUTES_OF_A_DAY, description="minutes after midnight; a tour ends no later"),
]
ParticipantCount = Annotated[
    int | None,
    Query(ge=1, le=10_000, description="participants to book; default the tour's minimum"),
]


# --- shapes ----------------------------------------------------------------------------------


def _tagged(catalog: Catalog, kind: str, ids: list[int], locale: Locale) -> list[NamedEntry]:
    names = catalog.tours.tag_names(kind)
    return [NamedEntry(id=i, name=locale.title(names[i])) for i in ids if i in names]


def _base(ctx: RequestContext, view: service.TourView) -> TourBase:
    catalog, locale, row = ctx.catalog, ctx.locale, view.data.row
    category = _tagged(catalog, "categories", [row.category_id] if row.category_id else [], locale)
    location = catalog.event_location(row)
    assert location is not None  # a tour's museum exists (foreign key)
    return TourBase(
        id=row.id,
        exhibition_id=row.exhibition_id,
        museum_id=row.museum_id,
        title=locale.title(row.title),
        sub_title=locale.text(row.sub_title),
        bookable=view.bookable,
        registerable=row.registerable,
        featured=row.featured,
        category=category[0] if category else None,
        picture=TourPicture(
            **picture_of(row.picture, locale).model_dump(),
            original=(row.picture or {}).get("detail"),
        ),
        location=Location(**location),
        languages=_tagged(catalog, "languages", row.language_ids, locale),
        **{
            kind: _tagged(catalog, kind, row.tags.get(kind, []), locale)
            for kind in EVENT_TAG_FIELDS
        },
    )


def _equipment(ctx: RequestContext, view: service.TourView) -> list[EquipmentOut]:
    return [
        EquipmentOut(
            id=e.id,
            title=ctx.locale.title(e.title),
            description=ctx.locale.text(e.description),
            stock=e.stock,
        )
        for e in service.tour_equipment(ctx.catalog, view.data)
    ]


def _price_fields(price: dict[str, Any], locale: Locale) -> dict[str, Any]:
    """A stored price (default, scale or surcharge) in the locale, without its id."""
    return {
        "title": locale.title(price["title"]),
        "description": locale.text(price["description"]),
        "group": price["group"],
        "optional": price["optional"],
        "price_cents": price["price_cents"],
        "vat_pct": price["vat_pct"],
    }


def _stamp(moment: datetime, ctx: RequestContext) -> str:
    return render(moment, ctx.tz) or ""


# --- tag lists -------------------------------------------------------------------------------

add_tag_lists(
    router,
    "tours",
    service.tag_list,
    ("categories", "age_groups", "audiences", "catch_words", "proposal_categories", "grades"),
)


@router.get("/tours/languages", summary="Languages of the tours the caller can book")
async def tour_languages(ctx: Context) -> LanguageList:
    languages = service.bookable_languages(ctx.catalog, ctx.principal)
    return LanguageList(languages=named(languages, ctx.locale))


# --- tours -----------------------------------------------------------------------------------


@router.get("/tours", summary="List tours")
async def list_tours(
    ctx: Context, page: PageParams, filters: Filters, by_featured: bool | None = None
) -> TourList:
    result = service.list_tours(ctx, replace(filters, featured=by_featured), page)
    return TourList(
        tours=[
            TourSummary(
                **_base(ctx, view).model_dump(), equipment=bool(view.data.row.equipment_ids)
            )
            for view in result.items
        ],
        meta=Meta.of(page, result.total_count),
    )


@router.get("/tours/{tour_id:int}", summary="One tour in detail, with its equipment")
async def get_tour(ctx: Context, tour_id: TourId) -> TourEnvelope:
    view = service.get_tour(ctx, tour_id)
    row = view.data.row
    return TourEnvelope(
        tour=TourDetail(
            **_base(ctx, view).model_dump(),
            description=ctx.locale.text(row.description),
            content=ctx.locale.content(row.content),
            limitations=Limitations(language=row.language_bound),
            equipment=_equipment(ctx, view),
        )
    )


# --- prices ----------------------------------------------------------------------------------


@router.get(
    "/tours/{tour_id:int}/prices",
    summary="The tour's prices with the surcharges that apply at a date and in a language",
)
async def tour_prices(
    ctx: Context,
    tour_id: TourId,
    day: Annotated[
        IsoDate | None, Query(alias="date", description="YYYY-MM-DD, default today")
    ] = None,
    clock_time: Annotated[
        str,
        Query(
            alias="time",
            pattern=r"^([01][0-9]|2[0-3])[-:][0-5][0-9]$",
            description="HH-MM (or HH:MM), default 12-00; no kasse price depends on it",
        ),
    ] = "12-00",
    participants: Annotated[
        int, Query(ge=1, le=10_000, description="default 1; no kasse price depends on it")
    ] = 1,
    language_id: Annotated[
        ParamId | None, Query(description="one of the tour's languages, default its first")
    ] = None,
) -> TourPrices:
    listed = service.prices(ctx, tour_id, day, language_id)
    row = listed.tour.row

    def texts(price: dict[str, Any]) -> dict[str, Any]:
        return _price_fields(price, ctx.locale)

    shown: list[TourScalePrice | TourSurcharge | TourPrice] = [
        TourPrice.model_validate(texts(p)) for p in listed.prices
    ]
    shown += [
        TourScalePrice.model_validate({"scale_price_id": p["id"], **texts(p)})
        for p in listed.scale_prices
    ]
    shown += [
        TourSurcharge.model_validate({"price_surcharge_id": s["id"], **texts(s)})
        for s in listed.surcharges
    ]
    return TourPrices(
        prices=shown, vat_pct=row.vat_pct, discount=row.discount, tax_included=row.tax_included
    )


# --- start times -----------------------------------------------------------------------------


@router.get(
    "/tours/{tour_id:int}/start_times",
    summary="Per day: can the tour start (depth=any), or its start times (depth=all)",
)
async def start_times(
    ctx: Context,
    tour_id: TourId,
    start_at: RangeStart = None,
    end_at: RangeEnd = None,
    opening_hours_start: OpeningStart = DEFAULT_WINDOW[0],
    opening_hours_end: OpeningEnd = DEFAULT_WINDOW[1],
    participants: ParticipantCount = None,
    depth: Depth = "any",
    language_id: LanguageId = None,
) -> StartTimes:
    window = service.Window(
        opening=(opening_hours_start, opening_hours_end),
        participants=participants,
        language_id=language_id,
    )
    per_day = await service.start_times(ctx, tour_id, start_at, end_at, window)
    return StartTimes(
        data={
            day.isoformat(): [_stamp(o.start_at, ctx) for o in options]
            if depth == "all"
            else bool(options)
            for day, options in per_day.items()
        }
    )


@router.get(
    "/tours/{tour_id:int}/start_times/{day}",
    summary="The start times of a day with the participants each can take",
)
async def day_start_times(
    ctx: Context,
    tour_id: TourId,
    day: Annotated[IsoDate, Path(description="YYYY-MM-DD")],
    opening_hours_start: OpeningStart = DEFAULT_WINDOW[0],
    opening_hours_end: OpeningEnd = DEFAULT_WINDOW[1],
    participants: ParticipantCount = None,
    language_id: LanguageId = None,
) -> DayStartTimes:
    window = service.Window(
        opening=(opening_hours_start, opening_hours_end),
        participants=participants,
        language_id=language_id,
    )
    tour, options = await service.day_start_times(ctx, tour_id, day, window)
    return DayStartTimes(
        data=[
            StartTime(
                start_time=_stamp(o.start_at, ctx),
                participants=Participants(
                    min=tour.row.min_participants,
                    max=tour.row.max_participants,
                    bookable=o.bookable,
                ),
            )
            for o in options
        ]
    )


# --- equipment -------------------------------------------------------------------------------

EquipmentId = Annotated[ParamLookupId, Path()]
EquipmentDate = Annotated[
    IsoDate | None, Query(alias="date", description="YYYY-MM-DD, default today")
]


@router.get(
    "/tours/{tour_id:int}/equipments",
    summary="Per equipment of the tour: how many are left at each start time of a day",
)
async def equipment_day(ctx: Context, tour_id: TourId, day: EquipmentDate = None) -> EquipmentDay:
    left = await service.equipment_on(ctx, tour_id, None, day)
    return EquipmentDay(
        data={
            str(e): {_stamp(start, ctx): n for start, n in starts.items()}
            for e, starts in left.items()
        }
    )


@router.get(
    "/tours/{tour_id:int}/equipments/{equipment_id:int}",
    summary="One equipment of the tour: how many are left at each start time of a day",
)
async def equipment_starts(
    ctx: Context, tour_id: TourId, equipment_id: EquipmentId, day: EquipmentDate = None
) -> EquipmentStarts:
    left = await service.equipment_on(ctx, tour_id, equipment_id, day)
    return EquipmentStarts(data={_stamp(s, ctx): n for s, n in left[equipment_id].items()})


@router.get(
    "/tours/{tour_id:int}/equipments/{equipment_id:int}/{timestamp}",
    summary="One equipment of the tour: how many are left at one start time",
)
async def equipment_at(
    ctx: Context,
    tour_id: TourId,
    equipment_id: EquipmentId,
    timestamp: Annotated[Moment, Path(description="a start time, e.g. 2026-06-11T11:00:00+02:00")],
) -> EquipmentStarts:
    left = await service.equipment_at(ctx, tour_id, equipment_id, timestamp)
    return EquipmentStarts(data={_stamp(s, ctx): n for s, n in left.items()})
