"""Events as the public API reads them: tag lists, the event index, dates with their live places,
one date in detail with its seating plan, the events calendar.

Master data comes from the in-memory catalog (``catalog.events``). Live counts come from one
``usage_of`` statement for every date an answer shows (a date's places are its quota slot, and
every seat taken also takes a place of it), and the taken seats of a seated date from one more
statement in its detail. Lists count only the dates of the page they answer with.

Bookable (events and dates alike) means: the caller may book it (``bookable_for``: the flags of
date and event for its access level, its museums) and it lies ahead. An event is bookable when one
of its dates is; an event without dates ahead is not, whatever its flags: there is nothing to book.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from kasse.availability.capacity import Usage, free_places, usage_of
from kasse.availability.seats import seats_taken_on
from kasse.availability.service import day_range
from kasse.catalog.date_quotas import date_slot
from kasse.catalog.event_snapshot import EventData, EventDateData, SeatingData
from kasse.catalog.service import title_matches
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.errors import NotFound, Unprocessable
from kasse.core.pagination import Page, PageOf, paginate
from kasse.core.times import local_date, local_day_bounds, today
from kasse.items.context import RequestContext
from kasse.models import Event, ProductTag, Tour

# "A range of up to 31 days can be queried" (reference, the dates of one event).
MAX_EVENT_DATE_DAYS = 31
FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class EventFilter:
    """The filters of the event index, the dates lists and the events calendar."""

    q: str | None = None
    featured: bool | None = None
    event_ids: frozenset[int] | None = None
    museum_ids: frozenset[int] | None = None
    exhibition_ids: frozenset[int] | None = None
    category_ids: frozenset[int] | None = None
    # by_categories[]: names in any locale, casefolded
    category_names: frozenset[str] | None = None
    # tag kind (age_groups, ...) -> the ids asked for: an event matches with any one of them
    tag_ids: Mapping[str, frozenset[int]] = field(default_factory=dict)
    language_ids: frozenset[int] | None = None
    bookable: bool | None = None


@dataclass(frozen=True)
class SeatCount:
    min: int
    max: int
    booked: int  # sold, and held by reservations and open orders
    available: int
    max_per_registration: int | None


@dataclass(frozen=True)
class EventView:
    data: EventData
    bookable: bool


@dataclass(frozen=True)
class DateView:
    data: EventDateData
    bookable: bool
    seats: SeatCount


@dataclass(frozen=True)
class DateDetailView(DateView):
    # the seats sold or actively held on the date (none without a seating plan)
    taken_seats: frozenset[int]


@dataclass(frozen=True)
class SeatingPlan:
    seating: SeatingData
    blocked: frozenset[int]
    taken: frozenset[int]


@dataclass(frozen=True)
class CalendarDate:
    data: EventDateData
    available: int


# --- bookable --------------------------------------------------------------------------------


def date_bookable(date_: EventDateData, principal: Principal, now: datetime) -> bool:
    return date_.start_at > now and date_.bookable_for(principal)


def event_bookable(event: EventData, principal: Principal, now: datetime) -> bool:
    for date_ in reversed(event.dates):  # by start: the dates ahead come last
        if date_.start_at <= now:
            return False
        if date_.bookable_for(principal):
            return True
    return False


def _visible(principal: Principal, event: EventData) -> bool:
    return principal.may_see_museums([event.row.museum_id])


# --- tag lists -------------------------------------------------------------------------------


def tag_list(catalog: Catalog, kind: str) -> list[ProductTag]:
    """A lookup list in the catalog file's order."""
    return list(catalog.events.tags.get(kind, ()))


def _languages(catalog: Catalog, language_ids: Iterable[int | None]) -> list[ProductTag]:
    used = set(language_ids)
    return [tag for tag in tag_list(catalog, "languages") if tag.id in used]


def bookable_languages(catalog: Catalog, principal: Principal, now: datetime) -> list[ProductTag]:
    """The languages of the dates ahead that the caller can book."""
    return _languages(
        catalog,
        (
            d.row.language_id
            for d in catalog.events.dates_between(now, FAR_FUTURE)
            if date_bookable(d, principal, now)
        ),
    )


# --- filters ---------------------------------------------------------------------------------


class TagNames(Protocol):
    def tag_names(self, kind: str) -> dict[int, dict[str, Any]]: ...


def _category_named(part: TagNames, category_id: int | None, names: frozenset[str]) -> bool:
    texts = part.tag_names("categories").get(category_id or 0, {})
    return any(str(text).casefold() in names for text in texts.values())


