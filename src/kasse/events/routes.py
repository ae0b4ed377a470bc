"""HTTP routes of the public events API: tag lists, events, their dates, the calendar, seating
plans as SVG."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from kasse.availability.service import MAX_CALENDAR_DAYS, calendar_days
from kasse.catalog.dependencies import IdList, Locale, ids_of
from kasse.catalog.event_file import EVENT_TAG_FIELDS
from kasse.catalog.event_snapshot import EventDateData, SeatingData
from kasse.catalog.routes import picture_of
from kasse.catalog.schemas import Location, Meta, NamedEntry
from kasse.catalog.snapshot import Catalog
from kasse.core.i18n import translate
from kasse.core.pagination import PageParams
from kasse.core.params import IsoDate
from kasse.core.times import render, render_spaced
from kasse.core.wire import ParamId, ParamLookupId
from kasse.events import service
from kasse.events.schemas import (
    AgeGroupList,
    AudienceList,
    CalendarDate,
    CalendarDateEntry,
    CatchWordList,
    CategoryList,
    DateCategory,
    DateDetail,
    DateEnvelope,
    DateList,
    DateSummary,
    DefaultPrice,
    Depth,
    DisablementList,
    EventCalendar,
    EventDetail,
    EventEnvelope,
    EventList,
    EventSummary,
    GradeList,
    LanguageList,
    ProposalCategoryList,
    ScalePrice,
    Seat,
    SeatCategory,
    SeatingOut,
    SeatRow,
    Seats,
    SeatType,
)
from kasse.events.svg import seating_svg
from kasse.items.context import Context, RequestContext
from kasse.models import Event, ProductTag

router = APIRouter(tags=["events"])

SVG = "image/svg+xml"
VISUAL_URL = "/api/v4/seatings/{seating_id}.svg?date_id={date_id}"

CategoryName = Annotated[str, Field(min_length=1, max_length=200)]


def _ids(name: str) -> Any:
    return Query(alias=f"by_{name}[]", description=f"only those with one of these {name}")


async def get_event_filter(
    q: Annotated[
        str | None, Query(max_length=200, description="part of the title, in any locale, any case")
    ] = None,
    by_museum_ids: Annotated[IdList, Query(alias="by_museum_ids[]")] = None,
    by_exhibition_ids: Annotated[IdList, Query(alias="by_exhibition_ids[]")] = None,
    by_category_ids: Annotated[IdList, Query(alias="by_category_ids[]")] = None,
    by_categories: Annotated[
        list[CategoryName] | None,
        Query(
            alias="by_categories[]",
            max_length=100,
            description="category names, in any locale, any case",
        ),
    ] = None,
    by_age_group_ids: Annotated[IdList, _ids("age_group_ids")] = None,
    by_audience_ids: Annotated[IdList, _ids("audience_ids")] = None,
    by_catch_word_ids: Annotated[IdList, _ids("catch_word_ids")] = None,
    by_disablement_ids: Annotated[IdList, _ids("disablement_ids")] = None,
    by_grade_ids: Annotated[IdList, _ids("grade_ids")] = None,
    by_proposal_category_ids: Annotated[IdList, _ids("proposal_category_ids")] = None,
    by_language_ids: Annotated[IdList, Query(alias="by_language_ids[]")] = None,
    by_bookable: Annotated[
        bool | None, Query(description="bookable by the caller and ahead (default: all)")
    ] = None,
) -> service.EventFilter:
    """The filters every events list shares; within one filter any id matches, all filters must."""
    asked_tags = {
        "age_groups": by_age_group_ids,
        "audiences": by_audience_ids,
        "catch_words": by_catch_word_ids,
        "disablements": by_disablement_ids,
        "grades": by_grade_ids,
        "proposal_categories": by_proposal_category_ids,
    }
    return service.EventFilter(
        q=q or None,
        museum_ids=ids_of(by_museum_ids),
        exhibition_ids=ids_of(by_exhibition_ids),
        category_ids=ids_of(by_category_ids),
        category_names=None
        if by_categories is None
        else frozenset(name.casefold() for name in by_categories),
        tag_ids={kind: frozenset(ids) for kind, ids in asked_tags.items() if ids is not None},
        language_ids=ids_of(by_language_ids),
        bookable=by_bookable,
    )


Filters = Annotated[service.EventFilter, Depends(get_event_filter)]
RangeStart = Annotated[IsoDate | None, Query(description="YYYY-MM-DD, default today")]
RangeEnd = Annotated[
    IsoDate | None,
    Query(
        description="YYYY-MM-DD, default the end of start_at's month; "
        f"at most {MAX_CALENDAR_DAYS} days from start_at"
    ),
]
EventId = Annotated[ParamLookupId, Path()]


# --- shapes ----------------------------------------------------------------------------------


def named(tags: Iterable[ProductTag], locale: Locale) -> list[NamedEntry]:
    return [NamedEntry(id=tag.id, name=locale.title(tag.name)) for tag in tags]


def _tagged(catalog: Catalog, kind: str, ids: Iterable[int], locale: Locale) -> list[NamedEntry]:
    names = catalog.events.tag_names(kind)
    return [NamedEntry(id=i, name=locale.title(names[i])) for i in ids if i in names]


def _category(catalog: Catalog, event: Event, locale: Locale) -> NamedEntry | None:
    found = _tagged(catalog, "categories", [event.category_id] if event.category_id else [], locale)
    return found[0] if found else None


def _language(catalog: Catalog, language_id: int | None, locale: Locale) -> NamedEntry | None:
    found = _tagged(catalog, "languages", [language_id] if language_id else [], locale)
    return found[0] if found else None


def _location(catalog: Catalog, event: Event) -> Location:
    location = catalog.event_location(event)
    assert location is not None  # an event's museum exists (foreign key)
    return Location(**location)


def _event_summary(catalog: Catalog, view: service.EventView, locale: Locale) -> EventSummary:
    event, row = view.data, view.data.row
    tags = {
        kind: _tagged(catalog, kind, row.tags.get(kind, []), locale) for kind in EVENT_TAG_FIELDS
    }
    return EventSummary(
        id=row.id,
        exhibition_id=row.exhibition_id,
        museum_id=row.museum_id,
        title=locale.title(row.title),
        sub_title=locale.text(row.sub_title),
        featured=row.featured,
        bookable=view.bookable,
        registerable=row.registerable,
        category=_category(catalog, row, locale),
        picture=picture_of(row.picture, locale),
        location=_location(catalog, row),
        languages=_tagged(catalog, "languages", event.language_ids, locale),
        **tags,
    )


def _date_texts(date_: EventDateData) -> dict[str, Any]:
    """A date's own title, sub title and description, else its event's."""
    row, event = date_.row, date_.event
    return {
        "title": row.title or event.title,
        "sub_title": row.sub_title or event.sub_title,
        "description": row.description or event.description,
    }


def _date_summary(ctx: RequestContext, view: service.DateView) -> DateSummary:
    date_, locale = view.data, ctx.locale
    event, texts = date_.event, _date_texts(view.data)
    category = _category(ctx.catalog, event, locale)
    return DateSummary(
        id=date_.id,
        event_id=event.id,
        exhibition_id=event.exhibition_id,
        museum_id=event.museum_id,
        category=None
        if category is None
        else DateCategory(
            **category.model_dump(), filtername=_filtername(ctx.catalog, event, locale)
        ),
        bookable=view.bookable,
        registerable=date_.row.registerable,
        title=locale.title(texts["title"]),
        sub_title=locale.text(texts["sub_title"]),
        start_time=render(date_.start_at, ctx.tz) or "",
        duration=date_.row.duration,
        seats=Seats.model_validate(view.seats, from_attributes=True),
        language=_language(ctx.catalog, date_.row.language_id, locale),
    )


def _filtername(catalog: Catalog, event: Event, locale: Locale) -> str:
    """The category's name as ``by_categories[]`` takes it, whatever locale the answer is in."""
    names = catalog.events.tag_names("categories").get(event.category_id or 0)
    return translate(names, locale.fallback, locale.fallback) or ""


