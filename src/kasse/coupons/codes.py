"""Coupon codes: short enough to type from a printout, too many to guess.

Ten characters from 31 that cannot be mistaken for one another (no 0/O, 1/I/L) give about 8e14
codes, 49 bits; with the attempt limit (see ``ratelimit.py``) guessing one is hopeless.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.models import CouponCode, CouponSale

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
# What a client may send as one code: the code with spaces and hyphens a customer typed.
MAX_CODE_INPUT = 40


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(typed: str) -> str:
    """The code as stored: spaces and hyphens dropped, upper case (``ab-cd 2`` is ``ABCD2``)."""
    return "".join(ch for ch in typed if not ch.isspace() and ch != "-").upper()


async def _unused(session: AsyncSession, count: int) -> list[str]:
    """``count`` fresh codes that no coupon has yet (a clash is all but impossible; checked anyway,
    since the unique index would otherwise turn it into a failed order)."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {new_code() for _ in range(count - len(codes))} - codes
        taken = set(
            await session.scalars(select(CouponCode.code).where(CouponCode.code.in_(candidates)))
        )
        codes |= candidates - taken
    return list(codes)


async def issue_codes(session: AsyncSession, sales: Iterable[CouponSale], now: datetime) -> None:
    """One code per coupon of each sale, worth the coupon's value: issued once a sale is binding."""
    sale_list = list(sales)
    fresh = iter(await _unused(session, sum(s.quantity for s in sale_list)))
    session.add_all(
        CouponCode(
            coupon_sale_id=sale.id, code=next(fresh), value_cents=sale.value_cents, created_at=now
        )
        for sale in sale_list
        for _ in range(sale.quantity)
    )
