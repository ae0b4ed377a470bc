"""Reading orders: who may see which, the list with its filters, and the wire shape of an order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from kasse.annual.sales import is_annual
from kasse.annual.shapes import personalizations_by_sale
from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.errors import NotFound, Unprocessable
from kasse.core.i18n import translate
from kasse.core.pagination import Page
from kasse.core.redaction import SecretParameter
from kasse.core.times import local_day_bounds, render, today
from kasse.core.wire import DB_INT_MAX
from kasse.models import (
    Barcode,
    CouponCode,
    CouponRedemption,
    CouponSale,
    Order,
    OrderItem,
    TicketSale,
)
from kasse.orders.state import effective_status, effective_validity

ORDER_READERS = frozenset({"user", "cashpoint", "reseller", "customer"})
DEFAULT_LIST_DAYS = 30
MIN_TOKEN_LENGTH = 18

# Where an order id or token may stand: the id is no secret (the access log keeps it), the token is.
ORDER_REF_SECRET = SecretParameter(public=rf"[0-9]{{1,{MIN_TOKEN_LENGTH - 1}}}")


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
    """Every item of the order is of a ticket or coupon the caller's museums sell.

    An item counts as the caller's when its ticket or coupon is one the caller could sell (one of
    its museums is the caller's), the rule of the catalog and of the entrance; an order with one
    item of another museum is not the caller's at all, so that it cannot read or cancel that part.
    """
    tickets = [t.id for t in catalog.tickets.values() if principal.may_see_museums(t.museum_ids)]
    coupons = [c.id for c in catalog.coupons.values() if principal.may_see_museums(c.museum_ids)]
    item = aliased(OrderItem)
    in_scope = or_(
        exists().where(TicketSale.order_item_id == item.id, TicketSale.ticket_id.in_(tickets)),
        exists().where(CouponSale.order_item_id == item.id, CouponSale.coupon_id.in_(coupons)),
    )
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
    session: AsyncSession,
    catalog: Catalog,
    principal: Principal,
    flt: OrderFilter,
    page: Page,
    now: datetime,
    tz: ZoneInfo,
    locale: str,
) -> tuple[list[dict[str, Any]], int]:
    principal.require(ORDER_READERS)
    begin, end = _date_range(flt, now, tz)
    query = _visible(select(Order), catalog, principal, flt.only_my_orders).where(
        Order.created_at >= begin, Order.created_at < end
    )
    if flt.valid is not None:
        # Valid as callers see it: a created order past its expiry is no longer valid, whether
        # or not the housekeeping has marked it cancelled yet.
        expired = and_(
            Order.status == "created", Order.expires_at.is_not(None), Order.expires_at <= now
        )
        valid = and_(Order.is_valid.is_(True), not_(expired))
        query = query.where(valid if flt.valid else not_(valid))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    orders = list(
        await session.scalars(
            query.order_by(Order.created_at.desc(), Order.id.desc())
            .offset(page.offset)
            .limit(page.per_page)
        )
    )
    shapes = await shape_orders(session, catalog, orders, tz, locale, now, detail=False)
    return shapes, int(total)


async def find_order(
    session: AsyncSession,
    catalog: Catalog,
    principal: Principal,
    order_ref: str,
    *,
    for_update: bool = False,
) -> Order:
    """An order by numeric id or by token, if the caller may see it (else 404, revealing nothing).

    ``for_update`` locks the order row, so that concurrent finalize and cancel requests of one
    order take turns.
    """
    principal.require(ORDER_READERS)
    query = _visible(select(Order), catalog, principal, only_mine=False)
    if for_update:
        query = query.with_for_update()
    if order_ref.isascii() and order_ref.isdigit() and len(order_ref) < MIN_TOKEN_LENGTH:
        if int(order_ref) > DB_INT_MAX:  # no such row, and the database's integer would overflow
            raise NotFound(f"order {order_ref} not found")
        query = query.where(Order.id == int(order_ref))
    else:
        query = query.where(Order.token == order_ref)
    order: Order | None = await session.scalar(query)
    if order is None:
        raise NotFound(f"order {order_ref} not found")
    return order


async def find_order_by_barcode(
    session: AsyncSession, catalog: Catalog, principal: Principal, barcode: str
) -> Order:
    """The order a scanned barcode belongs to, if the caller may see it; barcodes exist only once
    an order is binding.

    One statement whose condition includes the caller's visibility: another caller's barcode
    costs the same work as a missing one, so the answer's timing does not tell them apart.
    """
    principal.require(ORDER_READERS)
    of_barcode = (
        select(OrderItem.order_id)
        .join(TicketSale, TicketSale.order_item_id == OrderItem.id)
        .join(Barcode, Barcode.ticket_sale_id == TicketSale.id)
        .where(Barcode.barcode == barcode)
    )
    order: Order | None = await session.scalar(
        _visible(select(Order), catalog, principal, only_mine=False).where(Order.id.in_(of_barcode))
    )
    if order is None:
        raise NotFound(f"barcode {barcode} not found")
    return order


def _location(catalog: Catalog, ticket_id: int) -> dict[str, Any] | None:
    ticket = catalog.ticket(ticket_id)
    museum = catalog.museums.get(ticket.museum_ids[0]) if ticket and ticket.museum_ids else None
    if museum is None:
        return None
    row = museum.row
    return {
        "name": row.location_name,
        "city": row.city,
        "country": row.country,
        "street": row.street,
        "zip": row.zip,
        "latitude": row.latitude,
        "longitude": row.longitude,
    }


def _sub_tickets(
    catalog: Catalog, sale: TicketSale, tz: ZoneInfo, locale: str
) -> list[dict[str, Any]]:
    subs = []
    for sub_id, start in sorted(sale.sub_ticket_times.items(), key=lambda kv: kv[1]):
        sub = catalog.ticket(int(sub_id))
        subs.append(
            {
                "ticket_id": int(sub_id),
                "title": translate(sub.row.title, locale, locale) if sub else None,
                "start_time": render(datetime.fromisoformat(start), tz),
            }
        )
    return subs


def _ticket_attributes(
    catalog: Catalog,
    sale: TicketSale,
    barcodes: list[Barcode],
    cards: list[dict[str, Any]],
    tz: ZoneInfo,
    locale: str,
) -> dict[str, Any]:
    ticket = catalog.ticket(sale.ticket_id)
    return {
        "id": sale.id,
        "title": sale.title,
        "ticket_id": sale.ticket_id,
        "quantity": sale.quantity,
        "ticket_type": ticket.row.ticket_type if ticket else "normal",
        "start_time": render(sale.start_at, tz),
        "location": _location(catalog, sale.ticket_id),
        "barcodes": [{"id": b.id, "barcode": b.barcode, "method": b.method} for b in barcodes],
        "after_sale_information": (
            translate(ticket.row.after_sale_information, locale, locale) if ticket else None
        ),
        "attendees": sale.attendees,
        "sub_tickets": _sub_tickets(catalog, sale, tz, locale),
        "personalizations": cards,
    }


@dataclass
class _CouponRows:
    """The coupons sold in some orders (by order item), their codes (by coupon sale), and the
    coupons that paid them (by order, in the order used, with their codes)."""

    sales: dict[int, CouponSale] = field(default_factory=dict)
    codes: dict[int, list[CouponCode]] = field(default_factory=lambda: defaultdict(list))
    payments: dict[int, list[tuple[CouponRedemption, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )


async def _coupon_rows(
    session: AsyncSession, order_ids: list[int], item_ids: list[int], *, detail: bool
) -> _CouponRows:
    """Coupon sales of the coupon items, their codes, and (detail) the coupons paying the orders."""
    rows = _CouponRows()
    if item_ids:
        for sale in await session.scalars(
            select(CouponSale).where(CouponSale.order_item_id.in_(item_ids))
        ):
            rows.sales[sale.order_item_id] = sale
    sale_ids = [s.id for s in rows.sales.values()]
    if sale_ids:
        for code in await session.scalars(
            select(CouponCode)
            .where(CouponCode.coupon_sale_id.in_(sale_ids))
            .order_by(CouponCode.id)
        ):
            rows.codes[code.coupon_sale_id].append(code)
    if detail and order_ids:
        for redemption, barcode in await session.execute(
            select(CouponRedemption, CouponCode.code)
            .join(CouponCode, CouponCode.id == CouponRedemption.coupon_code_id)
            .where(CouponRedemption.order_id.in_(order_ids))
            .order_by(CouponRedemption.position)
        ):
            rows.payments[redemption.order_id].append((redemption, barcode))
    return rows


def _coupon_attributes(sale: CouponSale, codes: list[CouponCode]) -> dict[str, Any]:
    return {
        "id": sale.id,
        "title": sale.title,
        "quantity": sale.quantity,
        "coupon_id": sale.coupon_id,
        "value_cents": sale.value_cents,
        "barcodes": [{"id": c.id, "barcode": c.code, "method": "coupon"} for c in codes],
    }


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


async def shape_orders(
    session: AsyncSession,
    catalog: Catalog,
    orders: list[Order],
    tz: ZoneInfo,
    locale: str,
    now: datetime,
    *,
    detail: bool,
) -> list[dict[str, Any]]:
    """Orders in their wire shape; items, sales and codes come in one query each for all orders."""
    order_ids = [o.id for o in orders]
    items: dict[int, list[OrderItem]] = defaultdict(list)
    sales: dict[int, TicketSale] = {}
    codes: dict[int, list[Barcode]] = defaultdict(list)
    if order_ids:
        for item in await session.scalars(
            select(OrderItem).where(OrderItem.order_id.in_(order_ids)).order_by(OrderItem.position)
        ):
            items[item.order_id].append(item)
        item_ids = [i.id for group in items.values() for i in group if i.type == "Ticket"]
        if item_ids:
            for sale in await session.scalars(
                select(TicketSale).where(TicketSale.order_item_id.in_(item_ids))
            ):
                sales[sale.order_item_id] = sale
        sale_ids = [s.id for s in sales.values()]
        if sale_ids:
            for code in await session.scalars(
                select(Barcode).where(Barcode.ticket_sale_id.in_(sale_ids)).order_by(Barcode.id)
            ):
                codes[code.ticket_sale_id].append(code)
    coupon_item_ids = [i.id for group in items.values() for i in group if i.type == "Coupon"]
    coupons = await _coupon_rows(session, order_ids, coupon_item_ids, detail=detail)
    cards = await _personalizations(session, catalog, list(sales.values()))
    return [
        _order_shape(catalog, o, items[o.id], sales, codes, coupons, cards, tz, locale, now, detail)
        for o in orders
    ]


async def _personalizations(
    session: AsyncSession, catalog: Catalog, sales: list[TicketSale]
) -> dict[int, list[dict[str, Any]]]:
    """The cards of the annual passes among ``sales``; no query for orders without one."""
    annual = [s.id for s in sales if (t := catalog.ticket(s.ticket_id)) and is_annual(t)]
    return await personalizations_by_sale(session, annual) if annual else {}


def _item_attributes(
    catalog: Catalog,
    item: OrderItem,
    sales: dict[int, TicketSale],
    codes: dict[int, list[Barcode]],
    coupons: _CouponRows,
    cards: dict[int, list[dict[str, Any]]],
    tz: ZoneInfo,
    locale: str,
) -> dict[str, Any] | None:
    if item.id in sales:
        sale = sales[item.id]
        return _ticket_attributes(catalog, sale, codes[sale.id], cards.get(sale.id, []), tz, locale)
    if item.id in coupons.sales:
        coupon_sale = coupons.sales[item.id]
        return _coupon_attributes(coupon_sale, coupons.codes[coupon_sale.id])
    return None


def _order_shape(
    catalog: Catalog,
    order: Order,
    items: list[OrderItem],
    sales: dict[int, TicketSale],
    codes: dict[int, list[Barcode]],
    coupons: _CouponRows,
    cards: dict[int, list[dict[str, Any]]],
    tz: ZoneInfo,
    locale: str,
    now: datetime,
    detail: bool,
) -> dict[str, Any]:
    # An expired order looks the same before and after the housekeeping has marked it cancelled.
    status = effective_status(order, now)
    shape: dict[str, Any] = {
        "id": order.id,
        "token": order.token,
        "is_valid": effective_validity(order, now),
        "status": status,
        "expires_at": render(order.expires_at, tz) if status == "created" else None,
        "total_price_cents": order.total_price_cents,
        "comment": order.comment,
        "reference": order.reference,
        "rating": order.rating,
        "invoice": order.invoice,
        "created_at": render(order.created_at, tz),
        "source": order.source,
        "items": [],
    }
    for item in items:
        attributes = _item_attributes(catalog, item, sales, codes, coupons, cards, tz, locale)
        if attributes is None:
            continue
        shape["items"].append(
            {
                "id": item.id,
                "type": item.type,
                "price_cents": item.price_cents,
                "vat_pct": f"{item.vat_pct:.1f}",
                "tax_included": item.tax_included,
                "cancelled": item.cancelled_at is not None or status == "cancelled",
                "attributes": attributes,
            }
        )
    if detail:
        shape["payment_status"] = order.payment_status
        shape["billing_address_id"] = None
        shape["customer_id"] = order.customer_id
        shape["pay_by_link"] = order.pay_by_link
        shape["paid"] = order.paid_at is not None
        # Opens /api/v4/annual for this order; the caller may relay the flow from its own shop.
        shape["personalization_token"] = order.personalization_token
        still_due = sum(i["price_cents"] for i in shape["items"] if not i["cancelled"])
        shape.update(_coupon_payment(coupons.payments[order.id], still_due, now))
    return shape
