"""Coupon balances, kept as redemptions with the semantics of capacity holds.

A code's balance is its value minus what its *active* redemptions keep (``amount - returned``).
A redemption is active while ``valid_until`` is unset (its order is binding) or in the future (its
order is a two-phase order not binding yet, and the redemption expires with it): an expired order
gives its coupons back without any sweeper, exactly like its held places.

Taking value from a code locks the code rows first, in id order, through ``core/locking.py``
(rank ``COUPON_CODES``: after the order row, before quota slots), then recounts the balance inside
the transaction. Giving value back needs no lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.errors import Unprocessable
from kasse.core.locking import LockRank, lock, pause_for_races
from kasse.core.sql import run, table_of
from kasse.coupons.codes import CODE_LENGTH, normalize
from kasse.models import CouponCode, CouponRedemption, CouponSale, Order, OrderItem
from kasse.settings import Settings

INSERT_REDEMPTIONS = insert(table_of(CouponRedemption))


def is_active(now: datetime) -> ColumnElement[bool]:
    return or_(CouponRedemption.valid_until.is_(None), CouponRedemption.valid_until > now)


async def spent_of(
    session: AsyncSession,
    code_ids: Iterable[int],
    now: datetime,
    *,
    except_order: int | None = None,
) -> dict[int, int]:
    """What the active redemptions keep of each code (of orders other than ``except_order``)."""
    ids = list(code_ids)
    if not ids:
        return {}
    kept = func.sum(CouponRedemption.amount_cents - CouponRedemption.returned_cents)
    query = (
        select(CouponRedemption.coupon_code_id, kept)
        .where(CouponRedemption.coupon_code_id.in_(ids), is_active(now))
        .group_by(CouponRedemption.coupon_code_id)
    )
    if except_order is not None:
        query = query.where(CouponRedemption.order_id != except_order)
    return {code_id: int(amount or 0) for code_id, amount in await session.execute(query)}


def _usable_ids(code_ids: list[int]) -> Select[int]:
    """Codes that may pay: sold in a binding order, their coupon item not cancelled."""
    return (
        select(CouponCode.id)
        .join(CouponSale, CouponSale.id == CouponCode.coupon_sale_id)
        .join(OrderItem, OrderItem.id == CouponSale.order_item_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(
            CouponCode.id.in_(code_ids),
            Order.status == "finalized",
            OrderItem.cancelled_at.is_(None),
        )
    )


async def _codes(
    session: AsyncSession, codes: Iterable[str], settings: Settings | None
) -> dict[str, CouponCode]:
    """The code rows of ``codes`` (normalized); locked, in id order, when ``settings`` are given."""
    wanted = sorted({c for c in codes if 0 < len(c) <= CODE_LENGTH})
    if not wanted:
        return {}
    query = select(CouponCode).where(CouponCode.code.in_(wanted)).order_by(CouponCode.id)
    result = (
        await session.execute(query)
        if settings is None
        else await lock(session, query, LockRank.COUPON_CODES, settings)
    )
    rows = {row.code: row for row in result.scalars()}
    if not rows:
        return {}
    # A separate statement after the lock: it sees a cancellation committed while we waited.
    usable = set(await session.scalars(_usable_ids([r.id for r in rows.values()])))
    return {code: row for code, row in rows.items() if row.id in usable}


async def balance_of(session: AsyncSession, typed: str, now: datetime) -> int | None:
    """What is left on a code, or None when there is no such usable code."""
    code = normalize(typed)
    row = (await _codes(session, [code], None)).get(code)
    if row is None:
        return None
    # Never below 0, even for the instant in which a finalize that is about to be refused (see
    # confirm_redemptions) still counts its hold.
    return max(0, row.value_cents - (await spent_of(session, [row.id], now)).get(row.id, 0))


# -- paying with coupons -------------------------------------------------------------------------


@dataclass(frozen=True)
class Redemption:
    code: CouponCode
    amount_cents: int


@dataclass
class CouponPayment:
    """What each coupon of an order pays, in the order given, and what is wrong with the list."""

    redemptions: list[Redemption] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(r.amount_cents for r in self.redemptions)


async def plan_payment(
    session: AsyncSession,
    typed_codes: list[str],
    total: int | None,
    now: datetime,
    settings: Settings,
) -> CouponPayment:
    """Lock the codes and take from each, in the order given, as much as it can give.

    ``total`` is the order's price, or None when the items are invalid anyway: then the codes are
    still checked, so that every problem is reported at once.
    """
    payment = CouponPayment()
    if not typed_codes:
        return payment
    codes = [normalize(c) for c in typed_codes]
    rows = await _codes(session, codes, settings)
    spent = await spent_of(session, (r.id for r in rows.values()), now)
    remaining = total
    seen: set[str] = set()
    for index, (typed, code) in enumerate(zip(typed_codes, codes, strict=True)):
        where = f"coupons[{index}]: coupon {typed}"
        row = rows.get(code)
        if code in seen:
            payment.problems.append(f"{where} is given more than once")
        elif row is None:
            payment.problems.append(f"{where} not found")
        elif row.value_cents - spent.get(row.id, 0) <= 0:
            payment.problems.append(f"{where} has no value left")
        elif remaining == 0:
            payment.problems.append(f"{where} is not needed: the coupons before it pay the total")
        elif remaining is not None:
            amount = min(row.value_cents - spent.get(row.id, 0), remaining)
            payment.redemptions.append(Redemption(code=row, amount_cents=amount))
            remaining -= amount
        seen.add(code)
    if payment.redemptions:
        await pause_for_races(settings)
    return payment


async def record_payment(
    session: AsyncSession,
    order_id: int,
    payment: CouponPayment,
    valid_until: datetime | None,
    now: datetime,
) -> list[tuple[CouponRedemption, str]]:
    """The redemptions of a new order (held until ``valid_until`` when it is not binding yet),
    each with its code, as the order's shape reads them."""
    redemptions = [
        (
            CouponRedemption(
                order_id=order_id,
                coupon_code_id=r.code.id,
                position=position,
                amount_cents=r.amount_cents,
                returned_cents=0,
                valid_until=valid_until,
                created_at=now,
            ),
            r.code.code,
        )
        for position, r in enumerate(payment.redemptions)
    ]
    if redemptions:
        columns = ("order_id", "coupon_code_id", "position", "amount_cents", "returned_cents")
        await run(
            session,
            INSERT_REDEMPTIONS,
            [
                {
                    **{c: getattr(r, c) for c in columns},
                    "valid_until": valid_until,
                    "created_at": now,
                }
                for r, _ in redemptions
            ],
        )
    return redemptions


