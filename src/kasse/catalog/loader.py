"""Loads a catalog file into the database: validated first, then upserted by id in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.event_loader import event_problems, load_events
from kasse.catalog.file_schema import (
    CatalogFile,
    CouponIn,
    EntryZoneIn,
    ExhibitionIn,
    MuseumIn,
    QuotaIn,
    ShopIn,
    SubTicketIn,
    TicketIn,
    clock_to_minute,
)
from kasse.catalog.load_parts import content_values, picture_values, upsert
from kasse.catalog.tour_loader import load_tours, tour_problems
from kasse.core.errors import Unprocessable
from kasse.core.i18n import as_translations
from kasse.models import (
    CatalogState,
    Coupon,
    EntryZone,
    Exhibition,
    Museum,
    MuseumClosure,
    OpeningHours,
    Quota,
    Shop,
    Ticket,
    ticket_exhibitions,
    ticket_museums,
    ticket_quotas,
)
from kasse.models.base import Base

SHOP_ID = 1  # one shop per instance


@dataclass(frozen=True)
class LoadReport:
    museums: int
    exhibitions: int
    quotas: int
    tickets: int
    coupons: int = 0
    entry_zones: int = 0
    events: int = 0
    event_dates: int = 0
    tours: int = 0


def _entry_name(data: Any, loc: tuple[int | str, ...]) -> str:
    """``tickets[3] (id 12).price_cents`` for an error at ('tickets', 3, 'price_cents')."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            entry = node[part] if isinstance(node, list) and part < len(node) else None
            ident = entry.get("id") if isinstance(entry, dict) else None
            parts[-1] += f"[{part}]" + (f" (id {ident})" if ident is not None else "")
            node = entry
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def parse_catalog(data: Any) -> CatalogFile:
    """Validate a decoded catalog file; every problem names the entry it is in."""
    if not isinstance(data, dict):
        raise Unprocessable(
            "a catalog file is a mapping with museums, exhibitions, quotas, tickets, coupons"
        )
    try:
        return CatalogFile.model_validate(data)
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            # pydantic prefixes the messages of our own validators with "Value error, "
            message = error["msg"].removeprefix("Value error, ")
            where = _entry_name(data, tuple(error["loc"]))
            messages.append(f"{where}: {message}" if where else message)
        raise Unprocessable("the catalog file is invalid", messages) from exc


async def _existing_ids(session: AsyncSession, model: type[Base]) -> set[int]:
    return set(await session.scalars(select(model.id)))  # type: ignore[attr-defined]


async def _check_references(session: AsyncSession, catalog: CatalogFile) -> None:
    museums = await _existing_ids(session, Museum) | {m.id for m in catalog.museums}
    quotas = await _existing_ids(session, Quota) | {q.id for q in catalog.quotas}
    exhibitions = await _existing_ids(session, Exhibition) | {e.id for e in catalog.exhibitions}
    problems: list[str] = []
    for index, exhibition in enumerate(catalog.exhibitions):
        if exhibition.museum_id not in museums:
            problems.append(
                f"exhibitions[{index}] (id {exhibition.id}).museum_id: "
                f"unknown museum {exhibition.museum_id}"
            )
    for index, ticket in enumerate(catalog.tickets):
        name = f"tickets[{index}] (id {ticket.id})"
        entries: list[tuple[str, TicketIn | SubTicketIn]] = [(name, ticket)]
        entries += [
            (f"{name}.sub_tickets[{i}] (id {s.id})", s) for i, s in enumerate(ticket.sub_tickets)
        ]
        for where, entry in entries:
            problems += [
                f"{where}.quota_ids: unknown quota {q}" for q in entry.quota_ids if q not in quotas
            ]
            problems += [
                f"{where}.museum_ids: unknown museum {m}"
                for m in entry.museum_ids
                if m not in museums
            ]
        problems += [
            f"{name}.exhibition_ids: unknown exhibition {e}"
            for e in ticket.exhibition_ids
            if e not in exhibitions
        ]
    for index, coupon in enumerate(catalog.coupons):
        problems += [
            f"coupons[{index}] (id {coupon.id}).museum_ids: unknown museum {m}"
            for m in coupon.museum_ids
            if m not in museums
        ]
    for index, zone in enumerate(catalog.entry_zones):
        if zone.museum_id is not None and zone.museum_id not in museums:
            problems.append(
                f"entry_zones[{index}] (id {zone.id}).museum_id: unknown museum {zone.museum_id}"
            )
    problems += await event_problems(
        session, catalog.event_tags, catalog.seatings, catalog.events, museums, exhibitions
    )
    problems += await tour_problems(
        session,
        catalog.tour_tags,
        catalog.guides,
        catalog.equipment,
        catalog.tours,
        museums,
        exhibitions,
    )
    if problems:
        raise Unprocessable("the catalog file refers to entries that do not exist", problems)


