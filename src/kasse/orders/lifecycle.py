"""After checkout: finalize (two-phase, pay by link), cancel, rate, expire.

Every function works inside the request's one transaction and takes the order row's lock first,
so concurrent finalize and cancel requests of one order take turns and see each other's result.
Then, where needed, the coupon codes' locks and last the quota slots' (the global order of
``core/locking.py``). Items are reached through their kinds (``orders/kinds.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability.capacity import (
    SlotKey,
    draws_of,
    drop_order_item_holds,
    extend_order_item_holds,
    lock_slots,
    release_sold,
    shrink_item_places,
)
from kasse.availability.seats import (
    claim_rows,
    claim_seats,
    drop_seat_claims,
    extend_seat_holds,
)
from kasse.core.auth import SELLING_ACCESS
from kasse.core.errors import Forbidden, Unprocessable
from kasse.core.sql import upsert
from kasse.coupons.ledger import (
    confirm_redemptions,
    extend_redemptions,
    give_back,
    give_back_expired,
)
from kasse.items.context import RequestContext
from kasse.items.state import is_expired
from kasse.mail.outbox import enqueue
from kasse.mail.sender import notify_mail_enqueued
from kasse.models import Customer, InvoiceCounter, Order, OrderItem, Payment
from kasse.orders.customers import remember_address, resolve_customer
from kasse.orders.kinds import KINDS
from kasse.orders.queries import find_order
from kasse.orders.schemas import FinalizeIn, PaymentIn, PaymentStatus
from kasse.orders.shapes import ShapeRows, coupon_payments, load_rows


async def _items_of(session: AsyncSession, order: Order) -> list[OrderItem]:
    """Every item of the order, cancelled ones too, in order."""
    rows = await session.scalars(
        select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.position)
    )
    return list(rows)


async def _active_items(session: AsyncSession, order: Order) -> list[OrderItem]:
    return [item for item in await _items_of(session, order) if item.cancelled_at is None]


def _by_kind(items: list[OrderItem]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for item in items:
        grouped[item.type].append(item.id)
    return grouped


def _refuse_closed(order: Order, now: datetime) -> None:
    if order.status == "cancelled":
        raise Unprocessable(f"order {order.id} is cancelled")
    if is_expired(order, now):
        raise Unprocessable(f"order {order.id} expired and gave its places back")


# -- finalize -------------------------------------------------------------------------------------


async def _record_payment(ctx: RequestContext, order: Order, payment: PaymentIn) -> None:
    ctx.session.add(
        Payment(
            order_id=order.id,
            payment_id=payment.payment_id,
            provider_id=payment.provider_id,
            provider_name=payment.provider_name,
            message=payment.message,
            amount_cents=payment.amount_cents,
            created_at=ctx.now,
        )
    )
    order.paid_at = ctx.now
    order.payment_status = PaymentStatus.PAID


async def _next_invoice_number(ctx: RequestContext) -> str:
    """Gap-free: the counter moves in the finalizing transaction, so a rollback takes it back.

    One upsert, so that the very first numbers cannot race: concurrent finalizes queue on the
    counter row (or on its insert) instead of both inserting it.
    """
    number = await ctx.session.scalar(
        upsert(ctx.session, InvoiceCounter)
        .values(id=1, last_number=1)
        .on_conflict_do_update(
            index_elements=["id"], set_={"last_number": InvoiceCounter.last_number + 1}
        )
        .returning(InvoiceCounter.last_number)
    )
    assert number is not None
    return f"{ctx.now.astimezone(ctx.tz).year}-{number:06d}"


async def _sell_held_seats(
    ctx: RequestContext, order: Order, items: list[OrderItem], sales: dict[int, Any]
) -> None:
    """The seats the items hold become sold: claimed anew without an end, under the dates' lock
    taken above. A seat whose hold lapsed and that someone else took since refuses the finalize."""
    seats = {
        item.id: KINDS[item.type].seats_of(sales[item.id])
        for item in items
        if item.cancelled_at is None and item.id in sales
    }
    seats = {item_id: wanted for item_id, wanted in seats.items() if wanted}
    if not seats:
        return
    await drop_seat_claims(ctx.session, order_item_ids=list(seats))
    await claim_seats(
        ctx.session, ctx.catalog, claim_rows(seats, "order_item_id", None), ctx.now, ctx.settings
    )


async def _make_binding(ctx: RequestContext, order: Order) -> ShapeRows:
    """Turn the held places and coupon payments of a created order into binding ones, and let
    each kind bind its items (barcodes, coupon codes). Returns what the order's shape reads: every
    item (cancelled ones too) with its rows, the active ones bound."""
    items = await _items_of(ctx.session, order)
    item_ids = [i.id for i in items if i.cancelled_at is None]
    await confirm_redemptions(ctx.session, order.id, ctx.now, ctx.settings)
    sales: dict[int, Any] = {}
    for type_, ids in _by_kind(items).items():
        kind = KINDS[type_]
        loaded = await kind.load(ctx.session, ctx.catalog, ids)
        await kind.bind(ctx, {i: sale for i, sale in loaded.items() if i in item_ids})
        sales.update(loaded)
    wanted = await draws_of(ctx.session, item_ids)
    # Last, as at creation: the slots' lock is held for the recount, the update and the commit.
    await lock_slots(
        ctx.session,
        ctx.catalog,
        wanted,
        ctx.now,
        ctx.settings,
        sell=True,
        ignore_order_items=item_ids,
    )
    await drop_order_item_holds(ctx.session, item_ids)
    await _sell_held_seats(ctx, order, items, sales)
    order.status = "finalized"
    order.finalized_at = ctx.now
    order.expires_at = None
    payments = await coupon_payments(ctx.session, [order.id])
    return ShapeRows(order, items, sales, payments[order.id])


async def _customer_email(session: AsyncSession, order: Order) -> str | None:
    if order.customer_id is None:
        return None
    customer = await session.get(Customer, order.customer_id)
    return customer.email if customer else None


async def _send_mail(ctx: RequestContext, order: Order, kind: str) -> None:
    email = await _customer_email(ctx.session, order)
    if email is None or order.suppress_mail:
        return
    await enqueue(
        ctx.session, kind=kind, recipient=email, payload={"order_id": order.id}, now=ctx.now
    )
    notify_mail_enqueued(ctx.instance, ctx.session)


async def _start_pay_by_link(ctx: RequestContext, order: Order) -> None:
    if order.status != "created":
        raise Unprocessable("pay_by_link needs an order that is not binding yet (two-phase flow)")
    if await _customer_email(ctx.session, order) is None:
        raise Unprocessable("pay_by_link needs a customer with an email address")
    if not order.pay_by_link:
        # The held places now last as long as the payment link. A link sent again (to a
        # corrected address, say) keeps the first deadline: else the places could be held forever.
        order.pay_by_link = True
        if order.paid_at is None:
            order.payment_status = PaymentStatus.PENDING
        deadline = ctx.now + timedelta(minutes=ctx.settings.pay_by_link_minutes)
        order.expires_at = deadline
        item_ids = [i.id for i in await _active_items(ctx.session, order)]
        await extend_order_item_holds(ctx.session, item_ids, deadline)
        await extend_seat_holds(ctx.session, item_ids, deadline)
        await extend_redemptions(ctx.session, order.id, deadline)
    await _send_mail(ctx, order, "payment_link")


async def finalize_order(ctx: RequestContext, order_ref: str, body: FinalizeIn) -> ShapeRows:
    """The order after the finalize, with what its shape reads (loaded once: the binding step
    loads and binds the items anyway). The order row is written once, at the end."""
    ctx.principal.require(SELLING_ACCESS)
    with ctx.session.no_autoflush:
        rows = await _finalize(ctx, order_ref, body)
    await ctx.session.flush()
    return rows


async def _finalize(ctx: RequestContext, order_ref: str, body: FinalizeIn) -> ShapeRows:
    order = await find_order(ctx, order_ref, for_update=True)
    _refuse_closed(order, ctx.now)
    if order.status == "finalized":
        raise Unprocessable(f"order {order.id} is already finalized")
    if body.pay_by_link and body.completed:
        raise Unprocessable(
            "pay_by_link and completed exclude each other: record the payment later"
        )
    if body.customer is not None:
        customer = await resolve_customer(
            ctx.session, body.customer, ctx.principal.token_id, ctx.now
        )
        order.customer_id = customer.id
        order.billing_address_id = await remember_address(ctx.session, customer, ctx.now)
    order.suppress_mail = order.suppress_mail or body.suppress_mail
    if body.payment is not None:
        await _record_payment(ctx, order, body.payment)
    if body.pay_by_link:
        await _start_pay_by_link(ctx, order)
    elif body.completed:
        rows = await _make_binding(ctx, order)
        order.invoice = True
        await _send_mail(ctx, order, "order_confirmation")
        # Last: the counter row is the one lock that every finalize of the instance shares.
        order.invoice_number = await _next_invoice_number(ctx)
        return rows
    [rows] = await load_rows(ctx, [order], detail=True)
    return rows


# -- cancel ---------------------------------------------------------------------------------------


async def _release(
    ctx: RequestContext,
    order: Order,
    items: list[OrderItem],
    parts: Sequence[tuple[OrderItem, Any, set[int]]] = (),
) -> None:
    """Give the places of ``items`` back (sold places of a binding order, holds of a created
    one), and those of the seats ``parts`` lose (the items keep their other seats), once every
    kind agreed (a coupon that paid another order refuses); and give the coupons that paid what no
    active item costs any more back (see ``coupons/ledger.py``, ``give_back``). Sold places go
    back in one statement in the slots' lock order."""
    item_ids = [i.id for i in items]
    for type_, ids in _by_kind(items).items():
        await KINDS[type_].release(ctx, ids)
    sold = order.status == "finalized"
    returned: Counter[SlotKey] = Counter(await draws_of(ctx.session, item_ids) if sold else {})
    for item, sale, seats in parts:
        released = await KINDS[item.type].release_seats(ctx, sale, seats)
        item.price_cents -= released.price_cents
        await shrink_item_places(ctx.session, item.id, released.slots, held=not sold)
        await drop_seat_claims(ctx.session, order_item_ids=[item.id], only_seats=seats)
        if sold:
            returned.update(released.slots)
    if sold:
        await release_sold(ctx.session, returned)
    else:
        await drop_order_item_holds(ctx.session, item_ids)
    await drop_seat_claims(ctx.session, order_item_ids=item_ids)
    for item in items:
        item.cancelled_at = ctx.now
    still_due = sum(i.price_cents for i in await _active_items(ctx.session, order))
    await give_back(ctx.session, order.id, still_due)


