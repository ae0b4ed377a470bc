"""Annual passes at the entrance: any number of visits within the pass's validity.

A pass enters from the local day of its start until its (exclusive) end, at every museum of its
ticket, as often as its holder comes. Anti-passback: once admitted at a place, it enters there
again on the same day only after an exit scan, so that it cannot be handed back over the barrier
to a second visitor; the next day, or at another museum, it enters anew. This needs no exit
scanners: without them a pass enters each museum once a day.

Every visit is its own admission row with the scope ``visit:<n>`` (n counts the pass's
admissions). The unique (barcode, scope) key alone cannot stop two scanners admitting a pass at
once: a scanner that read "not inside" before the other's admission committed counts it a moment
later and takes ``visit:2``. An admission of a pass therefore first locks the pass's barcode row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite runs writers one at a time), so that the
anti-passback check and the count both see every earlier admission.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual.validity import last_valid_day
from kasse.core.errors import Unprocessable
from kasse.core.locking import LockRank, lock
from kasse.core.times import local_date, local_day_bounds, render
from kasse.models import Barcode, Customer, EntryAdmission, Personalization
from kasse.settings import Settings

VISIT_SCOPE_PREFIX = "visit:"


async def lock_pass(session: AsyncSession, barcode_id: int, settings: Settings) -> None:
    """Serialise admissions of one pass: held until the admitting request commits."""
    await lock(
        session, select(Barcode.id).where(Barcode.id == barcode_id), LockRank.BARCODE, settings
    )


def require_in_validity(
    now: datetime, start_at: datetime, valid_until: datetime | None, tz: ZoneInfo
) -> None:
    first_day = local_date(start_at, tz)
    if now < local_day_bounds(first_day, tz)[0]:
        raise Unprocessable(f"not valid yet: valid from {first_day.isoformat()}")
    if valid_until is not None and now >= valid_until:
        last_day = last_valid_day(valid_until, tz)
        raise Unprocessable(f"no longer valid: was valid until {last_day.isoformat()}")


async def refuse_if_inside(
    session: AsyncSession, barcode_id: int, location: str | None, now: datetime, tz: ZoneInfo
) -> None:
    """Anti-passback: an admission at this place today that no exit has closed."""
    day_begin = local_day_bounds(local_date(now, tz), tz)[0]
    admitted_at = await session.scalar(
        select(EntryAdmission.admitted_at)
        .where(
            EntryAdmission.barcode_id == barcode_id,
            EntryAdmission.location.is_not_distinct_from(location),
            EntryAdmission.admitted_at >= day_begin,
            EntryAdmission.exited_at.is_(None),
        )
        .order_by(EntryAdmission.admitted_at.desc())
        .limit(1)
    )
    if admitted_at is not None:
        raise Unprocessable(
            f"already admitted on {render(admitted_at, tz)}: "
            "enters again after an exit scan, or tomorrow"
        )


async def next_visit_scope(session: AsyncSession, barcode_id: int) -> str:
    visits = await session.scalar(
        select(func.count())
        .select_from(EntryAdmission)
        .where(EntryAdmission.barcode_id == barcode_id)
    )
    return f"{VISIT_SCOPE_PREFIX}{(visits or 0) + 1}"


async def holder_name(session: AsyncSession, barcode: Barcode) -> str | None:
    """The name of the card holder: personalization n belongs to the sale's n-th barcode."""
    position = await session.scalar(
        select(func.count())
        .select_from(Barcode)
        .where(Barcode.ticket_sale_id == barcode.ticket_sale_id, Barcode.id < barcode.id)
    )
    row = (
        await session.execute(
            select(Customer.name, Customer.surname)
            .join(Personalization, Personalization.customer_id == Customer.id)
            .where(
                Personalization.ticket_sale_id == barcode.ticket_sale_id,
                Personalization.position == position,
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return " ".join(part.strip() for part in row if part and part.strip()) or None
