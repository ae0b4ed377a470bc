"""HTTP routes of the catalog: tickets, museums, exhibitions, lookups and facts about the instance."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query

from kasse import __version__
from kasse.catalog import service
from kasse.catalog.dependencies import (
    CurrentCatalog,
    CurrentLocale,
    IdList,
    Locale,
    TicketFilters,
    ids_of,
)
from kasse.catalog.lookups import COUNTRIES, DISPATCH_MODES, SALUTATIONS, STATES, LookupEntry
from kasse.catalog.schemas import (
    CountryEntry,
    CountryList,
    DispatchModeList,
    ExhibitionDetail,
    ExhibitionEnvelope,
    ExhibitionList,
    ExhibitionSummary,
    LocaleList,
    Location,
    Meta,
    MuseumDetail,
    MuseumEnvelope,
    MuseumList,
    MuseumSummary,
    NamedEntry,
    OpeningHours,
    OpeningHoursEnvelope,
    Picture,
    Requirement,
    SalutationList,
    StateEntry,
    StateList,
    TicketContent,
    TicketContentList,
    TicketDetail,
    TicketEnvelope,
    TicketList,
    TicketSummary,
    TicketType,
    TimeFrame,
    Version,
    VersionEnvelope,
    WhoAmI,
)
from kasse.catalog.snapshot import Catalog, MuseumData, TicketData
from kasse.core.clock import Clock
from kasse.core.deps import CurrentClock, CurrentInstance, CurrentPrincipal
from kasse.core.i18n import Text, as_translations
from kasse.core.pagination import MAX_PER_PAGE, PageParams, paginate
from kasse.core.params import IsoDate
from kasse.core.times import local_minute, render, today
from kasse.core.wire import ParamLookupId
from kasse.models import Exhibition, Ticket

router = APIRouter(tags=["catalog"])
# Shop front-ends written for go~mus read these lookups under /api/v3: the same answers.
v3_router = APIRouter(tags=["lookups"])

# The go~mus API version whose wire format kasse speaks (the public reference's).
API_VERSION = "4.4"

ValidAt = Annotated[
    IsoDate | None,
    Query(description="reference date YYYY-MM-DD (default: today in the instance's time zone)"),
]


Search = Annotated[
    str | None, Query(max_length=200, description="part of the title, in any locale, any case")
]


def _at(moment: datetime, tz: ZoneInfo) -> str:
    rendered = render(moment, tz)
    assert rendered is not None  # render only answers None for None
    return rendered


def _midnight(day: date | None, tz: ZoneInfo) -> str | None:
    return None if day is None else _at(local_minute(day, 0, tz), tz)


def _reference_day(valid_at: date | None, clock: Clock, tz: ZoneInfo) -> date:
    return valid_at if valid_at is not None else today(clock.now(), tz)


# --- tickets ---------------------------------------------------------------------------------


def ticket_summary(view: service.TicketView, locale: Locale) -> TicketSummary:
    ticket, row = view.data, view.data.row
    return TicketSummary(
        id=row.id,
        title=locale.title(row.title),
        ticket_type=cast(TicketType, row.ticket_type),
        bookable=view.bookable,
        museum_ids=list(ticket.museum_ids),
        exhibition_ids=list(ticket.exhibition_ids),
        price_cents=row.price_cents,
        discount=row.discount,
        vat_pct=float(row.vat_pct),
        tax_included=row.tax_included,
        entry_duration=row.entry_duration if row.ticket_type == "time_slot" else None,
        min_persons=row.min_persons,
        max_persons=row.max_persons,
        quota_ids=list(ticket.quota_ids),
        first_entry=row.first_entry,
        last_entry=row.last_entry,
        personalizeable=row.personalizeable,
        attendees=cast(Requirement, row.attendees),
        identification=cast(Requirement, row.identification),
        free_timing=row.free_timing,
    )


def museum_location(museum: MuseumData) -> Location:
    return Location(**museum.location())


def picture_of(stored: dict[str, Any] | None, locale: Locale) -> Picture:
    picture = stored or {}

    def text(name: str) -> Text | None:
        # as_translations: a picture loaded before pictures had their own format held plain text
        return locale.text(as_translations(picture.get(name), locale.fallback))

    def url(name: str) -> str | None:
        value = picture.get(name) or picture.get("url")
        return None if value is None else str(value)

    return Picture(
        title=text("title"),
        description=text("description"),
        copyright_info=text("copyright_info"),
        teaser=url("teaser"),
        preview=url("preview"),
        article=url("article"),
        detail=url("detail"),
    )


def _ticket_content(row: Ticket, locale: Locale) -> dict[str, Any]:
    """The ticket's content block; shops read shop_title, so it defaults to the title."""
    return {"shop_title": locale.title(row.title), **locale.content(row.content)}


