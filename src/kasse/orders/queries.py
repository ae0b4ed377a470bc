"""Reading orders: who may see which, the list with its filters, an order by reference or code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select, union_all
from sqlalchemy.orm import aliased

from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.errors import NotFound, Unprocessable
from kasse.core.locking import LockRank, lock
from kasse.core.pagination import Page
from kasse.core.times import local_day_bounds, today
from kasse.items.context import RequestContext
from kasse.items.refs import order_ref_condition
from kasse.models import Order, OrderItem
from kasse.orders.kinds import KINDS
from kasse.orders.shapes import shape_orders

ORDER_READERS = frozenset({"user", "cashpoint", "reseller", "customer"})
DEFAULT_LIST_DAYS = 30


@dataclass(frozen=True)
class OrderFilter:
    start_at: date | None = None
    end_at: date | None = None
    valid: bool | None = None
    only_my_orders: bool = False


def _owned(query: Select[Any], principal: Principal, only_mine: bool) -> Select[Any]:
    """Users and cash points see every order; resellers their own; customers theirs."""
    if principal.access == "customer" and principal.customer_id is not None and not only_mine:
        return query.where(
            or_(
                Order.customer_id == principal.customer_id, Order.api_token_id == principal.token_id
            )
        )
    if principal.access in ("reseller", "customer") or only_mine:
        return query.where(Order.api_token_id == principal.token_id)
    return query


def _of_museums(catalog: Catalog, principal: Principal) -> ColumnElement[bool]:
    """Every item of the order is of a product the caller's museums sell (each kind says which
    of its items are): an order with one item of another museum is not the caller's at all, so
    that it cannot read or cancel that part."""
    item = aliased(OrderItem)
    in_scope = or_(*(item.id.in_(k.items_of_museums(catalog, principal)) for k in KINDS.values()))
    return ~exists().where(item.order_id == Order.id, ~in_scope)


def _visible(
    query: Select[Any], catalog: Catalog, principal: Principal, only_mine: bool
) -> Select[Any]:
    """The orders the caller may see: by access level, and bounded by the token's museums."""
    query = _owned(query, principal, only_mine)
    if principal.museum_ids is not None:
        query = query.where(_of_museums(catalog, principal))
    return query


def _date_range(flt: OrderFilter, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    # Without end_at the range runs to today, or to start_at when that lies ahead.
    last = flt.end_at or max(today(now, tz), flt.start_at or today(now, tz))
    first = flt.start_at or last - timedelta(days=DEFAULT_LIST_DAYS)
    if first > last:
        raise Unprocessable("start_at is after end_at")
    return local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1]


async def list_orders(
    ctx: RequestContext, flt: OrderFilter, page: Page
) -> tuple[list[dict[str, Any]], int]:
    principal = ctx.principal
    principal.require(ORDER_READERS)
    begin, end = _date_range(flt, ctx.now, ctx.tz)
    query = _visible(select(Order), ctx.catalog, principal, flt.only_my_orders).where(
        Order.created_at >= begin, Order.created_at < end
    )
    if flt.valid is not None:
        # Valid as callers see it: a created order past its expiry is no longer valid, whether
        # or not the housekeeping has marked it cancelled yet.
        expired = and_(
            Order.status == "created", Order.expires_at.is_not(None), Order.expires_at <= ctx.now
        )
        valid = and_(Order.is_valid.is_(True), not_(expired))
        query = query.where(valid if flt.valid else not_(valid))
    total = await ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    orders = list(
        await ctx.session.scalars(
            query.order_by(Order.created_at.desc(), Order.id.desc())
            .offset(page.offset)
            .limit(page.per_page)
        )
    )
    return await shape_orders(ctx, orders, detail=False), int(total)


async def find_order(ctx: RequestContext, order_ref: str, *, for_update: bool = False) -> Order:
    """An order by numeric id or by token, if the caller may see it (else 404, revealing nothing).

    ``for_update`` locks the order row, so that concurrent finalize and cancel requests of one
    order take turns.
    """
    ctx.principal.require(ORDER_READERS)
    condition = order_ref_condition(order_ref)
    if condition is None:
        raise NotFound(f"order {order_ref} not found")
    query: Select[Order] = _visible(select(Order), ctx.catalog, ctx.principal, only_mine=False)
    query = query.where(condition)
    result = (
        await lock(ctx.session, query, LockRank.ORDER, ctx.settings)
        if for_update
        else await ctx.session.execute(query)
    )
    order: Order | None = result.scalar()
    if order is None:
        raise NotFound(f"order {order_ref} not found")
    return order


async def items_of_kind(
    ctx: RequestContext, order_ref: str, type_: str, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A page of the attributes of an order's items of one kind (``GET /orders/:id/tickets``), in
    the order's item order, and how many such items the order has."""
    order = await find_order(ctx, order_ref)
    kind = KINDS[type_]
    of_kind = select(OrderItem.id).where(OrderItem.order_id == order.id, OrderItem.type == type_)
    total = await ctx.session.scalar(select(func.count()).select_from(of_kind.subquery())) or 0
    item_ids = list(
        await ctx.session.scalars(
            of_kind.order_by(OrderItem.position).offset(page.offset).limit(page.per_page)
        )
    )
    sales = await kind.load(ctx.session, ctx.catalog, item_ids)
    return [kind.shape(ctx, sales[i]) for i in item_ids if i in sales], int(total)


async def find_order_by_barcode(ctx: RequestContext, code: str) -> Order:
    """The order a scanned barcode or coupon code belongs to, if the caller may see it; codes
    exist only once an order is binding.

    One statement whose condition includes the caller's visibility: another caller's code
    costs the same work as a missing one, so the answer's timing does not tell them apart.
    """
    ctx.principal.require(ORDER_READERS)
    lookups = [q for kind in KINDS.values() if (q := kind.items_with_code(code)) is not None]
    of_code = select(OrderItem.order_id).where(OrderItem.id.in_(union_all(*lookups)))
    order: Order | None = await ctx.session.scalar(
        _visible(select(Order), ctx.catalog, ctx.principal, only_mine=False).where(
            Order.id.in_(of_code)
        )
    )
    if order is None:
        raise NotFound(f"barcode {code} not found")
    return order
