"""Coupon codes: short enough to type from a printout, too many to guess.

Ten characters from 31 that cannot be mistaken for one another (no 0/O, 1/I/L) give about 8e14
codes, 49 bits; with the attempt limit (see ``ratelimit.py``) guessing one is hopeless.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.sql import table_of
from kasse.core.unique_codes import insert_unique_codes
from kasse.models import CouponCode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
# What a client may send as one code: the code with spaces and hyphens a customer typed.
MAX_CODE_INPUT = 40


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(typed: str) -> str:
    """The code as stored: spaces and hyphens dropped, upper case (``ab-cd 2`` is ``ABCD2``)."""
    return "".join(ch for ch in typed if not ch.isspace() and ch != "-").upper()


@dataclass(frozen=True)
class IssuedCode:
    id: int
    coupon_sale_id: int
    code: str


async def issue_codes(
    session: AsyncSession, sales: Mapping[int, tuple[int, int]], now: datetime
) -> dict[int, list[IssuedCode]]:
    """One code per coupon of each sale (sale id -> (coupon count, value)), worth the coupon's
    value, in one insert: issued once a sale is binding. Each sale's codes in issue order."""

    def draw(sale_id: int) -> dict[str, Any]:
        return {
            "coupon_sale_id": sale_id,
            "code": new_code(),
            "value_cents": sales[sale_id][1],
            "created_at": now,
        }

    table = table_of(CouponCode)
    rows = await insert_unique_codes(
        session,
        table,
        "code",
        {sale_id: count for sale_id, (count, _) in sales.items()},
        draw,
        lambda row: int(row.coupon_sale_id),
        (table.c.id, table.c.coupon_sale_id, table.c.code),
    )
    issued: dict[int, list[IssuedCode]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: int(r.id)):
        issued[row.coupon_sale_id].append(IssuedCode(row.id, row.coupon_sale_id, row.code))
    return dict(issued)