async def _items_to_cancel(
    ctx: RequestContext, order: Order, item_ids: list[int]
) -> list[OrderItem]:
    rows = {
        i.id: i
        for i in await ctx.session.scalars(
            select(OrderItem).where(OrderItem.id.in_(item_ids), OrderItem.order_id == order.id)
        )
    }
    problems = []
    for item_id in dict.fromkeys(item_ids):
        item = rows.get(item_id)
        if item is None:
            problems.append(f"order item {item_id} does not belong to order {order.id}")
        elif item.cancelled_at is not None:
            problems.append(f"order item {item_id} is already cancelled")
    if problems:
        raise Unprocessable("nothing was cancelled", problems)
    return [rows[i] for i in dict.fromkeys(item_ids)]


async def _seat_cancellations(
    ctx: RequestContext, order: Order, seats: dict[int, set[int]]
) -> tuple[list[OrderItem], list[tuple[OrderItem, Any, set[int]]]]:
    """The items whose every seat is cancelled (cancelled whole) and the items keeping some, with
    their rows and the seats they lose; every problem at once."""
    items = await _items_to_cancel(ctx, order, list(seats))
    sales: dict[int, Any] = {}
    for type_, ids in _by_kind(items).items():
        sales.update(await KINDS[type_].load(ctx.session, ctx.catalog, ids))
    problems: list[str] = []
    whole: list[OrderItem] = []
    parts: list[tuple[OrderItem, Any, set[int]]] = []
    for item in items:
        booked = {
            s
            for date_seats in KINDS[item.type].seats_of(sales[item.id]).values()
            for s in date_seats
        }
        unknown = sorted(seats[item.id] - booked)
        problems += [f"seat {s} is not a seat of order item {item.id}" for s in unknown]
        if seats[item.id] == booked:
            whole.append(item)
        else:
            parts.append((item, sales[item.id], seats[item.id]))
    if problems:
        raise Unprocessable("nothing was cancelled", problems)
    return whole, parts