async def _load_museum(session: AsyncSession, museum: MuseumIn, locale: str) -> None:
    loc = museum.location
    await upsert(
        session,
        Museum,
        museum.id,
        {
            "title": as_translations(museum.title, locale),
            "sub_title": as_translations(museum.sub_title, locale),
            "description": as_translations(museum.description, locale),
            "content": content_values(museum.content, locale),
            "picture": picture_values(museum.picture, locale),
            "location_name": loc.name,
            "street": loc.street,
            "zip": loc.zip,
            "city": loc.city,
            "country": loc.country,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "barcode_method": museum.barcode_method,
            "vat_id": museum.vat_id,
        },
    )
    await session.flush()
    await session.execute(delete(OpeningHours).where(OpeningHours.museum_id == museum.id))
    await session.execute(delete(MuseumClosure).where(MuseumClosure.museum_id == museum.id))
    session.add_all(
        OpeningHours(museum_id=museum.id, weekday=day, begin_minute=begin, end_minute=end)
        for day, (begin, end) in museum.hours().items()
    )
    session.add_all(MuseumClosure(museum_id=museum.id, day=day) for day in set(museum.closed_on))


async def _load_exhibition(session: AsyncSession, exhibition: ExhibitionIn, locale: str) -> None:
    await upsert(
        session,
        Exhibition,
        exhibition.id,
        {
            "museum_id": exhibition.museum_id,
            "title": as_translations(exhibition.title, locale),
            "sub_title": as_translations(exhibition.sub_title, locale),
            "slider_description": as_translations(exhibition.slider_description, locale),
            "description": as_translations(exhibition.description, locale),
            "content": content_values(exhibition.content, locale),
            "featured": exhibition.featured,
            "picture": picture_values(exhibition.picture, locale),
            "location": exhibition.location.model_dump() if exhibition.location else None,
            "start_date": exhibition.start_date,
            "end_date": exhibition.end_date,
        },
    )


async def _load_quota(session: AsyncSession, quota: QuotaIn) -> None:
    await upsert(session, Quota, quota.id, {"title": quota.title, "capacity": quota.capacity})


def _ticket_values(
    entry: TicketIn | SubTicketIn, parent: TicketIn | None, position: int, locale: str
) -> dict[str, Any]:
    # A sub ticket has no price and no booking rules of its own: the main ticket carries them.
    main = parent or entry
    assert isinstance(main, TicketIn)
    return {
        "title": as_translations(entry.title, locale),
        "sub_title": as_translations(entry.sub_title, locale),
        "description": as_translations(entry.description, locale),
        "after_sale_information": as_translations(entry.after_sale_information, locale),
        "content": content_values(entry.content, locale),
        "ticket_type": entry.ticket_type,
        "price_cents": 0 if parent else main.price_cents,
        "discount": main.discount,
        "vat_pct": main.vat_pct,
        "tax_included": main.tax_included,
        "entry_duration": entry.entry_duration,
        "min_persons": main.min_persons,
        "max_persons": main.max_persons,
        "first_entry": clock_to_minute(entry.first_entry) if entry.first_entry else None,
        "last_entry": clock_to_minute(entry.last_entry) if entry.last_entry else None,
        "personalizeable": main.personalizeable,
        "attendees": main.attendees,
        "identification": main.identification,
        "free_timing": main.free_timing,
        "bookable_public": main.bookable and parent is None,
        "bookable_reseller": (
            main.bookable if main.bookable_reseller is None else main.bookable_reseller
        )
        and parent is None,
        "valid_from": main.valid_from,
        "valid_to": main.valid_to,
        "parent_id": parent.id if parent else None,
        "position": position,
        "sub_ticket_min_gap": main.sub_ticket_min_gap if parent is None else None,
        "barcode_method": main.barcode_method,
        "validity_months": main.validity_months,
    }


