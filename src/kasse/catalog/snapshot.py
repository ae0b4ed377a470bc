"""The catalog held in each worker's memory.

Master data changes rarely (``kasse load``) and is read by every request, so each worker keeps an
immutable snapshot per instance. ``catalog_state.version`` moves in the transaction that changes
the catalog; a request compares it (one indexed single-row read) and rebuilds when it moved. This
works across workers and hosts because the version lives in the database they share.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.event_snapshot import EventCatalog, build_event_catalog
from kasse.catalog.tour_snapshot import TourCatalog, build_tour_catalog
from kasse.core.db import Instance
from kasse.core.sql import run, table_of
from kasse.models import (
    CatalogState,
    Coupon,
    EntryZone,
    Equipment,
    Event,
    EventDate,
    Exhibition,
    Guide,
    Museum,
    MuseumClosure,
    OpeningHours,
    ProductTag,
    Quota,
    Seating,
    Shop,
    Ticket,
    Tour,
    ticket_exhibitions,
    ticket_museums,
    ticket_quotas,
)

CACHE_KEY = "catalog"
CHECKED_AT_KEY = "catalog_checked_at"  # time.monotonic() of the last version check
CHECKING_KEY = "catalog_checking"
CATALOG_MODELS = (
    Museum,
    OpeningHours,
    MuseumClosure,
    Exhibition,
    Quota,
    Ticket,
    Coupon,
    EntryZone,
    Shop,
    Event,
    EventDate,
    Seating,
    ProductTag,
    Tour,
    Guide,
    Equipment,
)


@dataclass(frozen=True)
class MuseumData:
    row: Museum
    hours: dict[int, tuple[int, int]]  # weekday -> (begin minute, end minute)
    closures: frozenset[date]

    def location(self) -> dict[str, Any]:
        """The museum's address and coordinates, as every ``location`` block shows them."""
        row = self.row
        return {
            "name": row.location_name,
            "street": row.street,
            "zip": row.zip,
            "city": row.city,
            "country": row.country,
            "latitude": row.latitude,
            "longitude": row.longitude,
        }

    def opening(self, day: date) -> tuple[int, int] | None:
        """Opening hours of ``day`` in minutes after midnight, or None on a closed day."""
        if day in self.closures:
            return None
        return self.hours.get(day.weekday())


@dataclass(frozen=True)
class TicketData:
    row: Ticket
    museum_ids: tuple[int, ...]
    exhibition_ids: tuple[int, ...]
    quota_ids: tuple[int, ...]
    sub_ticket_ids: tuple[int, ...]

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def is_combined(self) -> bool:
        return bool(self.sub_ticket_ids)

    @property
    def is_sub_ticket(self) -> bool:
        return self.row.parent_id is not None

    def valid_on(self, day: date) -> bool:
        row = self.row
        return (row.valid_from is None or row.valid_from <= day) and (
            row.valid_to is None or day <= row.valid_to
        )


@dataclass(frozen=True)
class Catalog:
    version: int
    museums: dict[int, MuseumData]
    exhibitions: dict[int, Exhibition]
    quotas: dict[int, Quota]
    tickets: dict[int, TicketData]
    coupons: dict[int, Coupon] = field(default_factory=dict)
    entry_zones: dict[str, EntryZone] = field(default_factory=dict)
    shop: Shop | None = None
    events: EventCatalog = field(default_factory=EventCatalog)
    tours: TourCatalog = field(default_factory=TourCatalog)
    extra: dict[str, Any] = field(default_factory=dict)

    def ticket(self, ticket_id: int) -> TicketData | None:
        return self.tickets.get(ticket_id)

    def event_location(self, event: Event | Tour) -> dict[str, Any] | None:
        """Where an event or a tour meets: its own place, else its museum's."""
        if event.location:
            return dict(event.location)
        museum = self.museums.get(event.museum_id)
        return museum.location() if museum else None


# built once: every writing request runs it (see core/sql.py on the cost of building statements)
CATALOG_VERSION = select(table_of(CatalogState).c.version).where(table_of(CatalogState).c.id == 1)


async def _catalog_version(session: AsyncSession) -> int:
    version = (await run(session, CATALOG_VERSION)).scalar()
    return int(version or 0)