async def cancel_order(
    ctx: RequestContext,
    order_ref: str,
    item_ids: list[int] | None,
    seats: dict[int, set[int]] | None = None,
) -> Order:
    """The whole order, or only some items or some seats of items; cancelling every item leaves
    the order itself valid."""
    ctx.principal.require(SELLING_ACCESS)
    order = await find_order(ctx, order_ref, for_update=True)
    if order.status == "cancelled":
        raise Unprocessable(f"order {order.id} is already cancelled")
    if is_expired(order, ctx.now):
        # Callers already see it cancelled; the housekeeping marks it so with its expiry time.
        raise Unprocessable(f"order {order.id} expired and gave its places back")
    both = sorted(set(item_ids or ()) & set(seats or {}))
    if both:
        raise Unprocessable(f"order item {both[0]}: cancel the item or some of its seats, not both")
    if item_ids is None and not seats:
        await _release(ctx, order, await _active_items(ctx.session, order))
        order.status = "cancelled"
        order.is_valid = False
        order.cancelled_at = ctx.now
        order.expires_at = None
    else:
        whole = await _items_to_cancel(ctx, order, item_ids) if item_ids else []
        parts: list[tuple[OrderItem, Any, set[int]]] = []
        if seats:
            losing_all, parts = await _seat_cancellations(ctx, order, seats)
            whole += losing_all
        await _release(ctx, order, whole, parts)
    await ctx.session.flush()
    return order