def _ticket_detail(catalog: Catalog, view: service.TicketView, locale: Locale) -> TicketDetail:
    ticket, row = view.data, view.data.row
    museum = service.first_museum(catalog, ticket)
    # Left unset (and so absent on the wire) unless the ticket is a combined one.
    combined: dict[str, Any] = (
        {"sub_ticket_ids": list(ticket.sub_ticket_ids)} if ticket.is_combined else {}
    )
    return TicketDetail(
        **ticket_summary(view, locale).model_dump(),
        sub_title=locale.text(row.sub_title),
        description=locale.text(row.description),
        after_sale_information=locale.text(row.after_sale_information),
        content=_ticket_content(row, locale),
        location=museum_location(museum) if museum is not None else None,
        is_sub_ticket=ticket.is_sub_ticket,
        **combined,
    )


def _content_of(ticket: TicketData, locale: Locale, attr: str | None) -> TicketContent:
    content = _ticket_content(ticket.row, locale)
    if attr is not None:
        content = {attr: content[attr]} if attr in content else {}
    return TicketContent(id=ticket.id, content=content)


@router.get("/tickets", tags=["tickets"], summary="List tickets")
async def list_tickets(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    locale: CurrentLocale,
    page: PageParams,
    filters: TicketFilters,
    valid_at: ValidAt = None,
) -> TicketList:
    day = _reference_day(valid_at, clock, instance.tz)
    result = service.list_tickets(catalog, principal, replace(filters, valid_at=day), page)
    return TicketList(
        tickets=[ticket_summary(view, locale) for view in result.items],
        meta=Meta.of(page, result.total_count),
    )


# Declared before /tickets/{ticket_id} so that "content" is not read as an id.
@router.get("/tickets/content", tags=["tickets"], summary="Texts of several tickets")
async def ticket_contents(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    locale: CurrentLocale,
    page: PageParams,
    ticket_ids: Annotated[IdList, Query(alias="ticket_ids[]")] = None,
    attr: Annotated[
        str | None, Query(max_length=100, description="only this key of each content block")
    ] = None,
) -> TicketContentList:
    result = service.ticket_contents(catalog, principal, ticket_ids, page)
    return TicketContentList(
        data=[_content_of(ticket, locale, attr) for ticket in result.items],
        meta=Meta.of(page, result.total_count),
    )


@router.get(
    "/tickets/{ticket_id:int}",
    tags=["tickets"],
    summary="One ticket in detail",
    response_model_exclude_unset=True,
)
async def get_ticket(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    locale: CurrentLocale,
    ticket_id: Annotated[ParamLookupId, Path()],
    valid_at: ValidAt = None,
) -> TicketEnvelope:
    day = _reference_day(valid_at, clock, instance.tz)
    view = service.get_ticket(catalog, principal, ticket_id, day)
    return TicketEnvelope(ticket=_ticket_detail(catalog, view, locale))


# --- museums ---------------------------------------------------------------------------------