def _seating(seating: SeatingData, view: service.DateDetailView) -> SeatingOut:
    layout = seating.row.layout
    return SeatingOut(
        blocked_seats=sorted(view.data.blocked_seats),
        categories=[SeatCategory(**c) for c in layout["categories"]],
        rows=[SeatRow(**r) for r in layout["rows"]],
        seats=[
            Seat(
                id=s["id"],
                row_id=s["row_id"],
                category_id=s["category_id"],
                type_id=s.get("type_id"),
                title=s["title"],
                description=s.get("description"),
            )
            for s in sorted(seating.seats.values(), key=lambda s: s["id"])
        ],
        types=[SeatType(**t) for t in layout["types"]],
        visual_url=VISUAL_URL.format(seating_id=seating.id, date_id=view.data.id),
        reservations=sorted(view.taken_seats),
    )


def _prices(date_: EventDateData, locale: Locale) -> list[DefaultPrice | ScalePrice]:
    """Default prices, then scale prices; seat categories only where the date has seats."""
    prices: list[DefaultPrice | ScalePrice] = [DefaultPrice(**p) for p in date_.row.prices]
    seating = date_.seating
    categories = {c["id"]: c["title"] for c in seating.row.layout["categories"]} if seating else {}
    for price in date_.scale_prices.values():
        seat_category: dict[str, Any] = (
            {
                "seat_category_id": price["seat_category_id"],
                "seat_category_title": categories.get(price["seat_category_id"]),
            }
            if seating
            else {}
        )
        prices.append(
            ScalePrice(
                scale_price_id=price["id"],
                **seat_category,
                title=locale.title(price["title"]),
                description=locale.text(price["description"]),
                group=price["group"],
                optional=price["optional"],
                price_cents=price["price_cents"],
                vat_pct=price["vat_pct"],
            )
        )
    return prices


