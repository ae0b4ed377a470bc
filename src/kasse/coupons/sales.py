"""Planning a coupon item: is the coupon on sale for this caller, in a quantity it is sold in."""

from __future__ import annotations

from dataclasses import dataclass

from kasse.core.times import local_date
from kasse.coupons.service import is_bookable, visible_coupon
from kasse.items.context import RequestContext
from kasse.items.kind import ItemPlan, ItemProblems
from kasse.models import Coupon


@dataclass(kw_only=True)
class CouponPlan(ItemPlan):
    coupon: Coupon
    quantity: int


def plan_coupon(
    ctx: RequestContext, coupon_id: int, quantity: int, problems: ItemProblems
) -> CouponPlan | None:
    """The plan of a coupon item, or None with the problem that stops it."""
    coupon = visible_coupon(ctx.catalog, ctx.principal, coupon_id)
    if coupon is None:
        problems.add(f"coupon {coupon_id} not found")
        return None
    if not is_bookable(coupon, ctx.principal, local_date(ctx.now, ctx.tz)):
        problems.add(f"coupon {coupon_id} is not bookable")
        return None
    if not coupon.min_quantity <= quantity <= coupon.max_quantity:
        problems.add(
            f"coupon {coupon_id} is sold {coupon.min_quantity} to {coupon.max_quantity} at a "
            f"time, not {quantity}"
        )
        return None
    return CouponPlan(
        price_cents=coupon.price_cents * quantity,
        vat_pct=coupon.vat_pct,
        tax_included=coupon.tax_included,
        coupon=coupon,
        quantity=quantity,
    )
