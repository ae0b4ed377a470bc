"""Order creation: every item checked, every problem reported together, all places or none.

Coupons take part twice: as items (a coupon bought, its codes issued once the order is binding)
and as payment (``coupons``: codes whose value pays the order, see ``coupons/ledger.py``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual.sales import is_annual, start_annual_sale
from kasse.availability.booking import draws_for, find_bookable_ticket, quantity_error, resolve_slot
from kasse.availability.capacity import (
    SlotKey,
    add_sold,
    drop_holds,
    hold_for_order_item,
    lock_slots,
    shortfalls,
    usage_of,
)
from kasse.catalog.snapshot import Catalog, TicketData
from kasse.core.auth import SELLING_ACCESS, Principal
from kasse.core.errors import SoldOut, Unprocessable
from kasse.core.i18n import translate
from kasse.core.ids import new_token
from kasse.core.money import item_cents
from kasse.core.ratelimit import ClientAttempts
from kasse.core.times import local_date, to_utc
from kasse.coupons.codes import issue_codes
from kasse.coupons.ledger import CouponPayment, plan_payment, record_payment
from kasse.coupons.sales import CouponPlan, plan_coupon, write_coupon_item
from kasse.models import CapacityDraw, Order, OrderItem, Reservation, TicketSale
from kasse.orders.barcodes import issue_barcodes
from kasse.orders.schemas import CouponItemIn, OrderCreate, TicketAttributesIn, TicketItemIn
from kasse.settings import Settings

SOURCES = {"reseller": "resellershop", "cashpoint": "cashpoint", "user": "api"}


@dataclass(frozen=True)
class CheckoutContext:
    session: AsyncSession
    catalog: Catalog
    principal: Principal
    settings: Settings
    now: datetime
    tz: ZoneInfo
    locale: str
    # every coupon code of the order is one attempt of the caller (guessing codes is throttled)
    code_attempts: ClientAttempts


@dataclass
class TicketPlan:
    """One accepted ticket item, ready to be written once capacity is secured."""

    ticket: TicketData
    quantity: int
    start_at: datetime | None
    price_cents: int
    attendees: list[dict[str, str]]
    sub_ticket_times: dict[int, datetime] = field(default_factory=dict)
    draws: dict[SlotKey, int] = field(default_factory=dict)
    reservation_ids: list[int] = field(default_factory=list)


class ItemProblems:
    """Collects the problems of one item, each prefixed with the item's position."""

    def __init__(self, index: int) -> None:
        self.prefix = f"items[{index}]"
        self.messages: list[str] = []

    def add(self, message: str | None) -> None:
        if message:
            self.messages.append(f"{self.prefix}: {message}")


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
    ctx: CheckoutContext,
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


def _plan_reservations(
    ctx: CheckoutContext,
    ticket: TicketData,
    item: TicketAttributesIn,
    start: datetime | None,
    reservations: dict[str, Reservation],
    problems: ItemProblems,
) -> list[int]:
    """The reservations this item redeems: the caller's own, for this ticket and slot, enough places."""
    if not item.reservations:
        return []
    if ticket.is_combined:
        problems.add("combined tickets cannot be reserved, so they cannot redeem reservations")
        return []
    ids: list[int] = []
    covered = 0
    for token in item.reservations:
        reservation = reservations.get(token)
        if reservation is None or reservation.api_token_id != ctx.principal.token_id:
            problems.add(f"reservation {token} not found")
        elif reservation.valid_until <= ctx.now:
            problems.add(f"reservation {token} has expired")
        elif reservation.ticket_id != ticket.id or reservation.start_at != start:
            problems.add(f"reservation {token} is for another ticket or time slot")
        else:
            ids.append(reservation.id)
            covered += reservation.quantity
    if covered and covered < item.quantity:
        problems.add(f"the reservations cover {covered} of {item.quantity} places")
    return ids