def _date_detail(ctx: RequestContext, view: service.DateDetailView) -> DateDetail:
    date_, locale, row = view.data, ctx.locale, view.data.row
    event, texts = date_.event, _date_texts(view.data)
    return DateDetail(
        id=date_.id,
        event_id=event.id,
        exhibition_id=event.exhibition_id,
        museum_id=event.museum_id,
        category=_category(ctx.catalog, event, locale),
        bookable=view.bookable,
        registerable=row.registerable,
        title=locale.title(texts["title"]),
        sub_title=locale.text(texts["sub_title"]),
        description=locale.text(texts["description"]),
        start_time=render(date_.start_at, ctx.tz) or "",
        vat_pct=row.vat_pct,
        discount=row.discount,
        tax_included=row.tax_included,
        seats=Seats.model_validate(view.seats, from_attributes=True),
        seatings=[_seating(date_.seating, view)] if date_.seating else [],
        location=_location(ctx.catalog, event),
        language=_language(ctx.catalog, row.language_id, locale),
        prices=_prices(date_, locale),
    )


# --- tag lists -------------------------------------------------------------------------------

TAG_LISTS: dict[str, type[BaseModel]] = {
    "categories": CategoryList,
    "age_groups": AgeGroupList,
    "audiences": AudienceList,
    "catch_words": CatchWordList,
    "proposal_categories": ProposalCategoryList,
    "grades": GradeList,
    "disablements": DisablementList,
}


def add_tag_lists(
    target: APIRouter,
    product: str,
    tags_of: Callable[[Catalog, str], Iterable[ProductTag]],
    kinds: Iterable[str],
) -> None:
    """``GET /<product>/<kind>`` for each kind: the catalog file's list, in its order (events
    and tours alike)."""
    for kind in kinds:
        _add_tag_list(target, product, tags_of, kind)