def product_matches(part: TagNames, row: Event | Tour, f: EventFilter) -> bool:
    """The filters on what an event or a tour is (not its title, dates, languages or bookability);
    ``part``: the catalog part whose tags name it."""
    return (
        (f.event_ids is None or row.id in f.event_ids)
        and (f.museum_ids is None or row.museum_id in f.museum_ids)
        and (f.exhibition_ids is None or row.exhibition_id in f.exhibition_ids)
        and (f.featured is None or row.featured == f.featured)
        and (f.category_ids is None or row.category_id in f.category_ids)
        and (f.category_names is None or _category_named(part, row.category_id, f.category_names))
        and all(not asked.isdisjoint(row.tags.get(kind, ())) for kind, asked in f.tag_ids.items())
    )


def _select_events(
    catalog: Catalog, principal: Principal, now: datetime, f: EventFilter
) -> list[EventView]:
    events = catalog.events
    views: list[EventView] = []
    for event in events.events.values():
        if not (
            _visible(principal, event)
            and product_matches(events, event.row, f)
            and title_matches(event.row.title, f.q)
            and (f.language_ids is None or not f.language_ids.isdisjoint(event.language_ids))
        ):
            continue
        bookable = event_bookable(event, principal, now)
        if f.bookable is None or bookable == f.bookable:
            views.append(EventView(data=event, bookable=bookable))
    return views


def _date_matches(date_: EventDateData, f: EventFilter) -> bool:
    """The filters on a date itself: its title (or its event's) and its language."""
    return (
        title_matches(date_.event.title, f.q) or title_matches(date_.row.title or {}, f.q)
    ) and (f.language_ids is None or date_.row.language_id in f.language_ids)


def _select_dates(
    ctx: RequestContext, candidates: Iterable[EventDateData], f: EventFilter
) -> list[tuple[EventDateData, bool]]:
    """The dates of ``candidates`` the caller sees that match ``f``, each with its bookability."""
    events = ctx.catalog.events
    event_matches: dict[int, bool] = {}
    chosen: list[tuple[EventDateData, bool]] = []
    for date_ in candidates:
        event = events.events[date_.event.id]
        if event.id not in event_matches:
            event_matches[event.id] = _visible(ctx.principal, event) and product_matches(
                events, event.row, f
            )
        if not event_matches[event.id] or not _date_matches(date_, f):
            continue
        bookable = date_bookable(date_, ctx.principal, ctx.now)
        if f.bookable is None or bookable == f.bookable:
            chosen.append((date_, bookable))
    return chosen


# --- ranges of days --------------------------------------------------------------------------


def event_date_days(
    day: date | None, start_at: date | None, end_at: date | None, ctx: RequestContext
) -> list[date]:
    """The days the dates of one event are listed for: ``date`` (default today), or
    ``start_at`` to ``end_at`` (either alone: that one day from ``start_at``, today to ``end_at``),
    at most :data:`MAX_EVENT_DATE_DAYS` of them."""
    if day is not None and (start_at is not None or end_at is not None):
        raise Unprocessable("give either date or start_at/end_at, not both")
    if start_at is None and end_at is None:
        return [day or today(ctx.now, ctx.tz)]
    first = start_at or today(ctx.now, ctx.tz)
    return day_range(first, end_at or first, MAX_EVENT_DATE_DAYS)


def _bounds(ctx: RequestContext, days: list[date]) -> tuple[datetime, datetime]:
    """From local midnight of the first day to local midnight after the last, in UTC."""
    return local_day_bounds(days[0], ctx.tz)[0], local_day_bounds(days[-1], ctx.tz)[1]


# --- live places -----------------------------------------------------------------------------


def _seat_count(catalog: Catalog, date_: EventDateData, usage: Usage) -> SeatCount:
    row = date_.row
    return SeatCount(
        min=row.min_seats,
        max=row.max_seats,
        booked=usage.used,
        available=free_places(catalog, date_slot(row.id), usage),
        max_per_registration=row.max_per_registration,
    )


async def _counted(
    ctx: RequestContext, chosen: Sequence[tuple[EventDateData, bool]]
) -> list[DateView]:
    """The dates with their live places, counted in one statement."""
    usage = await usage_of(ctx.session, {date_slot(d.id) for d, _ in chosen}, ctx.now)
    return [
        DateView(
            data=d, bookable=bookable, seats=_seat_count(ctx.catalog, d, usage[date_slot(d.id)])
        )
        for d, bookable in chosen
    ]


async def _counted_page(
    ctx: RequestContext, chosen: list[tuple[EventDateData, bool]], page: Page
) -> PageOf[DateView]:
    """One page of the dates, only its own counted."""
    result = paginate(chosen, page)
    return PageOf(items=await _counted(ctx, result.items), total_count=result.total_count)


# --- events ----------------------------------------------------------------------------------


async def list_events(
    ctx: RequestContext, f: EventFilter, with_bookings_in_future: bool | None, page: Page
) -> PageOf[EventView]:
    """The event index. ``with_bookings_in_future``: only events with (true) or without (false)
    a date ahead that the caller can book and that has places left (one statement counts them)."""
    views = _select_events(ctx.catalog, ctx.principal, ctx.now, f)
    if with_bookings_in_future is not None:
        open_events = await _events_with_places(ctx, views)
        views = [v for v in views if (v.data.id in open_events) == with_bookings_in_future]
    return paginate(views, page)


