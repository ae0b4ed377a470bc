"""Live availability answers: one ticket's capacity, capacities by quota, the calendar, a day's
tickets with their quotas.

Each answer counts sold places and holds in one statement (``capacity.usage_of``) for every slot
it shows. Holds of the caller's own reservations (``reservations[]``) are left out of the count:
the places it holds are available to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability.capacity import SlotKey, Usage, free_places, usage_of
from kasse.availability.slots import is_past, slot_starts
from kasse.catalog.service import TicketFilter, TicketView, select_tickets
from kasse.catalog.snapshot import Catalog, TicketData
from kasse.core.auth import Principal
from kasse.core.errors import NotFound, Unprocessable
from kasse.core.times import local_date, render, render_spaced, today
from kasse.models import Reservation

# Date pickers ask for a month (32 days with both ends) and some for 46 days; a quarter is plenty.
MAX_CALENDAR_DAYS = 93
Depth = Literal["any", "all", "availability_status"]


@dataclass(frozen=True)
class QuotaView:
    tickets: list[int]
    capacities: dict[str, int]
    total_capacities: dict[str, int]


async def own_reservation_ids(
    session: AsyncSession, principal: Principal, tokens: Iterable[str]
) -> list[int]:
    """The ids of the caller's reservations named by ``tokens``; any other token is a 422.

    Availability answers leave these holds out, so that the caller sees the places it holds as
    its own. An expired reservation holds nothing any more: it is simply the caller's.
    """
    wanted = set(tokens)
    if not wanted:
        return []
    rows = await session.execute(
        select(Reservation.token, Reservation.id).where(
            Reservation.token.in_(wanted), Reservation.api_token_id == principal.token_id
        )
    )
    found = {token: reservation_id for token, reservation_id in rows}
    unknown = sorted(wanted - set(found))
    if unknown:
        raise Unprocessable(
            "unknown reservations", [f"reservation {token} not found" for token in unknown]
        )
    return sorted(found.values())


@dataclass(frozen=True)
class Asking:
    """Who asks and when: the caller, its reservations (their holds left out), the clock."""

    session: AsyncSession
    catalog: Catalog
    principal: Principal
    now: datetime
    tz: ZoneInfo
    reservation_tokens: tuple[str, ...] = ()

    async def usage(self, keys: set[SlotKey]) -> dict[SlotKey, Usage]:
        own = await own_reservation_ids(self.session, self.principal, self.reservation_tokens)
        return await usage_of(self.session, keys, self.now, ignore_reservations=own)


@dataclass(frozen=True)
class TicketDay:
    """A ticket of a day's list with the places its slots have in total, ignoring sales."""

    view: TicketView
    total_capacities: dict[str, int]


@dataclass(frozen=True)
class DayOverview:
    tickets: list[TicketDay]
    quotas: dict[str, QuotaView]


def visible_ticket(catalog: Catalog, principal: Principal, ticket_id: int) -> TicketData:
    ticket = catalog.ticket(ticket_id)
    if ticket is None or not principal.may_see_museums(ticket.museum_ids):
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def _open_starts(
    catalog: Catalog, ticket: TicketData, day: date, now: datetime, tz: ZoneInfo
) -> list[datetime]:
    starts = slot_starts(catalog, ticket, day, tz)
    if day > local_date(now, tz):
        return starts  # no slot of a later day is over (a calendar asks for weeks of them)
    return [s for s in starts if not is_past(ticket, s, now, tz)]


def _ticket_free(
    catalog: Catalog, ticket: TicketData, start: datetime, usage: dict[SlotKey, Usage]
) -> int:
    """Places left for ``ticket`` at ``start``: the minimum over all its quotas."""
    if not ticket.quota_ids:
        # No quota: nothing limits the places but one booking's maximum.
        return ticket.row.max_persons
    return min(free_places(catalog, (q, start), usage[(q, start)]) for q in ticket.quota_ids)


def _keys(tickets: Iterable[TicketData], starts: dict[int, list[datetime]]) -> set[SlotKey]:
    return {(q, s) for t in tickets for s in starts[t.id] for q in t.quota_ids}


async def ticket_capacity(ask: Asking, ticket_id: int, day: date | None) -> dict[str, int]:
    """Slot start -> places left; slots with nothing left (or already over) are left out."""
    catalog, tz = ask.catalog, ask.tz
    ticket = visible_ticket(catalog, ask.principal, ticket_id)
    starts = _open_starts(catalog, ticket, day or today(ask.now, tz), ask.now, tz)
    usage = await ask.usage(_keys([ticket], {ticket.id: starts}))
    answer: dict[str, int] = {}
    for start in starts:
        left = _ticket_free(catalog, ticket, start, usage)
        if left > 0:
            answer[render(start, tz) or ""] = left
    return answer


def _iso(moment: datetime, tz: ZoneInfo) -> str:
    return render(moment, tz) or ""


def _quota_views(
    catalog: Catalog,
    tickets: list[TicketData],
    starts: dict[int, list[datetime]],
    usage: dict[SlotKey, Usage],
    tz: ZoneInfo,
    stamp: Callable[[datetime, ZoneInfo], str] = _iso,
) -> dict[str, QuotaView]:
    ticket_ids: dict[int, list[int]] = defaultdict(list)
    slots: dict[int, set[datetime]] = defaultdict(set)
    for ticket in tickets:
        for quota_id in ticket.quota_ids:
            if ticket.id not in ticket_ids[quota_id]:
                ticket_ids[quota_id].append(ticket.id)
            slots[quota_id].update(starts[ticket.id])
    views: dict[str, QuotaView] = {}
    for quota_id in sorted(ticket_ids):
        capacity = catalog.quotas[quota_id].capacity
        ordered = sorted(slots[quota_id])
        views[str(quota_id)] = QuotaView(
            tickets=ticket_ids[quota_id],
            capacities={
                stamp(s, tz): free_places(catalog, (quota_id, s), usage[(quota_id, s)])
                for s in ordered
            },
            total_capacities={stamp(s, tz): capacity for s in ordered},
        )
    return views