def _add_tag_list(
    target: APIRouter,
    product: str,
    tags_of: Callable[[Catalog, str], Iterable[ProductTag]],
    kind: str,
) -> None:
    envelope = TAG_LISTS[kind]

    async def tag_list(ctx: Context) -> BaseModel:
        return envelope(**{kind: named(tags_of(ctx.catalog, kind), ctx.locale)})

    singular = product.removesuffix("s")
    target.add_api_route(
        f"/{product}/{kind}",
        tag_list,
        methods=["GET"],
        response_model=envelope,
        name=f"{singular}_{kind}",
        summary=f"{singular.capitalize()} {kind.replace('_', ' ')}, to build filters",
    )


add_tag_lists(router, "events", service.tag_list, TAG_LISTS)


@router.get("/events/languages", summary="Languages of the event dates the caller can book")
async def event_languages(ctx: Context) -> LanguageList:
    languages = service.bookable_languages(ctx.catalog, ctx.principal, ctx.now)
    return LanguageList(languages=named(languages, ctx.locale))


# --- events ----------------------------------------------------------------------------------


@router.get("/events", summary="List events")
async def list_events(
    ctx: Context,
    page: PageParams,
    filters: Filters,
    by_featured: bool | None = None,
    with_bookings_in_future: Annotated[
        bool | None,
        Query(
            description="only events with (true) or without (false) a date ahead that the caller "
            "can book and that has places left"
        ),
    ] = None,
) -> EventList:
    result = await service.list_events(
        ctx, replace(filters, featured=by_featured), with_bookings_in_future, page
    )
    return EventList(
        events=[_event_summary(ctx.catalog, view, ctx.locale) for view in result.items],
        meta=Meta.of(page, result.total_count),
    )


@router.get("/events/{event_id:int}", summary="One event in detail")
async def get_event(ctx: Context, event_id: EventId) -> EventEnvelope:
    view = service.get_event(ctx, event_id)
    row = view.data.row
    return EventEnvelope(
        event=EventDetail(
            **_event_summary(ctx.catalog, view, ctx.locale).model_dump(),
            description=ctx.locale.text(row.description),
            content=ctx.locale.content(row.content),
        )
    )


# --- dates -----------------------------------------------------------------------------------


@router.get("/events/{event_id:int}/dates", summary="The dates of one event on a day or a range")
async def event_dates(
    ctx: Context,
    page: PageParams,
    event_id: EventId,
    day: Annotated[
        IsoDate | None, Query(alias="date", description="YYYY-MM-DD, default today")
    ] = None,
    start_at: Annotated[IsoDate | None, Query(description="YYYY-MM-DD, instead of date")] = None,
    end_at: Annotated[
        IsoDate | None,
        Query(
            description="YYYY-MM-DD, instead of date; "
            f"at most {service.MAX_EVENT_DATE_DAYS} days from start_at"
        ),
    ] = None,
    by_language_ids: Annotated[IdList, Query(alias="by_language_ids[]")] = None,
    by_bookable: bool | None = None,
) -> DateList:
    days = service.event_date_days(day, start_at, end_at, ctx)
    filters = service.EventFilter(language_ids=ids_of(by_language_ids), bookable=by_bookable)
    result = await service.event_dates(ctx, event_id, days, filters, page)
    return DateList(
        dates=[_date_summary(ctx, view) for view in result.items],
        meta=Meta.of(page, result.total_count),
    )


@router.get(
    "/events/{event_id:int}/dates/{date_id:int}",
    summary="One date in detail: places, prices, seating plan",
    response_model_exclude_unset=True,
)
async def get_date(
    ctx: Context, event_id: EventId, date_id: Annotated[ParamLookupId, Path()]
) -> DateEnvelope:
    return DateEnvelope(date=_date_detail(ctx, await service.get_date(ctx, event_id, date_id)))


@dataclass(frozen=True)
class DateQuery:
    """The dates of the filters on the days of a range (``/dates``, its languages, the calendar)."""

    filters: service.EventFilter
    days: list[date]