async def _events_with_places(ctx: RequestContext, views: list[EventView]) -> set[int]:
    ahead = [
        (d, True)
        for v in views
        if v.bookable
        for d in v.data.dates
        if date_bookable(d, ctx.principal, ctx.now)
    ]
    return {view.data.event.id for view in await _counted(ctx, ahead) if view.seats.available > 0}


def _visible_event(ctx: RequestContext, event_id: int) -> EventData:
    event = ctx.catalog.events.events.get(event_id)
    if event is None or not _visible(ctx.principal, event):
        raise NotFound(f"event {event_id} not found")
    return event


def get_event(ctx: RequestContext, event_id: int) -> EventView:
    event = _visible_event(ctx, event_id)
    return EventView(data=event, bookable=event_bookable(event, ctx.principal, ctx.now))


# --- dates -----------------------------------------------------------------------------------


async def event_dates(
    ctx: RequestContext, event_id: int, days: list[date], f: EventFilter, page: Page
) -> PageOf[DateView]:
    """The dates of one event on ``days``."""
    event = _visible_event(ctx, event_id)
    start, end = _bounds(ctx, days)
    chosen = _select_dates(ctx, [d for d in event.dates if start <= d.start_at < end], f)
    return await _counted_page(ctx, chosen, page)


def _dates_in(ctx: RequestContext, days: list[date]) -> list[EventDateData]:
    return ctx.catalog.events.dates_between(*_bounds(ctx, days))


async def list_dates(
    ctx: RequestContext, days: list[date], f: EventFilter, page: Page
) -> PageOf[DateView]:
    """The dates of every event on ``days``, by start."""
    return await _counted_page(ctx, _select_dates(ctx, _dates_in(ctx, days), f), page)


def date_languages(ctx: RequestContext, days: list[date], f: EventFilter) -> list[ProductTag]:
    """The languages of the dates :func:`list_dates` would list."""
    chosen = _select_dates(ctx, _dates_in(ctx, days), f)
    return _languages(ctx.catalog, (d.row.language_id for d, _ in chosen))


async def get_date(ctx: RequestContext, event_id: int, date_id: int) -> DateDetailView:
    """One date of the event with its live places and, with a seating plan, its taken seats."""
    event = _visible_event(ctx, event_id)
    date_ = ctx.catalog.events.dates.get(date_id)
    if date_ is None or date_.event.id != event.id:
        raise NotFound(f"date {date_id} of event {event_id} not found")
    (view,) = await _counted(ctx, [(date_, date_bookable(date_, ctx.principal, ctx.now))])
    taken = await seats_taken_on(ctx.session, date_id, ctx.now) if date_.seating else set()
    return DateDetailView(
        data=view.data, bookable=view.bookable, seats=view.seats, taken_seats=frozenset(taken)
    )


async def seating_plan(ctx: RequestContext, seating_id: int, date_id: int | None) -> SeatingPlan:
    """A seating plan with its blocked seats; for a date held in it, with the date's blocked
    and taken seats."""
    seating = ctx.catalog.events.seatings.get(seating_id)
    if seating is None:
        raise NotFound(f"seating {seating_id} not found")
    if date_id is None:
        return SeatingPlan(seating=seating, blocked=seating.blocked, taken=frozenset())
    date_ = ctx.catalog.events.dates.get(date_id)
    if date_ is None or not _visible(ctx.principal, ctx.catalog.events.events[date_.event.id]):
        raise NotFound(f"date {date_id} not found")
    if date_.seating is None or date_.seating.id != seating_id:
        raise Unprocessable(f"date_id: date {date_id} is not held in seating {seating_id}")
    taken = await seats_taken_on(ctx.session, date_id, ctx.now)
    return SeatingPlan(seating=seating, blocked=date_.blocked_seats, taken=frozenset(taken))


# --- calendar --------------------------------------------------------------------------------


def _check_events_exist(ctx: RequestContext, f: EventFilter) -> None:
    """Events asked for by id must exist (as tickets asked for by the tickets calendar)."""
    for event_id in sorted(f.event_ids or ()):
        _visible_event(ctx, event_id)


async def calendar(
    ctx: RequestContext, days: list[date], f: EventFilter
) -> dict[date, list[CalendarDate]]:
    """Per day, the dates that day the caller can book, with their places left (one statement
    counts them all)."""
    _check_events_exist(ctx, f)
    bookable = [(d, b) for d, b in _select_dates(ctx, _dates_in(ctx, days), f) if b]
    per_day: dict[date, list[CalendarDate]] = defaultdict(list)
    for view in await _counted(ctx, bookable):
        per_day[local_date(view.data.start_at, ctx.tz)].append(
            CalendarDate(data=view.data, available=view.seats.available)
        )
    return {day: per_day.get(day, []) for day in days}