async def _build(session: AsyncSession, version: int) -> Catalog:
    hours: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for oh in await session.scalars(select(OpeningHours)):
        hours[oh.museum_id][oh.weekday] = (oh.begin_minute, oh.end_minute)
    closures: dict[int, set[date]] = defaultdict(set)
    for closure in await session.scalars(select(MuseumClosure)):
        closures[closure.museum_id].add(closure.day)
    museums = {
        m.id: MuseumData(row=m, hours=dict(hours[m.id]), closures=frozenset(closures[m.id]))
        for m in await session.scalars(select(Museum).order_by(Museum.id))
    }

    ticket_museum_ids: dict[int, list[int]] = defaultdict(list)
    for ticket_id, museum_id in await session.execute(
        select(ticket_museums.c.ticket_id, ticket_museums.c.museum_id).order_by(
            ticket_museums.c.ticket_id, ticket_museums.c.position, ticket_museums.c.museum_id
        )
    ):
        ticket_museum_ids[ticket_id].append(museum_id)
    ticket_exhibition_ids: dict[int, list[int]] = defaultdict(list)
    for ticket_id, exhibition_id in await session.execute(
        select(ticket_exhibitions.c.ticket_id, ticket_exhibitions.c.exhibition_id).order_by(
            ticket_exhibitions.c.exhibition_id
        )
    ):
        ticket_exhibition_ids[ticket_id].append(exhibition_id)
    ticket_quota_ids: dict[int, list[int]] = defaultdict(list)
    for ticket_id, quota_id in await session.execute(
        select(ticket_quotas.c.ticket_id, ticket_quotas.c.quota_id).order_by(
            ticket_quotas.c.quota_id
        )
    ):
        ticket_quota_ids[ticket_id].append(quota_id)

    rows = list(await session.scalars(select(Ticket).order_by(Ticket.id)))
    children: dict[int, list[Ticket]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            children[row.parent_id].append(row)
    tickets = {
        row.id: TicketData(
            row=row,
            museum_ids=tuple(ticket_museum_ids[row.id]),
            exhibition_ids=tuple(ticket_exhibition_ids[row.id]),
            quota_ids=tuple(ticket_quota_ids[row.id]),
            sub_ticket_ids=tuple(
                c.id for c in sorted(children[row.id], key=lambda c: (c.position, c.id))
            ),
        )
        for row in rows
    }
    return Catalog(
        version=version,
        museums=museums,
        exhibitions={
            e.id: e for e in await session.scalars(select(Exhibition).order_by(Exhibition.id))
        },
        quotas={q.id: q for q in await session.scalars(select(Quota).order_by(Quota.id))},
        tickets=tickets,
        coupons={c.id: c for c in await session.scalars(select(Coupon).order_by(Coupon.id))},
        entry_zones={
            z.id: z for z in await session.scalars(select(EntryZone).order_by(EntryZone.id))
        },
        shop=await session.scalar(select(Shop).order_by(Shop.id).limit(1)),
        events=await build_event_catalog(session),
        tours=await build_tour_catalog(session),
    )


async def load_catalog(
    session: AsyncSession, instance: Instance, *, for_write: bool = True
) -> Catalog:
    """The current catalog of ``instance``: the snapshot cached in this process.

    A write (``for_write``) reads the version in its own transaction every time, so that a sale
    that starts after a catalog load committed (a lower capacity, a new price) never uses the
    catalog before it. A read checks the version at most every ``catalog_check_seconds``: a
    load reaches what clients see on every worker and host within that time.

    While one read checks or rebuilds, the other reads of the process go on with the snapshot
    they have rather than all rebuilding the same catalog at once. They do not wait for it
    either: a waiting request may hold a pooled connection that the checking one needs.
    """
    cached: Catalog | None = instance.cache.get(CACHE_KEY)
    interval = instance.settings.catalog_check_seconds
    if cached is not None and interval > 0 and not for_write:
        checked_at: float = instance.cache.get(CHECKED_AT_KEY, -interval)
        if time.monotonic() - checked_at < interval or instance.cache.get(CHECKING_KEY):
            return cached
    instance.cache[CHECKING_KEY] = True
    try:
        catalog = await _current(session, cached)
    finally:
        instance.cache[CHECKING_KEY] = False
    instance.cache[CACHE_KEY] = catalog
    instance.cache[CHECKED_AT_KEY] = time.monotonic()
    return catalog


async def _current(session: AsyncSession, cached: Catalog | None) -> Catalog:
    version = await _catalog_version(session)
    if cached is not None and cached.version == version:
        return cached
    catalog = await _build(session, version)
    # The rows leave the session: they are read-only from here on, shared by concurrent requests.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, CATALOG_MODELS):
            session.expunge(obj)
    return catalog
