"""Selling coupons: a coupon item of an order, its sale and (once binding) one code per coupon."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.coupons.codes import issue_codes
from kasse.coupons.service import is_bookable, visible_coupon
from kasse.models import Coupon, CouponSale, Order, OrderItem


@dataclass(frozen=True)
class CouponPlan:
    """One accepted coupon item, ready to be written."""

    coupon: Coupon
    quantity: int

    @property
    def price_cents(self) -> int:
        return self.coupon.price_cents * self.quantity


def plan_coupon(
    catalog: Catalog, principal: Principal, coupon_id: int, quantity: int, day: date
) -> tuple[CouponPlan | None, list[str]]:
    """The plan of a coupon item, or the problems that stop it."""
    coupon = visible_coupon(catalog, principal, coupon_id)
    if coupon is None:
        return None, [f"coupon {coupon_id} not found"]
    if not is_bookable(coupon, principal, day):
        return None, [f"coupon {coupon_id} is not bookable"]
    if not coupon.min_quantity <= quantity <= coupon.max_quantity:
        return None, [
            f"coupon {coupon_id} is sold {coupon.min_quantity} to {coupon.max_quantity} at a "
            f"time, not {quantity}"
        ]
    return CouponPlan(coupon=coupon, quantity=quantity), []


async def write_coupon_item(
    session: AsyncSession, order: Order, position: int, plan: CouponPlan, title: str
) -> CouponSale:
    coupon = plan.coupon
    item = OrderItem(
        order_id=order.id,
        type="Coupon",
        position=position,
        price_cents=plan.price_cents,
        vat_pct=coupon.vat_pct,
        tax_included=coupon.tax_included,
    )
    session.add(item)
    await session.flush()
    sale = CouponSale(
        order_item_id=item.id,
        coupon_id=coupon.id,
        title=title,
        quantity=plan.quantity,
        value_cents=coupon.value_cents,
    )
    session.add(sale)
    await session.flush()
    return sale


async def issue_codes_of_items(
    session: AsyncSession, order_item_ids: Iterable[int], now: datetime
) -> None:
    """The codes of the coupon items among ``order_item_ids``: their order just became binding."""
    ids = list(order_item_ids)
    if ids:
        sales = await session.scalars(select(CouponSale).where(CouponSale.order_item_id.in_(ids)))
        await issue_codes(session, sales, now)
