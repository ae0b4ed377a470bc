"""Order creation, one pipeline for every kind of item (``items/kind.py``): every item checked,
every problem reported together, all places or none.

    1. plan      each kind reads what its plans need (one prefetch), then plans each item (pure)
    2. coupons   the codes that pay are locked and their balances taken (codes before slots)
    3. look      a lock-free count of the places wanted: every problem at once, and a buyer of a
                 full slot gets the 422 without queueing for the slot's lock
    4. write     the order, its items, each kind's rows, what each item takes (or holds, until a
                 two-phase order is finalized), in one bulk statement per table
    5. bind      a binding order (direct flow) gets its barcodes and codes at once
    6. lock      the quota slots last (``core/locking.py``), so that their lock is held for the
                 recount, the update and the commit only, not while the rows are written

The answer is built from the plans and the ids the writes returned: nothing is read back.
Coupons take part twice: as items (``Coupon``) and as payment (``coupons``, see
``coupons/ledger.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability.capacity import (
    drop_holds,
    hold_for_order_items,
    lock_slots,
    record_draws,
    shortfalls,
    usage_of,
)
from kasse.availability.seats import (
    claim_rows,
    claim_seats,
    drop_seat_claims,
    seat_problems,
    taken_seats,
)
from kasse.core.auth import SELLING_ACCESS
from kasse.core.errors import SoldOut, Unprocessable
from kasse.core.ids import new_token
from kasse.core.ratelimit import ClientAttempts
from kasse.core.sql import run, table_of
from kasse.coupons.ledger import CouponPayment, plan_payment, record_payment
from kasse.items.context import RequestContext
from kasse.items.kind import Claims, ItemKind, ItemPlan, ItemProblems, NewOrder
from kasse.models import Order, OrderItem, Reservation
from kasse.orders.kinds import KINDS
from kasse.orders.schemas import OrderCreate
from kasse.orders.shapes import ShapeRows, order_shape

SOURCES = {"reseller": "resellershop", "cashpoint": "cashpoint", "user": "api"}
# built once (see core/sql.py)
INSERT_ORDER = insert(table_of(Order)).returning(table_of(Order).c.id)
INSERT_ITEMS = insert(table_of(OrderItem)).returning(
    table_of(OrderItem).c.id, table_of(OrderItem).c.position
)


@dataclass(frozen=True)
class PlannedItem:
    position: int
    kind: ItemKind[Any, Any, Any]
    plan: ItemPlan


async def _plan_items(
    ctx: RequestContext, body: OrderCreate
) -> tuple[list[PlannedItem], list[str]]:
    """The plans of the items that are fine, and the problems of the order."""
    attributes: dict[str, list[Any]] = defaultdict(list)
    for item in body.items:
        attributes[item.type].append(item.attributes)
    problems: list[str] = []
    prefetched: dict[str, Any] = {}
    for type_, given in attributes.items():
        kind = KINDS[type_]
        problems += kind.problems_together(ctx, given)
        prefetched[type_] = await kind.prefetch(ctx, given)
    planned: list[PlannedItem] = []
    for position, item in enumerate(body.items):
        kind = KINDS[item.type]
        item_problems = ItemProblems(position)
        plan = kind.plan(ctx, item.attributes, prefetched[item.type], item_problems)
        problems += item_problems.messages
        if plan is not None:
            planned.append(PlannedItem(position, kind, plan))
    if len(planned) == len(body.items):
        expected = sum(p.plan.price_cents for p in planned)
        if body.total != expected:
            problems.append(f"total {body.total} does not match the server's price {expected}")
    return planned, problems


def _claims(planned: list[PlannedItem]) -> Claims:
    claims = Claims()
    for item in planned:
        claims.add(item.plan.claims)
    return claims


async def create_order(
    ctx: RequestContext, body: OrderCreate, code_attempts: ClientAttempts
) -> dict[str, Any]:
    """The new order in its wire shape (the detail), or every problem that stops it."""
    ctx.principal.require(SELLING_ACCESS)
    # Before anything is looked up, so that a client over its limit learns nothing about codes.
    await code_attempts.spend(len(body.coupons))
    planned, problems = await _plan_items(ctx, body)
    claims = _claims(planned)
    # What the coupons pay, with the order's price only when the items are all fine.
    price = None if problems else sum(p.plan.price_cents for p in planned)
    payment = await plan_payment(ctx.session, body.coupons, price, ctx.now, ctx.settings)
    problems += payment.problems
    usage = await usage_of(
        ctx.session, claims.slots, ctx.now, ignore_reservations=claims.reservation_ids
    )
    missing = shortfalls(ctx.catalog, claims.slots, usage, ctx.tz)
    taken = await taken_seats(
        ctx.session, claims.seats, ctx.now, ignore_reservations=claims.reservation_ids
    )
    missing += seat_problems(ctx.catalog, taken)
    if problems:
        raise Unprocessable("the order is invalid", problems + missing)
    if missing:
        raise SoldOut("not enough places left", missing)
    # Direct flow: binding now. Two-phase: the places are held until finalize or expiry.
    binding = ctx.principal.flow != "two-phase"
    rows = await _write(ctx, body, planned, payment, binding)
    await _redeem_reservations(ctx.session, claims.reservation_ids)
    # The recount under the lock leaves out this order's own holds (two-phase), written above.
    held = [item.id for item in rows.items] if not binding else []
    await lock_slots(
        ctx.session,
        ctx.catalog,
        claims.slots,
        ctx.now,
        ctx.settings,
        sell=binding,
        ignore_reservations=claims.reservation_ids,
        ignore_order_items=held,
    )
    # Under the slots' lock: every seat also takes a place of its date, so the date is locked.
    item_ids = {item.position: item.id for item in rows.items}
    seats = {item_ids[p.position]: p.plan.claims.seats for p in planned if p.plan.claims.seats}
    await claim_seats(
        ctx.session,
        ctx.catalog,
        claim_rows(seats, "order_item_id", rows.order.expires_at),
        ctx.now,
        ctx.settings,
    )
    return order_shape(ctx, rows, detail=True)


async def _write(
    ctx: RequestContext,
    body: OrderCreate,
    planned: list[PlannedItem],
    payment: CouponPayment,
    binding: bool,
) -> ShapeRows:
    """The order with its items, each kind's rows, the claims taken or held, the coupons that pay;
    bound at once when ``binding``. Returns what the order's shape reads."""
    order = await _write_order(ctx, body, planned, binding)
    items = await _write_items(ctx.session, order.id, planned)
    new_order = NewOrder(id=order.id, binding=binding, expires_at=order.expires_at)
    sales: dict[int, Any] = {}
    for kind in {item.kind for item in planned}:
        mine = [(items[p.position].id, p.plan) for p in planned if p.kind is kind]
        written = await kind.write(ctx, new_order, mine)
        if binding:
            await kind.bind(ctx, written)
        sales.update(written)
    order.personalization_token = new_order.personalization_token
    claimed = {items[p.position].id: p.plan.claims.slots for p in planned if p.plan.claims.slots}
    await record_draws(ctx.session, claimed)
    if not binding:
        assert order.expires_at is not None
        await hold_for_order_items(ctx.session, claimed, order.expires_at)
    payments = await record_payment(ctx.session, order.id, payment, order.expires_at, ctx.now)
    return ShapeRows(order, list(items.values()), sales, payments)


