"""The wire shape of an order, with each item's attributes shaped by its kind.

Reading many orders costs a fixed number of queries: the items of all of them, then each kind's
rows of its items, then (detail) the coupons that pay them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.times import render
from kasse.items.context import RequestContext
from kasse.items.state import effective_status, effective_validity
from kasse.models import CouponCode, CouponRedemption, Order, OrderItem
from kasse.orders.kinds import KINDS


@dataclass
class ShapeRows:
    """What one order's shape reads: the order, its items in order, each item's own rows (its
    kind's, by order item id) and the coupons that pay it, with their codes."""

    order: Order
    items: list[OrderItem]
    sales: dict[int, Any]
    payments: list[tuple[CouponRedemption, str]] = field(default_factory=list)


async def load_rows(
    ctx: RequestContext, orders: Sequence[Order], *, detail: bool
) -> list[ShapeRows]:
    order_ids = [o.id for o in orders]
    items: dict[int, list[OrderItem]] = defaultdict(list)
    sales: dict[int, Any] = {}
    payments: dict[int, list[tuple[CouponRedemption, str]]] = defaultdict(list)
    if order_ids:
        by_kind: dict[str, list[int]] = defaultdict(list)
        for item in await ctx.session.scalars(
            select(OrderItem).where(OrderItem.order_id.in_(order_ids)).order_by(OrderItem.position)
        ):
            items[item.order_id].append(item)
            by_kind[item.type].append(item.id)
        for type_, item_ids in by_kind.items():
            kind = KINDS.get(type_)
            if kind is not None:
                sales.update(await kind.load(ctx.session, ctx.catalog, item_ids))
        if detail:
            payments = await coupon_payments(ctx.session, order_ids)
    return [ShapeRows(o, items[o.id], sales, payments[o.id]) for o in orders]


async def coupon_payments(
    session: AsyncSession, order_ids: Sequence[int]
) -> dict[int, list[tuple[CouponRedemption, str]]]:
    """The coupons that pay the orders, by order, in the order used, with their codes."""
    payments: dict[int, list[tuple[CouponRedemption, str]]] = defaultdict(list)
    for redemption, code in await session.execute(
        select(CouponRedemption, CouponCode.code)
        .join(CouponCode, CouponCode.id == CouponRedemption.coupon_code_id)
        .where(CouponRedemption.order_id.in_(order_ids))
        .order_by(CouponRedemption.position)
    ):
        payments[redemption.order_id].append((redemption, code))
    return payments


async def shape_orders(
    ctx: RequestContext, orders: Sequence[Order], *, detail: bool
) -> list[dict[str, Any]]:
    return [
        order_shape(ctx, rows, detail=detail)
        for rows in await load_rows(ctx, orders, detail=detail)
    ]


def _coupon_payment(
    payments: list[tuple[CouponRedemption, str]], still_due: int, now: datetime
) -> dict[str, Any]:
    """What each coupon pays now (nothing once its hold expired, less after cancellations), and
    what is left to pay of the items not cancelled."""
    kept = [
        (
            code,
            0
            if r.valid_until is not None and r.valid_until <= now
            else r.amount_cents - r.returned_cents,
        )
        for r, code in payments
    ]
    coupon_cents = sum(amount for _, amount in kept)
    return {
        "coupons": [{"barcode": code, "value_cents": amount} for code, amount in kept],
        "coupon_cents": coupon_cents,
        "amount_due_cents": still_due - coupon_cents,
    }


def _items(ctx: RequestContext, rows: ShapeRows, status: str) -> list[dict[str, Any]]:
    shaped = []
    for item in rows.items:
        kind = KINDS.get(item.type)
        if kind is None or item.id not in rows.sales:
            continue
        shaped.append(
            {
                "id": item.id,
                "type": item.type,
                "price_cents": item.price_cents,
                "vat_pct": f"{item.vat_pct:.1f}",
                "tax_included": item.tax_included,
                "cancelled": item.cancelled_at is not None or status == "cancelled",
                "attributes": kind.shape(ctx, rows.sales[item.id]),
            }
        )
    return shaped


def order_shape(ctx: RequestContext, rows: ShapeRows, *, detail: bool) -> dict[str, Any]:
    order, now = rows.order, ctx.now
    # An expired order looks the same before and after the housekeeping has marked it cancelled.
    status = effective_status(order, now)
    shape: dict[str, Any] = {
        "id": order.id,
        "token": order.token,
        "is_valid": effective_validity(order, now),
        "status": status,
        "expires_at": render(order.expires_at, ctx.tz) if status == "created" else None,
        "total_price_cents": order.total_price_cents,
        "comment": order.comment,
        "reference": order.reference,
        "rating": order.rating,
        "invoice": order.invoice,
        "created_at": render(order.created_at, ctx.tz),
        "source": order.source,
        "items": _items(ctx, rows, status),
    }
    if detail:
        shape["payment_status"] = order.payment_status
        shape["billing_address_id"] = order.billing_address_id
        shape["customer_id"] = order.customer_id
        shape["pay_by_link"] = order.pay_by_link
        shape["paid"] = order.paid_at is not None
        # Opens /api/v4/annual for this order; the caller may relay the flow from its own shop.
        shape["personalization_token"] = order.personalization_token
        still_due = sum(i["price_cents"] for i in shape["items"] if not i["cancelled"])
        shape.update(_coupon_payment(rows.payments, still_due, now))
    return shape


def invoices_shape(order: Order) -> list[dict[str, Any]]:
    """The order's invoices (one, once it is binding), each with its number and document link."""
    if order.invoice_number is None:
        return []
    url = f"/api/v4/orders/{order.id}/invoice.pdf?token={order.token}"
    return [{"number": order.invoice_number, "url": url}]