async def _redemptions_of(session: AsyncSession, order_id: int) -> list[CouponRedemption]:
    rows = await session.scalars(
        select(CouponRedemption)
        .where(CouponRedemption.order_id == order_id)
        .order_by(CouponRedemption.position)
    )
    return list(rows)


async def confirm_redemptions(
    session: AsyncSession, order_id: int, now: datetime, settings: Settings
) -> None:
    """An order becomes binding: its held redemptions become permanent.

    Recounted under the code lock like the held places: if the hold ran out while the request was
    on its way and another order took the value, the order cannot become binding.
    """
    redemptions = [r for r in await _redemptions_of(session, order_id) if r.valid_until]
    if not redemptions:
        return
    ids = sorted({r.coupon_code_id for r in redemptions})
    query = select(CouponCode).where(CouponCode.id.in_(ids)).order_by(CouponCode.id)
    locked = await lock(session, query, LockRank.COUPON_CODES, settings)
    codes = {c.id: c for c in locked.scalars()}
    spent = await spent_of(session, ids, now, except_order=order_id)
    problems = [
        f"coupon {codes[r.coupon_code_id].code} no longer covers its part of this order"
        for r in redemptions
        if codes[r.coupon_code_id].value_cents - spent.get(r.coupon_code_id, 0)
        < r.amount_cents - r.returned_cents
    ]
    if problems:
        raise Unprocessable("the coupons of this order were spent elsewhere", problems)
    for r in redemptions:
        r.valid_until = None


async def extend_redemptions(session: AsyncSession, order_id: int, valid_until: datetime) -> None:
    """The held redemptions of an order last as long as its held places (pay by link)."""
    await session.execute(
        update(CouponRedemption)
        .where(CouponRedemption.order_id == order_id, CouponRedemption.valid_until.is_not(None))
        .values(valid_until=valid_until)
    )


async def give_back(session: AsyncSession, order_id: int, keep_at_most: int) -> None:
    """After a cancellation the coupons keep at most what the order's active items still cost.

    The value goes back to the coupons in reverse order of use: the last coupon that paid gets its
    value back first, so the first ones stay spent, as if the smaller order had been paid with them.
    """
    redemptions = await _redemptions_of(session, order_id)
    excess = sum(r.amount_cents - r.returned_cents for r in redemptions) - keep_at_most
    for r in reversed(redemptions):
        if excess <= 0:
            break
        back = min(excess, r.amount_cents - r.returned_cents)
        r.returned_cents += back
        excess -= back


async def give_back_expired(session: AsyncSession, order_ids: list[int]) -> None:
    """Tidy up after expired orders (their holds already count for nothing)."""
    await session.execute(
        update(CouponRedemption)
        .where(CouponRedemption.order_id.in_(order_ids))
        .values(returned_cents=CouponRedemption.amount_cents)
    )


# -- cancelling sold coupons ---------------------------------------------------------------------


async def refuse_spent_coupons(
    session: AsyncSession, order_item_ids: list[int], now: datetime, settings: Settings
) -> None:
    """Cancelling a coupon item voids its codes: refused while one of them pays another order.

    The codes are locked, so that no order can start spending them while they are voided.
    """
    query = (
        select(CouponCode, CouponSale.order_item_id)
        .join(CouponSale, CouponSale.id == CouponCode.coupon_sale_id)
        .where(CouponSale.order_item_id.in_(order_item_ids))
        .order_by(CouponCode.id)
    )
    locked = await lock(session, query, LockRank.COUPON_CODES, settings, of=CouponCode)
    codes = [(code, item_id) for code, item_id in locked]
    spent = await spent_of(session, (code.id for code, _ in codes), now)
    problems = [
        f"order item {item_id}: coupon {code.code} already paid {spent[code.id]} cents "
        "of another order; cancel that order first"
        for code, item_id in codes
        if spent.get(code.id, 0) > 0
    ]
    if problems:
        raise Unprocessable("nothing was cancelled", problems)