async def _write_order(
    ctx: RequestContext, body: OrderCreate, planned: list[PlannedItem], binding: bool
) -> Order:
    values: dict[str, Any] = {
        "token": new_token(),
        "api_token_id": ctx.principal.token_id,
        "status": "finalized" if binding else "created",
        "finalized_at": ctx.now if binding else None,
        "expires_at": None
        if binding
        else ctx.now + timedelta(minutes=ctx.settings.order_hold_minutes),
        "is_valid": True,
        "total_price_cents": sum(p.plan.price_cents for p in planned),
        "comment": body.comment,
        "reference": body.reference,
        "source": SOURCES.get(ctx.principal.access, "api"),
        "locale": ctx.locale.code,
        "created_at": ctx.now,
        "pay_by_link": False,
        "suppress_mail": False,
        "invoice": False,
    }
    order_id = (await run(ctx.session, INSERT_ORDER, values)).scalar()
    assert order_id is not None
    return Order(id=order_id, **values)


async def _write_items(
    session: AsyncSession, order_id: int, planned: list[PlannedItem]
) -> dict[int, OrderItem]:
    """The order's items, by position."""
    rows: list[dict[str, Any]] = [
        {
            "order_id": order_id,
            "type": p.kind.type,
            "position": p.position,
            "price_cents": p.plan.price_cents,
            "vat_pct": p.plan.vat_pct,
            "tax_included": p.plan.tax_included,
        }
        for p in planned
    ]
    ids = {position: item_id for item_id, position in await run(session, INSERT_ITEMS, rows)}
    return {
        row["position"]: OrderItem(id=ids[row["position"]], cancelled_at=None, **row)
        for row in rows
    }


async def _redeem_reservations(session: AsyncSession, reservation_ids: list[int]) -> None:
    """The reservations the order redeemed give way to it: their holds and themselves go."""
    if reservation_ids:
        await drop_holds(session, reservation_ids)
        await drop_seat_claims(session, reservation_ids=reservation_ids)
        await session.execute(delete(Reservation).where(Reservation.id.in_(reservation_ids)))
