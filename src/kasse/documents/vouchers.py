"""The coupons of an order as its documents see them: the coupon items it sold, with their codes,
and the coupons that paid it. One query each, whatever the number of items and codes; none for the
codes of an order without coupon items."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.coupons.ledger import is_active
from kasse.documents.data import PaidByCoupon
from kasse.models import CouponCode, CouponRedemption, CouponSale, OrderItem


@dataclass(frozen=True)
class CouponEntry:
    """A coupon item that is not cancelled, its sale and its codes (in issue order; none before
    the order is binding)."""

    item: OrderItem
    sale: CouponSale
    codes: tuple[CouponCode, ...]

    @property
    def unit_price_cents(self) -> int:
        return round(self.item.price_cents / max(self.sale.quantity, 1))


async def load_coupon_entries(
    session: AsyncSession, rows: list[tuple[OrderItem, CouponSale]]
) -> tuple[CouponEntry, ...]:
    """The entries of the coupon items ``rows`` (read with the order's other items), with codes."""
    if not rows:
        return ()
    codes: dict[int, list[CouponCode]] = defaultdict(list)
    for code in await session.scalars(
        select(CouponCode)
        .where(CouponCode.coupon_sale_id.in_([sale.id for _, sale in rows]))
        .order_by(CouponCode.id)
    ):
        codes[code.coupon_sale_id].append(code)
    return tuple(CouponEntry(item, sale, tuple(codes[sale.id])) for item, sale in rows)


async def load_coupon_payments(
    session: AsyncSession, order_id: int, now: datetime
) -> tuple[PaidByCoupon, ...]:
    """What each coupon still pays of the order, in the order they were given: redemptions that
    are active (a not yet binding order's expire with it) and not given back by cancellations."""
    rows = await session.execute(
        select(CouponCode.code, CouponRedemption.amount_cents - CouponRedemption.returned_cents)
        .join(CouponCode, CouponCode.id == CouponRedemption.coupon_code_id)
        .where(
            CouponRedemption.order_id == order_id,
            CouponRedemption.amount_cents > CouponRedemption.returned_cents,
            is_active(now),
        )
        .order_by(CouponRedemption.position)
    )
    return tuple(PaidByCoupon(code=code, amount_cents=int(amount)) for code, amount in rows)
