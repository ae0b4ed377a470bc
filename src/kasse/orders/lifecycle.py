"""After checkout: finalize (two-phase, pay by link), cancel, rate, expire.

Every function works inside the request's one transaction and takes the order row's lock first,
so concurrent finalize and cancel requests of one order take turns and see each other's result.
Then, where needed, the coupon codes' locks and last the quota slots' (one order everywhere).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability.capacity import (
    SlotKey,
    add_sold,
    drop_order_item_holds,
    lock_slots,
    release_sold,
)
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import SELLING_ACCESS, Principal
from kasse.core.db import Instance
from kasse.core.errors import Forbidden, Unprocessable
from kasse.coupons.ledger import (
    confirm_redemptions,
    extend_redemptions,
    give_back,
    give_back_expired,
    refuse_spent_coupons,
)
from kasse.coupons.sales import issue_codes_of_items
from kasse.mail.outbox import enqueue
from kasse.mail.sender import notify_mail_enqueued
from kasse.models import (
    CapacityDraw,
    Customer,
    InvoiceCounter,
    Order,
    OrderItem,
    Payment,
    ReservationHold,
    TicketSale,
)
from kasse.orders.barcodes import issue_barcodes
from kasse.orders.customers import resolve_customer
from kasse.orders.queries import find_order
from kasse.orders.schemas import FinalizeIn, PaymentIn
from kasse.orders.state import is_expired
from kasse.settings import Settings


@dataclass(frozen=True)
class LifecycleContext:
    session: AsyncSession
    catalog: Catalog
    principal: Principal
    instance: Instance
    settings: Settings
    now: datetime
    tz: ZoneInfo


async def _active_items(session: AsyncSession, order: Order) -> list[OrderItem]:
    rows = await session.scalars(
        select(OrderItem)
        .where(OrderItem.order_id == order.id, OrderItem.cancelled_at.is_(None))
        .order_by(OrderItem.position)
    )
    return list(rows)


async def _draws_of(session: AsyncSession, item_ids: list[int]) -> dict[SlotKey, int]:
    wanted: dict[SlotKey, int] = defaultdict(int)
    if item_ids:
        rows = await session.execute(
            select(CapacityDraw.quota_id, CapacityDraw.start_at, CapacityDraw.quantity).where(
                CapacityDraw.order_item_id.in_(item_ids)
            )
        )
        for quota_id, start_at, quantity in rows:
            wanted[(quota_id, start_at)] += quantity
    return dict(wanted)


def _refuse_closed(order: Order, now: datetime) -> None:
    if order.status == "cancelled":
        raise Unprocessable(f"order {order.id} is cancelled")
    if is_expired(order, now):
        raise Unprocessable(f"order {order.id} expired and gave its places back")


# -- finalize -------------------------------------------------------------------------------------


async def _record_payment(ctx: LifecycleContext, order: Order, payment: PaymentIn) -> None:
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


async def _next_invoice_number(ctx: LifecycleContext) -> str:
    """Gap-free: the counter moves in the finalizing transaction, so a rollback takes it back.

    One upsert, so that the very first numbers cannot race: concurrent finalizes queue on the
    counter row (or on its insert) instead of both inserting it.
    """
    dialect = ctx.session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    number = await ctx.session.scalar(
        insert_fn(InvoiceCounter)
        .values(id=1, last_number=1)
        .on_conflict_do_update(
            index_elements=["id"], set_={"last_number": InvoiceCounter.last_number + 1}
        )
        .returning(InvoiceCounter.last_number)
    )
    assert number is not None
    return f"{ctx.now.astimezone(ctx.tz).year}-{number:06d}"


async def _make_binding(ctx: LifecycleContext, order: Order) -> None:
    """Turn the held places and coupon payments of a created order into binding ones and issue
    its barcodes and coupon codes."""
    items = await _active_items(ctx.session, order)
    item_ids = [i.id for i in items]
    await confirm_redemptions(ctx.session, order.id, ctx.now, ctx.settings)
    wanted = await _draws_of(ctx.session, item_ids)
    row_ids = await lock_slots(
        ctx.session, ctx.catalog, wanted, ctx.now, ctx.settings, ignore_order_items=item_ids
    )
    await drop_order_item_holds(ctx.session, item_ids)
    await add_sold(ctx.session, row_ids, wanted)
    if item_ids:
        for sale in await ctx.session.scalars(
            select(TicketSale).where(TicketSale.order_item_id.in_(item_ids))
        ):
            await issue_barcodes(ctx.session, ctx.catalog, sale)
    await issue_codes_of_items(ctx.session, item_ids, ctx.now)
    order.status = "finalized"
    order.finalized_at = ctx.now
    order.expires_at = None


async def _customer_email(session: AsyncSession, order: Order) -> str | None:
    if order.customer_id is None:
        return None
    customer = await session.get(Customer, order.customer_id)
    return customer.email if customer else None


async def _send_mail(ctx: LifecycleContext, order: Order, kind: str) -> None:
    email = await _customer_email(ctx.session, order)
    if email is None or order.suppress_mail:
        return
    await enqueue(
        ctx.session, kind=kind, recipient=email, payload={"order_id": order.id}, now=ctx.now
    )
    notify_mail_enqueued(ctx.instance, ctx.session)


async def _start_pay_by_link(ctx: LifecycleContext, order: Order) -> None:
    if order.status != "created":
        raise Unprocessable("pay_by_link needs an order that is not binding yet (two-phase flow)")
    if await _customer_email(ctx.session, order) is None:
        raise Unprocessable("pay_by_link needs a customer with an email address")
    if not order.pay_by_link:
        # The held places now last as long as the payment link. A link sent again (to a
        # corrected address, say) keeps the first deadline: else the places could be held forever.
        order.pay_by_link = True
        deadline = ctx.now + timedelta(minutes=ctx.settings.pay_by_link_minutes)
        order.expires_at = deadline
        item_ids = [i.id for i in await _active_items(ctx.session, order)]
        if item_ids:
            await ctx.session.execute(
                update(ReservationHold)
                .where(ReservationHold.order_item_id.in_(item_ids))
                .values(valid_until=deadline)
            )
        await extend_redemptions(ctx.session, order.id, deadline)
    await _send_mail(ctx, order, "payment_link")


async def finalize_order(ctx: LifecycleContext, order_ref: str, body: FinalizeIn) -> Order:
    ctx.principal.require(SELLING_ACCESS)
    order = await find_order(ctx.session, ctx.catalog, ctx.principal, order_ref, for_update=True)
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
    order.suppress_mail = order.suppress_mail or body.suppress_mail
    if body.payment is not None:
        await _record_payment(ctx, order, body.payment)
    if body.pay_by_link:
        await _start_pay_by_link(ctx, order)
    elif body.completed:
        await _make_binding(ctx, order)
        order.invoice = True
        await _send_mail(ctx, order, "order_confirmation")
        await ctx.session.flush()
        # Last: the counter row is the one lock that every finalize of the instance shares.
        order.invoice_number = await _next_invoice_number(ctx)
    await ctx.session.flush()
    return order


# -- cancel ---------------------------------------------------------------------------------------


async def _release(ctx: LifecycleContext, order: Order, items: list[OrderItem]) -> None:
    """Give the places of ``items`` back: sold places of a binding order, holds of a created one;
    void the codes of coupons among them; and give the coupons that paid what no active item
    costs any more back (see ``coupons/ledger.py``, ``give_back``)."""
    item_ids = [i.id for i in items]
    await refuse_spent_coupons(ctx.session, item_ids, ctx.now, ctx.settings)
    if order.status == "finalized":
        await release_sold(ctx.session, await _draws_of(ctx.session, item_ids))
    else:
        await drop_order_item_holds(ctx.session, item_ids)
    for item in items:
        item.cancelled_at = ctx.now
    still_due = sum(i.price_cents for i in await _active_items(ctx.session, order))
    await give_back(ctx.session, order.id, still_due)


async def _items_to_cancel(
    ctx: LifecycleContext, order: Order, item_ids: list[int]
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


async def cancel_order(ctx: LifecycleContext, order_ref: str, item_ids: list[int] | None) -> Order:
    """The whole order, or only some items; cancelling every item leaves the order itself valid."""
    ctx.principal.require(SELLING_ACCESS)
    order = await find_order(ctx.session, ctx.catalog, ctx.principal, order_ref, for_update=True)
    if order.status == "cancelled":
        raise Unprocessable(f"order {order.id} is already cancelled")
    if is_expired(order, ctx.now):
        # Callers already see it cancelled; the housekeeping marks it so with its expiry time.
        raise Unprocessable(f"order {order.id} expired and gave its places back")
    if item_ids is None:
        await _release(ctx, order, await _active_items(ctx.session, order))
        order.status = "cancelled"
        order.is_valid = False
        order.cancelled_at = ctx.now
        order.expires_at = None
    else:
        await _release(ctx, order, await _items_to_cancel(ctx, order, item_ids))
    await ctx.session.flush()
    return order


# -- rate -----------------------------------------------------------------------------------------


async def rate_order(ctx: LifecycleContext, order_ref: str, rating: int) -> Order:
    if ctx.principal.access != "customer":
        ctx.principal.require(frozenset({"customer"}))
        raise Forbidden("only the customer may rate an order")
    order = await find_order(ctx.session, ctx.catalog, ctx.principal, order_ref, for_update=True)
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