# -- rate -----------------------------------------------------------------------------------------


async def rate_order(ctx: RequestContext, order_ref: str, rating: int) -> Order:
    if ctx.principal.access != "customer":
        ctx.principal.require(frozenset({"customer"}))
        raise Forbidden("only the customer may rate an order")
    order = await find_order(ctx, order_ref, for_update=True)
    order.rating = rating
    await ctx.session.flush()
    return order


# -- expiry ---------------------------------------------------------------------------------------


async def expire_orders(session: AsyncSession, now: datetime) -> int:
    """Tidy up created orders past their expiry. Correctness never waits for this: readers already
    ignore their holds, and callers already see them as cancelled."""
    # Lock the rows first and skip those a request holds (a finalize may be extending a pay-by-link
    # order right now): the holds below are dropped only for orders that are still expired.
    expired = list(
        await session.scalars(
            select(Order.id)
            .where(Order.status == "created", Order.expires_at <= now)
            .order_by(Order.id)
            .limit(500)
            .with_for_update(skip_locked=True)
        )
    )
    if not expired:
        return 0
    item_ids = list(
        await session.scalars(select(OrderItem.id).where(OrderItem.order_id.in_(expired)))
    )
    await drop_order_item_holds(session, item_ids)
    await drop_seat_claims(session, order_item_ids=item_ids)
    await give_back_expired(session, expired)
    # Like a whole-order cancellation: the order and every item still active, at the expiry.
    expiry = select(Order.expires_at).where(Order.id == OrderItem.order_id).scalar_subquery()
    await session.execute(
        update(OrderItem)
        .where(OrderItem.order_id.in_(expired), OrderItem.cancelled_at.is_(None))
        .values(cancelled_at=expiry)
    )
    await session.execute(
        update(Order)
        .where(Order.id.in_(expired), Order.status == "created")
        .values(status="cancelled", is_valid=False, cancelled_at=Order.expires_at, expires_at=None)
    )
    return len(expired)