def _plan_ticket(
    ctx: CheckoutContext,
    index: int,
    item: TicketAttributesIn,
    reservations: dict[str, Reservation],
) -> tuple[TicketPlan | None, list[str]]:
    problems = ItemProblems(index)
    ticket, problem = find_bookable_ticket(ctx.catalog, ctx.principal, item.id)
    if ticket is None:
        problems.add(problem)
        return None, problems.messages
    problems.add(quantity_error(ticket, item.quantity))
    _check_attendees(ticket, item, problems)
    start: datetime | None = None
    if ticket.row.free_timing:
        # A flex ticket has no date: it is used any day within its validity, nothing is held.
        if item.reservations:
            problems.add("flex tickets cannot be reserved, so they cannot redeem reservations")
    elif item.time is None:
        problems.add(f"time is required for ticket {ticket.id}")
    else:
        start, problem = resolve_slot(
            ctx.catalog, ticket, to_utc(item.time, ctx.tz), ctx.now, ctx.tz
        )
        problems.add(problem)
    if not ticket.is_combined and item.sub_ticket_times:
        problems.add(f"ticket {ticket.id} has no sub tickets (sub_ticket_times given)")
    plan = TicketPlan(
        ticket=ticket,
        quantity=item.quantity,
        start_at=start,
        price_cents=item_cents(ticket.row.price_cents, ticket.row.discount, item.quantity),
        attendees=[a.model_dump() for a in item.attendees],
    )
    if start is not None:
        plan.draws = draws_for(ticket, start, item.quantity)
        if ticket.is_combined:
            plan.sub_ticket_times = _plan_sub_tickets(ctx, ticket, item, start, problems)
            for sub_id, sub_start in plan.sub_ticket_times.items():
                sub_draws = draws_for(ctx.catalog.tickets[sub_id], sub_start, item.quantity)
                for key, places in sub_draws.items():
                    plan.draws[key] = plan.draws.get(key, 0) + places
        plan.reservation_ids = _plan_reservations(ctx, ticket, item, start, reservations, problems)
    return plan, problems.messages


def _ticket_items(body: OrderCreate) -> list[TicketAttributesIn]:
    return [item.attributes for item in body.items if isinstance(item, TicketItemIn)]


async def _load_reservations(ctx: CheckoutContext, body: OrderCreate) -> dict[str, Reservation]:
    tokens = {token for item in _ticket_items(body) for token in item.reservations}
    if not tokens:
        return {}
    rows = await ctx.session.scalars(select(Reservation).where(Reservation.token.in_(tokens)))
    return {r.token: r for r in rows}


def _duplicate_reservations(body: OrderCreate) -> list[str]:
    counts = Counter(token for item in _ticket_items(body) for token in item.reservations)
    return [
        f"reservation {token} is redeemed more than once" for token, n in counts.items() if n > 1
    ]


Plan = TicketPlan | CouponPlan


def _plan_coupon_item(
    ctx: CheckoutContext, index: int, item: CouponItemIn
) -> tuple[CouponPlan | None, list[str]]:
    plan, messages = plan_coupon(
        ctx.catalog,
        ctx.principal,
        item.attributes.id,
        item.attributes.quantity,
        local_date(ctx.now, ctx.tz),
    )
    problems = ItemProblems(index)
    for message in messages:
        problems.add(message)
    return plan, problems.messages


def _plan_order(
    ctx: CheckoutContext, body: OrderCreate, reservations: dict[str, Reservation]
) -> tuple[list[Plan], list[str]]:
    """The plans of the items that are fine, and the problems of the order."""
    problems = _duplicate_reservations(body)
    plans: list[Plan] = []
    for index, item in enumerate(body.items):
        plan: Plan | None
        if isinstance(item, CouponItemIn):
            plan, item_problems = _plan_coupon_item(ctx, index, item)
        else:
            plan, item_problems = _plan_ticket(ctx, index, item.attributes, reservations)
        problems += item_problems
        if plan is not None:
            plans.append(plan)
    if len(plans) == len(body.items):
        expected = sum(p.price_cents for p in plans)
        if body.total != expected:
            problems.append(f"total {body.total} does not match the server's price {expected}")
    return plans, problems


def _merged_draws(plans: list[Plan]) -> dict[SlotKey, int]:
    wanted: dict[SlotKey, int] = {}
    for plan in plans:
        if isinstance(plan, TicketPlan):
            for key, places in plan.draws.items():
                wanted[key] = wanted.get(key, 0) + places
    return wanted


async def _plan_payment(
    ctx: CheckoutContext, body: OrderCreate, plans: list[Plan], problems: list[str]
) -> CouponPayment:
    """What the coupons pay; with the order's price only when the items are all fine."""
    price = None if problems else sum(p.price_cents for p in plans)
    return await plan_payment(ctx.session, body.coupons, price, ctx.now, ctx.settings)


