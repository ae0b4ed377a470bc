"""Whether a caller may book a ticket at a moment: the rules reservations and orders share."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kasse.availability.capacity import SlotKey
from kasse.availability.slots import is_past, slot_starts
from kasse.catalog.snapshot import Catalog, TicketData
from kasse.core.auth import Principal
from kasse.core.times import local_date, render


def is_bookable_for(ticket: TicketData, principal: Principal) -> bool:
    """The context-dependent ``bookable`` flag: resellers may see tickets the public may not."""
    if ticket.is_sub_ticket or not principal.may_see_museums(ticket.museum_ids):
        return False
    row = ticket.row
    if principal.access == "public":
        return row.bookable_public
    if principal.access == "reseller":
        return row.bookable_reseller
    return row.bookable_public or row.bookable_reseller


def find_bookable_ticket(
    catalog: Catalog, principal: Principal, ticket_id: int
) -> tuple[TicketData | None, str | None]:
    """The ticket, or the reason it cannot be booked by this caller."""
    ticket = catalog.ticket(ticket_id)
    if ticket is None or not principal.may_see_museums(ticket.museum_ids):
        return None, f"ticket {ticket_id} does not exist"
    if ticket.is_sub_ticket:
        return (
            None,
            f"ticket {ticket_id} is a sub ticket and can only be bought with its main ticket",
        )
    if not is_bookable_for(ticket, principal):
        return None, f"ticket {ticket_id} is not bookable for this caller"
    return ticket, None


def resolve_slot(
    catalog: Catalog, ticket: TicketData, moment: datetime, now: datetime, tz: ZoneInfo
) -> tuple[datetime | None, str | None]:
    """The slot start a booking at ``moment`` uses, or why there is none.

    A time-slot ticket needs the exact start of one of its slots; a day ticket takes any moment
    of an open day and uses that day's single slot.
    """
    day = local_date(moment, tz)
    if not ticket.valid_on(day):
        return None, f"ticket {ticket.id} is not valid on {day.isoformat()}"
    starts = slot_starts(catalog, ticket, day, tz)
    if not starts:
        return None, f"ticket {ticket.id} cannot be used on {day.isoformat()} (closed)"
    is_time_slot = ticket.row.ticket_type == "time_slot"
    start = moment if is_time_slot else starts[0]
    if is_time_slot and moment not in starts:
        return None, f"{render(moment, tz)} is not a time slot of ticket {ticket.id}"
    if is_past(ticket, start, now, tz):
        return None, f"the time slot {render(start, tz)} of ticket {ticket.id} is over"
    return start, None


def quantity_error(ticket: TicketData, quantity: int) -> str | None:
    row = ticket.row
    if quantity < row.min_persons or quantity > row.max_persons:
        return (
            f"quantity {quantity} of ticket {ticket.id} is outside "
            f"{row.min_persons}..{row.max_persons} persons"
        )
    return None


def draws_for(ticket: TicketData, start: datetime, quantity: int) -> dict[SlotKey, int]:
    return {(quota_id, start): quantity for quota_id in ticket.quota_ids}
