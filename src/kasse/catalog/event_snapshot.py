"""The events part of the in-memory catalog: events, dates in start order, seating plans, tags."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.date_quotas import date_quota_id
from kasse.core.auth import Principal
from kasse.models import Event, EventDate, ProductTag, Seating


@dataclass(frozen=True)
class SeatingData:
    row: Seating
    # seat id -> the seat as the file gave it (id, row_id, category_id, type_id, title, x, y)
    seats: dict[int, dict[str, Any]]
    blocked: frozenset[int]

    @property
    def id(self) -> int:
        return self.row.id


@dataclass(frozen=True)
class EventDateData:
    row: EventDate
    event: Event
    seating: SeatingData | None
    # scale price id -> the price (id, seat_category_id, title, group, price_cents, vat_pct ...)
    scale_prices: dict[int, dict[str, Any]]
    # the seating's blocked seats and the date's own
    blocked_seats: frozenset[int]

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def start_at(self) -> datetime:
        return self.row.start_at

    @property
    def end_at(self) -> datetime:
        return self.row.start_at + timedelta(minutes=self.row.duration)

    @property
    def quota_id(self) -> int:
        return date_quota_id(self.row.id)

    @property
    def museum_id(self) -> int:
        return self.event.museum_id

    def bookable_for(self, principal: Principal) -> bool:
        """Bookable in principle by this caller (the date's and its event's flags, the caller's
        museums); whether it lies ahead and has room are other questions."""
        if not principal.may_see_museums([self.event.museum_id]):
            return False
        return principal.may_buy(
            self.row.bookable_public and self.event.bookable_public,
            self.row.bookable_reseller and self.event.bookable_reseller,
        )


@dataclass(frozen=True)
class EventData:
    row: Event
    dates: tuple[EventDateData, ...]  # by start
    language_ids: tuple[int, ...]

    @property
    def id(self) -> int:
        return self.row.id


@dataclass(frozen=True)
class EventCatalog:
    events: dict[int, EventData] = field(default_factory=dict)
    dates: dict[int, EventDateData] = field(default_factory=dict)
    # every date by start, for range queries
    timeline: tuple[EventDateData, ...] = ()
    starts: tuple[datetime, ...] = ()  # the timeline's starts, for bisect
    seatings: dict[int, SeatingData] = field(default_factory=dict)
    # tag kind -> entries in the file's order
    tags: dict[str, tuple[ProductTag, ...]] = field(default_factory=dict)

    def dates_between(self, first: datetime, last: datetime) -> list[EventDateData]:
        """The dates starting in ``[first, last)``, by start."""
        low = bisect.bisect_left(self.starts, first)
        return list(self.timeline[low : bisect.bisect_left(self.starts, last, lo=low)])

    def tag_names(self, kind: str) -> dict[int, dict[str, Any]]:
        return {tag.id: tag.name for tag in self.tags.get(kind, ())}


def _seating(row: Seating) -> SeatingData:
    return SeatingData(
        row=row,
        seats={seat["id"]: seat for seat in row.layout["seats"]},
        blocked=frozenset(row.layout.get("blocked_seats", [])),
    )


async def build_event_catalog(session: AsyncSession) -> EventCatalog:
    seatings = {
        row.id: _seating(row) for row in await session.scalars(select(Seating).order_by(Seating.id))
    }
    events = {
        e.id: e for e in await session.scalars(select(Event).order_by(Event.position, Event.id))
    }
    dates: dict[int, EventDateData] = {}
    by_event: dict[int, list[EventDateData]] = defaultdict(list)
    for row in await session.scalars(select(EventDate).order_by(EventDate.start_at, EventDate.id)):
        seating = seatings.get(row.seating_id) if row.seating_id is not None else None
        data = EventDateData(
            row=row,
            event=events[row.event_id],
            seating=seating,
            scale_prices={p["id"]: p for p in row.scale_prices},
            blocked_seats=(seating.blocked if seating else frozenset())
            | frozenset(row.blocked_seat_ids),
        )
        dates[row.id] = data
        by_event[row.event_id].append(data)
    return EventCatalog(
        events={
            event_id: EventData(
                row=row,
                dates=tuple(by_event[event_id]),
                language_ids=tuple(
                    sorted({d.row.language_id for d in by_event[event_id] if d.row.language_id})
                ),
            )
            for event_id, row in events.items()
        },
        dates=dates,
        timeline=tuple(dates.values()),
        starts=tuple(d.start_at for d in dates.values()),
        seatings=seatings,
        tags=await product_tags(session, "events"),
    )


async def product_tags(session: AsyncSession, product: str) -> dict[str, tuple[ProductTag, ...]]:
    """A product's tag lists by kind, each in the file's order."""
    tags: dict[str, list[ProductTag]] = defaultdict(list)
    for tag in await session.scalars(
        select(ProductTag)
        .where(ProductTag.product == product)
        .order_by(ProductTag.kind, ProductTag.position)
    ):
        tags[tag.kind].append(tag)
    return {kind: tuple(entries) for kind, entries in tags.items()}