async def _write_item(
    ctx: CheckoutContext, order: Order, position: int, plan: TicketPlan
) -> tuple[OrderItem, TicketSale]:
    row = plan.ticket.row
    item = OrderItem(
        order_id=order.id,
        type="Ticket",
        position=position,
        price_cents=plan.price_cents,
        vat_pct=row.vat_pct,
        tax_included=row.tax_included,
    )
    ctx.session.add(item)
    await ctx.session.flush()
    sale = TicketSale(
        order_item_id=item.id,
        ticket_id=row.id,
        title=translate(row.title, ctx.locale, ctx.settings.default_locale) or "",
        quantity=plan.quantity,
        start_at=plan.start_at,
        attendees=plan.attendees,
        sub_ticket_times={str(k): v.isoformat() for k, v in plan.sub_ticket_times.items()},
    )
    ctx.session.add(sale)
    await ctx.session.flush()
    if is_annual(plan.ticket):
        start_annual_sale(ctx.session, order, sale, plan.ticket, ctx.tz)
    ctx.session.add_all(
        CapacityDraw(order_item_id=item.id, quota_id=q, start_at=s, quantity=n)
        for (q, s), n in plan.draws.items()
    )
    return item, sale


async def _write_coupon_item(
    ctx: CheckoutContext, order: Order, position: int, plan: CouponPlan, binding: bool
) -> None:
    title = translate(plan.coupon.title, ctx.locale, ctx.settings.default_locale) or ""
    sale = await write_coupon_item(ctx.session, order, position, plan, title)
    # A coupon is usable only once its order is binding: a two-phase order gets its codes at
    # finalize, so that an order never pays with coupons that may yet expire.
    if binding:
        await issue_codes(ctx.session, [sale], ctx.now)


async def create_order(ctx: CheckoutContext, body: OrderCreate) -> Order:
    ctx.principal.require(SELLING_ACCESS)
    # Before anything is looked up, so that a client over its limit learns nothing about codes.
    await ctx.code_attempts.spend(len(body.coupons))
    reservations = await _load_reservations(ctx, body)
    plans, problems = _plan_order(ctx, body, reservations)
    consumed = [
        rid for plan in plans if isinstance(plan, TicketPlan) for rid in plan.reservation_ids
    ]
    wanted = _merged_draws(plans)
    # Coupon codes are locked before quota slots, as everywhere (see coupons/ledger.py).
    payment = await _plan_payment(ctx, body, plans, problems)
    problems += payment.problems
    # A lock-free look first: every problem at once, and a buyer of a slot that is already full
    # gets the 422 without queueing for the slot's lock.
    usage = await usage_of(ctx.session, wanted, ctx.now, ignore_reservations=consumed)
    missing = shortfalls(ctx.catalog, wanted, usage, ctx.tz)
    if problems:
        raise Unprocessable("the order is invalid", problems + missing)
    if missing:
        raise SoldOut("not enough places left", missing)
    # Direct flow: binding now. Two-phase: the places are held until finalize or expiry.
    binding = ctx.principal.flow != "two-phase"
    order, item_ids = await _write_order(ctx, body, plans, binding)
    record_payment(ctx.session, order, payment, ctx.now)
    await drop_holds(ctx.session, consumed)
    if consumed:
        await ctx.session.execute(delete(Reservation).where(Reservation.id.in_(consumed)))
    # The slots are locked last, so that their lock is held for the recount, the update and the
    # commit, not while the order's rows are written. The recount leaves out this order's own
    # holds (two-phase), written above in this transaction.
    row_ids = await lock_slots(
        ctx.session,
        ctx.catalog,
        wanted,
        ctx.now,
        ctx.settings,
        ignore_reservations=consumed,
        ignore_order_items=item_ids,
    )
    if binding:
        await add_sold(ctx.session, row_ids, wanted)
    return order


async def _write_order(
    ctx: CheckoutContext, body: OrderCreate, plans: list[Plan], binding: bool
) -> tuple[Order, list[int]]:
    """The order with its items, sales, draws and barcodes (binding) or holds (two-phase)."""
    order = Order(
        token=new_token(),
        api_token_id=ctx.principal.token_id,
        status="finalized" if binding else "created",
        finalized_at=ctx.now if binding else None,
        expires_at=None
        if binding
        else ctx.now + timedelta(minutes=ctx.settings.order_hold_minutes),
        is_valid=True,
        total_price_cents=sum(p.price_cents for p in plans),
        comment=body.comment,
        reference=body.reference,
        source=SOURCES.get(ctx.principal.access, "api"),
        locale=ctx.locale,
        created_at=ctx.now,
    )
    ctx.session.add(order)
    await ctx.session.flush()
    item_ids = []
    for position, plan in enumerate(plans):
        if isinstance(plan, CouponPlan):
            await _write_coupon_item(ctx, order, position, plan, binding)
            continue
        item, sale = await _write_item(ctx, order, position, plan)
        item_ids.append(item.id)
        if binding:
            await issue_barcodes(ctx.session, ctx.catalog, sale)
        else:
            assert order.expires_at is not None
            await hold_for_order_item(ctx.session, item.id, plan.draws, order.expires_at)
    await ctx.session.flush()
    return order, item_ids
