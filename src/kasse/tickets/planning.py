"""Planning a ticket item: is it bookable for this caller at this time, for how many, at what
price, and which quota slots does it take. Pure: the reservations it redeems come prefetched."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kasse.availability.booking import draws_for, find_bookable_ticket, quantity_error, resolve_slot
from kasse.catalog.snapshot import TicketData
from kasse.core.money import item_cents
from kasse.core.times import local_date, to_utc
from kasse.items.context import RequestContext
from kasse.items.kind import Claims, ItemPlan, ItemProblems
from kasse.items.reservations import redeemed
from kasse.models import Reservation
from kasse.tickets.schemas import TicketAttributesIn


@dataclass(kw_only=True)
class TicketPlan(ItemPlan):
    ticket: TicketData
    quantity: int
    start_at: datetime | None
    attendees: list[dict[str, str]] = field(default_factory=list)
    sub_ticket_times: dict[int, datetime] = field(default_factory=dict)


def item_price_cents(ticket: TicketData, quantity: int) -> int:
    return item_cents(ticket.row.price_cents, ticket.row.discount, quantity)


def duplicate_reservations(items: Sequence[TicketAttributesIn]) -> list[str]:
    counts = Counter(token for item in items for token in item.reservations)
    return [
        f"reservation {token} is redeemed more than once" for token, n in counts.items() if n > 1
    ]


def _check_attendees(ticket: TicketData, item: TicketAttributesIn, problems: ItemProblems) -> None:
    requirement = ticket.row.attendees
    given = item.attendees
    if requirement == "required" and not given:
        problems.add(f"ticket {ticket.id} needs the name and surname of every visitor (attendees)")
    elif given and len(given) != item.quantity:
        problems.add(f"{len(given)} attendees given for {item.quantity} places")
    for attendee in given:
        if not attendee.name.strip() or not attendee.surname.strip():
            problems.add("every attendee needs a name and a surname")
            break


def _plan_sub_tickets(
    ctx: RequestContext,
    ticket: TicketData,
    item: TicketAttributesIn,
    main_start: datetime,
    problems: ItemProblems,
) -> dict[int, datetime]:
    """Resolve and check the slot of every sub ticket of a combined ticket."""
    given = dict(item.sub_ticket_times)
    times: dict[int, datetime] = {}
    for sub_id in ticket.sub_ticket_ids:
        moment = given.pop(str(sub_id), None)
        sub = ctx.catalog.tickets[sub_id]
        if moment is None:
            problems.add(f"sub_ticket_times: sub ticket {sub_id} needs a time")
            continue
        start, problem = resolve_slot(ctx.catalog, sub, to_utc(moment, ctx.tz), ctx.now, ctx.tz)
        problems.add(problem and f"sub_ticket_times: {problem}")
        if start is not None and local_date(start, ctx.tz) != local_date(main_start, ctx.tz):
            problems.add(f"sub_ticket_times: sub ticket {sub_id} is not on the main ticket's day")
        if start is not None:
            times[sub_id] = start
    for unknown in given:
        problems.add(f"sub_ticket_times: {unknown} is not a sub ticket of ticket {ticket.id}")
    gap = timedelta(minutes=ticket.row.sub_ticket_min_gap or 0)
    ordered = sorted(times.values())
    for earlier, later in itertools.pairwise(ordered):
        if later - earlier < gap:
            problems.add(
                f"sub_ticket_times: the slots of sub tickets must be at least "
                f"{int(gap.total_seconds() // 60)} minutes apart"
            )
            break
    return times


def _redeemed_reservations(
    ctx: RequestContext,
    ticket: TicketData,
    item: TicketAttributesIn,
    start: datetime | None,
    reservations: Mapping[str, Reservation],
    problems: ItemProblems,
) -> list[int]:
    """The reservations this item redeems: the caller's own, for this ticket and slot, enough places."""
    if not item.reservations:
        return []
    if ticket.is_combined:
        problems.add("combined tickets cannot be reserved, so they cannot redeem reservations")
        return []
    return redeemed(
        ctx,
        item.reservations,
        reservations,
        problems,
        is_for_item=lambda r: r.ticket_id == ticket.id and r.start_at == start,
        elsewhere="another ticket or time slot",
        wanted=item.quantity,
        unit="places",
    )


def _start_of(
    ctx: RequestContext, ticket: TicketData, item: TicketAttributesIn, problems: ItemProblems
) -> datetime | None:
    """The slot the item books; none for a flex ticket (used any day of its validity)."""
    if ticket.row.free_timing:
        if item.reservations:
            problems.add("flex tickets cannot be reserved, so they cannot redeem reservations")
        return None
    if item.time is None:
        problems.add(f"time is required for ticket {ticket.id}")
        return None
    start, problem = resolve_slot(ctx.catalog, ticket, to_utc(item.time, ctx.tz), ctx.now, ctx.tz)
    problems.add(problem)
    return start


def plan_ticket(
    ctx: RequestContext,
    item: TicketAttributesIn,
    reservations: Mapping[str, Reservation],
    problems: ItemProblems,
) -> TicketPlan | None:
    ticket, problem = find_bookable_ticket(ctx.catalog, ctx.principal, item.id)
    if ticket is None:
        problems.add(problem)
        return None
    problems.add(quantity_error(ticket, item.quantity))
    _check_attendees(ticket, item, problems)
    start = _start_of(ctx, ticket, item, problems)
    if not ticket.is_combined and item.sub_ticket_times:
        problems.add(f"ticket {ticket.id} has no sub tickets (sub_ticket_times given)")
    plan = TicketPlan(
        price_cents=item_price_cents(ticket, item.quantity),
        vat_pct=ticket.row.vat_pct,
        tax_included=ticket.row.tax_included,
        ticket=ticket,
        quantity=item.quantity,
        start_at=start,
        attendees=[a.model_dump() for a in item.attendees],
    )
    if start is not None:
        plan.claims = Claims(slots=draws_for(ticket, start, item.quantity))
        if ticket.is_combined:
            plan.sub_ticket_times = _plan_sub_tickets(ctx, ticket, item, start, problems)
            for sub_id, sub_start in plan.sub_ticket_times.items():
                sub_draws = draws_for(ctx.catalog.tickets[sub_id], sub_start, item.quantity)
                plan.claims.add(Claims(slots=sub_draws))
        plan.claims.reservation_ids = _redeemed_reservations(
            ctx, ticket, item, start, reservations, problems
        )
    return plan