async def quota_capacities(
    ask: Asking, ticket_ids: list[int], day: date | None
) -> dict[str, QuotaView]:
    """Capacities of several tickets on one day, grouped by the quotas they draw from."""
    if not ticket_ids:
        raise Unprocessable("ticket_ids[] is required")
    catalog, tz = ask.catalog, ask.tz
    tickets = [visible_ticket(catalog, ask.principal, tid) for tid in dict.fromkeys(ticket_ids)]
    when = day or today(ask.now, tz)
    starts = {t.id: _open_starts(catalog, t, when, ask.now, tz) for t in tickets}
    usage = await ask.usage(_keys(tickets, starts))
    return _quota_views(catalog, tickets, starts, usage, tz)


def _end_of_month(day: date) -> date:
    first_of_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next - timedelta(days=1)


def calendar_days(
    start_at: date | None, end_at: date | None, now: datetime, tz: ZoneInfo
) -> list[date]:
    """The days of a calendar: ``start_at`` (today) to ``end_at`` (the end of its month)."""
    first = start_at or today(now, tz)
    return day_range(first, end_at or _end_of_month(first), MAX_CALENDAR_DAYS)


def day_range(first: date, last: date, limit: int) -> list[date]:
    """The days ``first`` to ``last``; more than ``limit`` of them is a 422 naming the limit."""
    if last < first:
        raise Unprocessable("end_at is before start_at")
    count = (last - first).days + 1
    if count > limit:
        raise Unprocessable(
            f"at most {limit} days per call ({count} asked): split the range into several calls"
        )
    return [first + timedelta(days=i) for i in range(count)]


def _calendar_tickets(
    catalog: Catalog, principal: Principal, filters: TicketFilter
) -> list[TicketData]:
    """The tickets a calendar looks at: the asked ones, else every bookable one of the filters.

    Tickets asked by id are looked at whether bookable or not (an unknown id is a 404); without
    ids only what the caller can book makes a day bookable.
    """
    if filters.ticket_ids is not None:
        for ticket_id in sorted(filters.ticket_ids):
            visible_ticket(catalog, principal, ticket_id)
        return [v.data for v in select_tickets(catalog, principal, filters)]
    return [v.data for v in select_tickets(catalog, principal, filters) if v.bookable]


def _day_status(
    catalog: Catalog,
    tickets: list[TicketData],
    starts: dict[int, list[datetime]],
    usage: dict[SlotKey, Usage],
) -> str:
    if not any(starts[t.id] for t in tickets):
        return "unavailable"
    if any(_ticket_free(catalog, t, s, usage) > 0 for t in tickets for s in starts[t.id]):
        return "available"
    return "fully_booked"


async def calendar(
    ask: Asking, filters: TicketFilter, days: list[date], depth: Depth
) -> dict[str, bool | str | dict[str, QuotaView]]:
    """Per day: bookable at all (``any``), the quotas (``all``) or a status word."""
    catalog, now, tz = ask.catalog, ask.now, ask.tz
    tickets = _calendar_tickets(catalog, ask.principal, filters)
    per_day = {day: {t.id: _open_starts(catalog, t, day, now, tz) for t in tickets} for day in days}
    keys: set[SlotKey] = set()
    for starts in per_day.values():
        keys |= _keys(tickets, starts)
    usage = await ask.usage(keys)
    answer: dict[str, bool | str | dict[str, QuotaView]] = {}
    for day, starts in per_day.items():
        status = _day_status(catalog, tickets, starts, usage)
        if depth == "any":
            answer[day.isoformat()] = status == "available"
        elif depth == "availability_status":
            answer[day.isoformat()] = status
        else:
            answer[day.isoformat()] = _quota_views(
                catalog, tickets, starts, usage, tz, render_spaced
            )
    return answer


def _total_capacities(
    catalog: Catalog, ticket: TicketData, starts: list[datetime], tz: ZoneInfo
) -> dict[str, int]:
    """Places per slot as configured, ignoring sales: the smallest of the ticket's quotas."""
    if not ticket.quota_ids:
        total = ticket.row.max_persons
    else:
        total = min(catalog.quotas[q].capacity for q in ticket.quota_ids)
    return {_iso(s, tz): total for s in starts}


async def day_overview(ask: Asking, filters: TicketFilter) -> DayOverview:
    """The tickets of ``filters`` on their day with the quotas they draw from, counted at once."""
    assert filters.valid_at is not None, "a day's overview needs its day"
    catalog, tz = ask.catalog, ask.tz
    views = select_tickets(catalog, ask.principal, filters)
    tickets = [v.data for v in views]
    starts = {t.id: _open_starts(catalog, t, filters.valid_at, ask.now, tz) for t in tickets}
    usage = await ask.usage(_keys(tickets, starts))
    return DayOverview(
        tickets=[
            TicketDay(
                view=v, total_capacities=_total_capacities(catalog, v.data, starts[v.data.id], tz)
            )
            for v in views
        ],
        quotas=_quota_views(catalog, tickets, starts, usage, tz),
    )