def _museum_summary(museum: MuseumData, locale: Locale) -> MuseumSummary:
    row = museum.row
    return MuseumSummary(
        id=row.id,
        title=locale.title(row.title),
        sub_title=locale.text(row.sub_title),
        picture=picture_of(row.picture, locale),
    )


def _museum_detail(museum: MuseumData, locale: Locale) -> MuseumDetail:
    row = museum.row
    return MuseumDetail(
        **_museum_summary(museum, locale).model_dump(),
        description=locale.text(row.description),
        content=locale.content(row.content),
        location=museum_location(museum),
    )


@router.get("/museums", tags=["museums"], summary="List museums")
async def list_museums(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    locale: CurrentLocale,
    page: PageParams,
    q: Search = None,
) -> MuseumList:
    result = service.list_museums(catalog, principal, page, q=q or None)
    return MuseumList(
        museums=[_museum_summary(m, locale) for m in result.items],
        meta=Meta.of(page, result.total_count),
    )


@router.get(
    "/museums/{museum_id:int}",
    tags=["museums"],
    summary="One museum in detail",
)
async def get_museum(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    locale: CurrentLocale,
    museum_id: Annotated[ParamLookupId, Path()],
) -> MuseumEnvelope:
    return MuseumEnvelope(
        museum=_museum_detail(service.get_museum(catalog, principal, museum_id), locale)
    )


@router.get(
    "/museums/{museum_id:int}/opening_hours",
    tags=["museums"],
    summary="Opening hours of one day",
)
async def museum_opening_hours(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    clock: CurrentClock,
    museum_id: Annotated[ParamLookupId, Path()],
    date_: Annotated[
        IsoDate | None, Query(alias="date", description="YYYY-MM-DD (default: today)")
    ] = None,
) -> OpeningHoursEnvelope:
    tz = instance.tz
    day = _reference_day(date_, clock, tz)
    hours = service.opening_hours(catalog, principal, museum_id, day)
    if hours is None:
        return OpeningHoursEnvelope(opening_hours=OpeningHours(begin=None, end=None))
    begin, end = hours
    return OpeningHoursEnvelope(
        opening_hours=OpeningHours(
            begin=_at(local_minute(day, begin, tz), tz), end=_at(local_minute(day, end, tz), tz)
        )
    )


# --- exhibitions -----------------------------------------------------------------------------


def _time_frames(exhibition: Exhibition, tz: ZoneInfo) -> list[TimeFrame]:
    if exhibition.start_date is None and exhibition.end_date is None:
        return []
    return [
        TimeFrame(
            start_at=_midnight(exhibition.start_date, tz),
            end_at=_midnight(exhibition.end_date, tz),
        )
    ]


def _exhibition_summary(exhibition: Exhibition, locale: Locale, tz: ZoneInfo) -> ExhibitionSummary:
    return ExhibitionSummary(
        id=exhibition.id,
        museum_id=exhibition.museum_id,
        title=locale.title(exhibition.title),
        sub_title=locale.text(exhibition.sub_title),
        slider_description=locale.text(exhibition.slider_description),
        featured=exhibition.featured,
        picture=picture_of(exhibition.picture, locale),
        time_frames=_time_frames(exhibition, tz),
    )


@router.get("/exhibitions", tags=["exhibitions"], summary="List exhibitions")
async def list_exhibitions(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    locale: CurrentLocale,
    page: PageParams,
    q: Search = None,
    by_museum_ids: Annotated[IdList, Query(alias="by_museum_ids[]")] = None,
    by_featured: bool | None = None,
) -> ExhibitionList:
    result = service.list_exhibitions(
        catalog,
        principal,
        page,
        q=q or None,
        museum_ids=ids_of(by_museum_ids),
        featured=by_featured,
    )
    return ExhibitionList(
        exhibitions=[_exhibition_summary(e, locale, instance.tz) for e in result.items],
        meta=Meta.of(page, result.total_count),
    )


