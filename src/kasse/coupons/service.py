"""Coupon rules: which coupons a caller sees and may buy, and what is left on a code.

The catalog part reads the in-memory snapshot; only the balance touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.core.auth import Principal
from kasse.core.errors import NotFound
from kasse.core.pagination import Page, PageOf, paginate
from kasse.coupons.ledger import balance_of
from kasse.models import Coupon


@dataclass(frozen=True)
class CouponView:
    row: Coupon
    bookable: bool


def _on_sale(coupon: Coupon, day: date) -> bool:
    return (coupon.valid_from is None or coupon.valid_from <= day) and (
        coupon.valid_to is None or day <= coupon.valid_to
    )


def is_bookable(coupon: Coupon, principal: Principal, day: date) -> bool:
    """Whether ``principal`` may sell or buy ``coupon`` on ``day`` (the rules of tickets)."""
    if not _on_sale(coupon, day):
        return False
    if principal.access == "reseller":
        return coupon.bookable_reseller
    if principal.access in ("cashpoint", "user"):
        return coupon.bookable_public or coupon.bookable_reseller
    return coupon.bookable_public


def visible_coupon(catalog: Catalog, principal: Principal, coupon_id: int) -> Coupon | None:
    coupon = catalog.coupons.get(coupon_id)
    if coupon is None or not principal.may_see_museums(coupon.museum_ids):
        return None
    return coupon


def list_coupons(
    catalog: Catalog,
    principal: Principal,
    page: Page,
    *,
    day: date,
    museum_ids: frozenset[int] | None = None,
    bookable: bool | None = None,
) -> PageOf[CouponView]:
    """Coupons on sale on ``day`` in the caller's museums, ordered by id."""
    views = []
    for coupon in catalog.coupons.values():
        if not _on_sale(coupon, day) or not principal.may_see_museums(coupon.museum_ids):
            continue
        if museum_ids is not None and museum_ids.isdisjoint(coupon.museum_ids):
            continue
        view = CouponView(row=coupon, bookable=is_bookable(coupon, principal, day))
        if bookable is None or view.bookable == bookable:
            views.append(view)
    return paginate(views, page)


def get_coupon(catalog: Catalog, principal: Principal, coupon_id: int, day: date) -> CouponView:
    coupon = visible_coupon(catalog, principal, coupon_id)
    if coupon is None:
        raise NotFound(f"coupon {coupon_id} not found")
    return CouponView(row=coupon, bookable=is_bookable(coupon, principal, day))


async def remaining_value(session: AsyncSession, typed: str, now: datetime) -> int:
    """What is left on a code; 404 for a code that does not exist or cannot pay (its order is
    not binding, or its coupon was cancelled), without saying which."""
    balance = await balance_of(session, typed, now)
    if balance is None:
        raise NotFound("coupon not found")
    return balance
