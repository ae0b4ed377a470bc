"""Live availability answers: one ticket's capacity, capacities by quota, the calendar."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability.booking import is_bookable_for
from kasse.availability.capacity import SlotKey, Usage, free_places, usage_of
from kasse.availability.slots import is_past, slot_starts
from kasse.catalog.snapshot import Catalog, TicketData
from kasse.core.auth import Principal
from kasse.core.errors import NotFound, Unprocessable
from kasse.core.times import render, today

MAX_CALENDAR_DAYS = 31
Depth = Literal["any", "all", "availability_status"]


@dataclass(frozen=True)
class QuotaView:
    tickets: list[int]
    capacities: dict[str, int]
    total_capacities: dict[str, int]


def visible_ticket(catalog: Catalog, principal: Principal, ticket_id: int) -> TicketData:
    ticket = catalog.ticket(ticket_id)
    if ticket is None or not principal.may_see_museums(ticket.museum_ids):
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def _open_starts(
    catalog: Catalog, ticket: TicketData, day: date, now: datetime, tz: ZoneInfo
) -> list[datetime]:
    return [s for s in slot_starts(catalog, ticket, day, tz) if not is_past(ticket, s, now, tz)]


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


async def ticket_capacity(
    session: AsyncSession,
    catalog: Catalog,
    principal: Principal,
    ticket_id: int,
    day: date | None,
    now: datetime,
    tz: ZoneInfo,
) -> dict[str, int]:
    """Slot start -> places left; slots with nothing left (or already over) are left out."""
    ticket = visible_ticket(catalog, principal, ticket_id)
    starts = _open_starts(catalog, ticket, day or today(now, tz), now, tz)
    usage = await usage_of(session, _keys([ticket], {ticket.id: starts}), now)
    answer: dict[str, int] = {}
    for start in starts:
        left = _ticket_free(catalog, ticket, start, usage)
        if left > 0:
            answer[render(start, tz) or ""] = left
    return answer


def _quota_views(
    catalog: Catalog,
    tickets: list[TicketData],
    starts: dict[int, list[datetime]],
    usage: dict[SlotKey, Usage],
    tz: ZoneInfo,
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
                render(s, tz) or "": free_places(catalog, (quota_id, s), usage[(quota_id, s)])
                for s in ordered
            },
            total_capacities={render(s, tz) or "": capacity for s in ordered},
        )
    return views


async def quota_capacities(
    session: AsyncSession,
    catalog: Catalog,
    principal: Principal,
    ticket_ids: list[int],
    day: date | None,
    now: datetime,
    tz: ZoneInfo,
) -> dict[str, QuotaView]:
    """Capacities of several tickets on one day, grouped by the quotas they draw from."""
    if not ticket_ids:
        raise Unprocessable("ticket_ids[] is required")
    tickets = [visible_ticket(catalog, principal, tid) for tid in dict.fromkeys(ticket_ids)]
    when = day or today(now, tz)
    starts = {t.id: _open_starts(catalog, t, when, now, tz) for t in tickets}
    usage = await usage_of(session, _keys(tickets, starts), now)
    return _quota_views(catalog, tickets, starts, usage, tz)


def calendar_days(
    start_at: date | None, end_at: date | None, now: datetime, tz: ZoneInfo
) -> list[date]:
    first = start_at or today(now, tz)
    last = end_at or first + timedelta(days=MAX_CALENDAR_DAYS - 1)
    if last < first:
        raise Unprocessable("end_at is before start_at")
    count = (last - first).days + 1
    if count > MAX_CALENDAR_DAYS:
        raise Unprocessable(f"at most {MAX_CALENDAR_DAYS} days per call ({count} asked)")
    return [first + timedelta(days=i) for i in range(count)]


def _calendar_tickets(
    catalog: Catalog, principal: Principal, ticket_ids: list[int]
) -> list[TicketData]:
    if ticket_ids:
        return [visible_ticket(catalog, principal, tid) for tid in dict.fromkeys(ticket_ids)]
    return [t for t in catalog.tickets.values() if is_bookable_for(t, principal)]


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
    session: AsyncSession,
    catalog: Catalog,
    principal: Principal,
    ticket_ids: list[int],
    days: list[date],
    depth: Depth,
    now: datetime,
    tz: ZoneInfo,
) -> dict[str, bool | str | dict[str, QuotaView]]:
    """Per day: bookable at all (``any``), the quotas (``all``) or a status word."""
    tickets = _calendar_tickets(catalog, principal, ticket_ids)
    per_day = {day: {t.id: _open_starts(catalog, t, day, now, tz) for t in tickets} for day in days}
    keys: set[SlotKey] = set()
    for starts in per_day.values():
        keys |= _keys(tickets, starts)
    usage = await usage_of(session, keys, now)
    answer: dict[str, bool | str | dict[str, QuotaView]] = {}
    for day, starts in per_day.items():
        status = _day_status(catalog, tickets, starts, usage)
        if depth == "any":
            answer[day.isoformat()] = status == "available"
        elif depth == "availability_status":
            answer[day.isoformat()] = status
        else:
            answer[day.isoformat()] = _quota_views(catalog, tickets, starts, usage, tz)
    return answer