async def _replace_links(
    session: AsyncSession,
    ticket_id: int,
    museums: list[int],
    quotas: list[int],
    exhibitions: list[int],
) -> None:
    for table in (ticket_museums, ticket_quotas, ticket_exhibitions):
        await session.execute(delete(table).where(table.c.ticket_id == ticket_id))
    if museums:
        await session.execute(
            insert(ticket_museums),
            [
                {"ticket_id": ticket_id, "museum_id": m, "position": i}
                for i, m in enumerate(museums)
            ],
        )
    if quotas:
        await session.execute(
            insert(ticket_quotas), [{"ticket_id": ticket_id, "quota_id": q} for q in quotas]
        )
    if exhibitions:
        await session.execute(
            insert(ticket_exhibitions),
            [{"ticket_id": ticket_id, "exhibition_id": e} for e in exhibitions],
        )


async def _load_ticket(session: AsyncSession, ticket: TicketIn, locale: str) -> int:
    await upsert(session, Ticket, ticket.id, _ticket_values(ticket, None, 0, locale))
    await session.flush()
    await _replace_links(
        session, ticket.id, ticket.museum_ids, ticket.quota_ids, ticket.exhibition_ids
    )
    for position, sub in enumerate(ticket.sub_tickets):
        await upsert(session, Ticket, sub.id, _ticket_values(sub, ticket, position, locale))
        await session.flush()
        await _replace_links(
            session, sub.id, sub.museum_ids or ticket.museum_ids, sub.quota_ids, []
        )
    return 1 + len(ticket.sub_tickets)


async def _load_coupon(session: AsyncSession, coupon: CouponIn, locale: str) -> None:
    await upsert(
        session,
        Coupon,
        coupon.id,
        {
            "title": as_translations(coupon.title, locale),
            "description": as_translations(coupon.description, locale),
            "museum_ids": list(coupon.museum_ids),
            "price_cents": coupon.price_cents,
            "value_cents": coupon.value_cents,
            "vat_pct": coupon.vat_pct,
            "tax_included": coupon.tax_included,
            "min_quantity": coupon.min_quantity,
            "max_quantity": coupon.max_quantity,
            "bookable_public": coupon.bookable,
            "bookable_reseller": (
                coupon.bookable if coupon.bookable_reseller is None else coupon.bookable_reseller
            ),
            "valid_from": coupon.valid_from,
            "valid_to": coupon.valid_to,
        },
    )


async def _load_entry_zone(session: AsyncSession, zone: EntryZoneIn) -> None:
    await upsert(
        session,
        EntryZone,
        zone.id,
        {"name": zone.name, "museum_id": zone.museum_id, "settings": zone.settings},
    )


async def _load_shop(session: AsyncSession, shop: ShopIn, locale: str) -> None:
    """The shop section replaces the whole of what an earlier file said about the shop."""
    await upsert(
        session,
        Shop,
        SHOP_ID,
        {
            "name": as_translations(shop.name, locale),
            "translations": shop.translations,
            "content": shop.content,
        },
    )


async def bump_catalog_version(session: AsyncSession) -> None:
    """Every worker's cached catalog is stale from the commit of this transaction on."""
    result = await session.execute(
        update(CatalogState).where(CatalogState.id == 1).values(version=CatalogState.version + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(CatalogState(id=1, version=1))
    await session.flush()


async def load_catalog_data(session: AsyncSession, data: Any, *, locale: str) -> LoadReport:
    catalog = parse_catalog(data)
    await _check_references(session, catalog)
    for museum in catalog.museums:
        await _load_museum(session, museum, locale)
    await session.flush()
    for exhibition in catalog.exhibitions:
        await _load_exhibition(session, exhibition, locale)
    for quota in catalog.quotas:
        await _load_quota(session, quota)
    await session.flush()
    tickets = 0
    for ticket in catalog.tickets:
        tickets += await _load_ticket(session, ticket, locale)
    for coupon in catalog.coupons:
        await _load_coupon(session, coupon, locale)
    for zone in catalog.entry_zones:
        await _load_entry_zone(session, zone)
    if catalog.shop is not None:
        await _load_shop(session, catalog.shop, locale)
    dates = await load_events(session, catalog.event_tags, catalog.seatings, catalog.events, locale)
    tours = await load_tours(
        session, catalog.tour_tags, catalog.guides, catalog.equipment, catalog.tours, locale
    )
    await bump_catalog_version(session)
    return LoadReport(
        museums=len(catalog.museums),
        exhibitions=len(catalog.exhibitions),
        quotas=len(catalog.quotas),
        tickets=tickets,
        coupons=len(catalog.coupons),
        entry_zones=len(catalog.entry_zones),
        events=len(catalog.events),
        event_dates=dates,
        tours=tours,
    )
