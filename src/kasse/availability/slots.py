"""When a ticket can be used on a day: its slot starts, from opening hours and the ticket's rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kasse.catalog.snapshot import Catalog, TicketData
from kasse.core.times import local_minute


def opening_of(catalog: Catalog, ticket: TicketData, day: date) -> tuple[int, int] | None:
    """Opening hours of the ticket's (first) museum on ``day``, or None when it is closed."""
    if not ticket.museum_ids:
        return None
    museum = catalog.museums.get(ticket.museum_ids[0])
    return museum.opening(day) if museum else None


def slot_minutes(catalog: Catalog, ticket: TicketData, day: date) -> list[int]:
    """Slot starts of ``ticket`` on ``day`` in minutes after local midnight (empty: not usable)."""
    if not ticket.valid_on(day):
        return []
    opening = opening_of(catalog, ticket, day)
    if opening is None:
        return []
    begin, end = opening
    row = ticket.row
    if row.ticket_type != "time_slot" or not row.entry_duration:
        return [row.first_entry if row.first_entry is not None else begin]
    step = row.entry_duration
    first = max(begin, row.first_entry if row.first_entry is not None else begin)
    # The last slot still has to fit before closing time.
    last = min(end - step, row.last_entry if row.last_entry is not None else end - step)
    return list(range(first, last + 1, step))


SLOT_STARTS_KEY = "slot_starts"  # in Catalog.extra: (ticket id, day, zone) -> slot starts
SLOT_STARTS_ENTRIES = 100_000  # about 100 tickets x 3 years of days: then start afresh


def slot_starts(catalog: Catalog, ticket: TicketData, day: date, tz: ZoneInfo) -> list[datetime]:
    """The starts of a ticket's slots on a day, in UTC.

    They follow from the catalog alone (opening hours, closures, the ticket's times), so they are
    computed once per catalog snapshot: the time zone arithmetic was a third of a calendar answer.
    """
    cache: dict[tuple[int, date, str], tuple[datetime, ...]] = catalog.extra.setdefault(
        SLOT_STARTS_KEY, {}
    )
    key = (ticket.id, day, tz.key)
    starts = cache.get(key)
    if starts is None:
        if len(cache) >= SLOT_STARTS_ENTRIES:
            cache.clear()
        starts = tuple(local_minute(day, m, tz) for m in slot_minutes(catalog, ticket, day))
        cache[key] = starts
    return list(starts)


def slot_length(ticket: TicketData) -> timedelta:
    row = ticket.row
    if row.ticket_type == "time_slot" and row.entry_duration:
        return timedelta(minutes=row.entry_duration)
    return timedelta(days=1)


def is_past(ticket: TicketData, start: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """A slot can be sold until it ends; a day ticket until the end of its day."""
    if ticket.row.ticket_type == "time_slot" and ticket.row.entry_duration:
        return start + slot_length(ticket) <= now
    return start.astimezone(tz).date() < now.astimezone(tz).date()