@router.get(
    "/exhibitions/{exhibition_id:int}",
    tags=["exhibitions"],
    summary="One exhibition in detail",
)
async def get_exhibition(
    catalog: CurrentCatalog,
    principal: CurrentPrincipal,
    instance: CurrentInstance,
    locale: CurrentLocale,
    exhibition_id: Annotated[ParamLookupId, Path()],
) -> ExhibitionEnvelope:
    exhibition = service.get_exhibition(catalog, principal, exhibition_id)
    own = exhibition.location
    return ExhibitionEnvelope(
        exhibition=ExhibitionDetail(
            **_exhibition_summary(exhibition, locale, instance.tz).model_dump(),
            description=locale.text(exhibition.description),
            content=locale.content(exhibition.content),
            location=Location(**own)
            if own
            else museum_location(catalog.museums[exhibition.museum_id]),
        )
    )


# --- lookups ---------------------------------------------------------------------------------


def _named(entries: list[LookupEntry], locale: Locale) -> list[NamedEntry]:
    return [NamedEntry(id=e.id, name=locale.title(e.names)) for e in entries]


@v3_router.get("/countries", summary="Countries for addresses (the v4 answer)")
@router.get("/countries", tags=["lookups"], summary="Countries for addresses")
async def list_countries(locale: CurrentLocale, page: PageParams) -> CountryList:
    result = paginate(COUNTRIES, page)
    return CountryList(
        countries=[
            CountryEntry(id=c.id, name=locale.title(c.names), code=c.code) for c in result.items
        ],
        meta=Meta.of(page, result.total_count),
    )


@router.get("/states", tags=["lookups"], summary="States of countries (the German Länder)")
async def list_states(locale: CurrentLocale, page: PageParams) -> StateList:
    result = paginate(STATES, page)
    return StateList(
        states=[
            StateEntry(id=s.id, name=locale.title(s.names), country_id=s.country_id)
            for s in result.items
        ],
        meta=Meta.of(page, result.total_count),
    )


@v3_router.get("/customer_salutations", summary="Salutations for customers (the v4 answer)")
@router.get("/customers/salutations", tags=["lookups"], summary="Salutations for customers")
async def list_salutations(locale: CurrentLocale, page: PageParams) -> SalutationList:
    result = paginate(SALUTATIONS, page)
    return SalutationList(
        salutations=_named(result.items, locale), meta=Meta.of(page, result.total_count)
    )


@router.get("/dispatch_modes", tags=["lookups"], summary="How tickets reach the customer")
async def list_dispatch_modes(locale: CurrentLocale, page: PageParams) -> DispatchModeList:
    result = paginate(DISPATCH_MODES, page)
    return DispatchModeList(
        dispatch_modes=_named(result.items, locale), meta=Meta.of(page, result.total_count)
    )


@router.get("/locales", tags=["lookups"], summary="Languages content is served in")
async def list_locales(instance: CurrentInstance) -> LocaleList:
    return LocaleList(locales=list(instance.settings.locales))


@router.get("/version", tags=["lookups"], summary="Server version, clock, zone and currency")
async def version(instance: CurrentInstance, clock: CurrentClock) -> VersionEnvelope:
    settings = instance.settings
    return VersionEnvelope(
        version=Version(
            system=__version__,
            api=API_VERSION,
            release="kasse",
            time=_at(clock.now(), instance.tz),
            zone=settings.time_zone,
            currency=settings.currency,
            per_page=MAX_PER_PAGE,
        )
    )


@router.get(
    "/whoami",
    tags=["lookups"],
    summary="The caller's access level and museums",
    response_model_exclude_unset=True,
)
async def whoami(principal: CurrentPrincipal) -> WhoAmI:
    # The reference names museums only for staff and resellers "limited to museums".
    if principal.access in ("public", "customer") or principal.museum_ids is None:
        return WhoAmI(access=principal.access)
    return WhoAmI(access=principal.access, museums=sorted(principal.museum_ids))