async def get_date_query(
    ctx: Context,
    filters: Filters,
    by_event_ids: Annotated[
        IdList, Query(alias="by_event_ids[]", description="only these events' dates")
    ] = None,
    start_at: RangeStart = None,
    end_at: RangeEnd = None,
) -> DateQuery:
    return DateQuery(
        filters=replace(filters, event_ids=ids_of(by_event_ids)),
        days=calendar_days(start_at, end_at, ctx.now, ctx.tz),
    )


Dates = Annotated[DateQuery, Depends(get_date_query)]


@router.get("/dates", summary="The dates of every event in a range")
async def list_dates(ctx: Context, page: PageParams, query: Dates) -> DateList:
    result = await service.list_dates(ctx, query.days, query.filters, page)
    return DateList(
        dates=[_date_summary(ctx, view) for view in result.items],
        meta=Meta.of(page, result.total_count),
    )


@router.get("/dates/languages", summary="The languages of the dates GET /dates lists")
async def date_languages(ctx: Context, query: Dates) -> LanguageList:
    languages = service.date_languages(ctx, query.days, query.filters)
    return LanguageList(languages=named(languages, ctx.locale))


# --- calendar --------------------------------------------------------------------------------


def _calendar_day(dates: list[service.CalendarDate], depth: Depth, ctx: RequestContext) -> Any:
    if depth == "all":
        return [
            CalendarDateEntry(
                date=CalendarDate(
                    id=d.data.id,
                    event_id=d.data.event.id,
                    capacities=[{render_spaced(d.data.start_at, ctx.tz): d.available}],
                )
            )
            for d in dates
        ]
    has_room = any(d.available > 0 for d in dates)
    if depth == "any":
        return has_room
    if not dates:
        return "unavailable"
    return "available" if has_room else "fully_booked"


async def _calendar(ctx: RequestContext, query: DateQuery, depth: Depth) -> EventCalendar:
    per_day = await service.calendar(ctx, query.days, query.filters)
    return EventCalendar(
        data={day.isoformat(): _calendar_day(dates, depth, ctx) for day, dates in per_day.items()}
    )


CalendarDepth = Annotated[
    Depth,
    Query(
        description="any: per day whether a date can be booked; all: the bookable dates with "
        "their places left; availability_status: available, fully_booked or unavailable"
    ),
]


@router.get("/calendar", summary="Per day: can an event date be booked")
async def events_calendar(
    ctx: Context, query: Dates, depth: CalendarDepth = "any"
) -> EventCalendar:
    return await _calendar(ctx, query, depth)


@router.get(
    "/events/{event_id:int}/calendar",
    summary="Per day: can a date of this event be booked (= /calendar?by_event_ids[]=id)",
)
async def event_calendar(
    ctx: Context,
    event_id: EventId,
    filters: Filters,
    start_at: RangeStart = None,
    end_at: RangeEnd = None,
    depth: CalendarDepth = "any",
) -> EventCalendar:
    query = DateQuery(
        filters=replace(filters, event_ids=frozenset({event_id})),
        days=calendar_days(start_at, end_at, ctx.now, ctx.tz),
    )
    return await _calendar(ctx, query, depth)


# --- seating plans ---------------------------------------------------------------------------


@router.get(
    "/seatings/{seating_id:int}.svg",
    response_class=Response,
    responses={200: {"description": "The seating plan", "content": {SVG: {}}}},
    summary="A seating plan as SVG, one clickable element per seat",
)
async def seating_plan(
    ctx: Context,
    seating_id: Annotated[ParamLookupId, Path()],
    date_id: Annotated[
        ParamId | None, Query(description="mark the seats taken and blocked on this date")
    ] = None,
) -> Response:
    plan = await service.seating_plan(ctx, seating_id, date_id)
    title = translate(plan.seating.row.title, ctx.locale.code, ctx.locale.fallback) or ""
    svg = seating_svg(plan.seating, title, plan.blocked, plan.taken, ctx.locale.code)
    return Response(svg, media_type=SVG)
