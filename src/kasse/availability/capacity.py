"""The capacity invariant: ``0 <= sold + active holds <= capacity`` for every quota slot.

Reads are lock-free: they count ``sold`` plus the holds whose ``valid_until`` lies ahead, so an
expired reservation frees its places without any sweeper. Every write that makes places *less*
available goes through :func:`lock_slots`: it locks the affected quota-slot rows in one sorted
order through ``core/locking.py`` (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite already runs
writing requests under ``BEGIN IMMEDIATE``), recounts, and accepts or rejects the whole request.
Orders record what each item took (``capacity_draws``) or holds it (``reservation_holds``) until
they are binding; cancellations give it back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Select,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.core.errors import SoldOut
from kasse.core.locking import LockRank, lock, pause_for_races
from kasse.core.sql import table_of, upsert
from kasse.core.times import render
from kasse.models import CapacityDraw, QuotaSlot, ReservationHold
from kasse.settings import Settings

SlotKey = tuple[int, datetime]  # (quota id, slot start in UTC)


@dataclass(frozen=True)
class Usage:
    sold: int
    held: int

    @property
    def used(self) -> int:
        return self.sold + self.held


def _bounds(keys: Iterable[SlotKey]) -> tuple[set[int], datetime, datetime]:
    key_list = list(keys)
    return (
        {q for q, _ in key_list},
        min(s for _, s in key_list),
        max(s for _, s in key_list),
    )


async def usage_of(
    session: AsyncSession,
    keys: Iterable[SlotKey],
    now: datetime,
    *,
    ignore_reservations: Iterable[int] = (),
    ignore_order_items: Iterable[int] = (),
) -> dict[SlotKey, Usage]:
    """Sold places and active holds for each slot key.

    One statement (two index range scans joined by ``UNION ALL``), whatever the history: the
    cost of an availability answer is one round trip.
    """
    wanted = set(keys)
    if not wanted:
        return {}
    quota_ids, first, last = _bounds(wanted)
    sold_query = select(
        QuotaSlot.quota_id, QuotaSlot.start_at, QuotaSlot.sold, literal(0).label("held")
    ).where(QuotaSlot.quota_id.in_(quota_ids), QuotaSlot.start_at.between(first, last))
    hold_query = _held_query(quota_ids, first, last, now, ignore_reservations, ignore_order_items)
    sold: dict[SlotKey, int] = defaultdict(int)
    held: dict[SlotKey, int] = defaultdict(int)
    for row in await session.execute(union_all(sold_query, hold_query)):
        key: SlotKey = (row[0], row[1])
        sold[key] += int(row[2] or 0)
        held[key] += int(row[3] or 0)
    return {key: Usage(sold=sold[key], held=held[key]) for key in wanted}


def _held_query(
    quota_ids: set[int],
    first: datetime,
    last: datetime,
    now: datetime,
    ignore_reservations: Iterable[int],
    ignore_order_items: Iterable[int],
) -> Select[int, datetime, int, int]:
    hold_query = (
        select(
            ReservationHold.quota_id,
            ReservationHold.start_at,
            literal(0).label("sold"),
            func.sum(ReservationHold.quantity),
        )
        .where(
            ReservationHold.quota_id.in_(quota_ids),
            ReservationHold.start_at.between(first, last),
            ReservationHold.valid_until > now,
        )
        .group_by(ReservationHold.quota_id, ReservationHold.start_at)
    )
    ignored = list(ignore_reservations)
    if ignored:
        hold_query = hold_query.where(
            or_(
                ReservationHold.reservation_id.is_(None),
                ReservationHold.reservation_id.not_in(ignored),
            )
        )
    ignored_items = list(ignore_order_items)
    if ignored_items:
        hold_query = hold_query.where(
            or_(
                ReservationHold.order_item_id.is_(None),
                ReservationHold.order_item_id.not_in(ignored_items),
            )
        )
    return hold_query


def free_places(catalog: Catalog, key: SlotKey, usage: Usage) -> int:
    quota = catalog.quotas.get(key[0])
    capacity = quota.capacity if quota else 0
    return max(0, capacity - usage.used)


def shortfalls(
    catalog: Catalog,
    wanted: Mapping[SlotKey, int],
    usage: Mapping[SlotKey, Usage],
    tz: ZoneInfo,
) -> list[str]:
    """One message for every slot key of ``wanted`` that lacks room."""
    problems = []
    for key in sorted(wanted):
        left = free_places(catalog, key, usage[key])
        if wanted[key] > left:
            quota = catalog.quotas[key[0]]
            problems.append(
                f"quota {quota.id} ({quota.title}) at {render(key[1], tz)}: "
                f"{wanted[key]} places wanted, {left} left"
            )
    return problems


async def _ensure_rows(session: AsyncSession, keys: list[SlotKey]) -> None:
    """Create missing quota-slot rows; inserted in sorted order so concurrent inserts cannot deadlock."""
    values = [{"quota_id": q, "start_at": s, "sold": 0} for q, s in keys]
    await session.execute(
        upsert(session, table_of(QuotaSlot))
        .values(values)
        .on_conflict_do_nothing(index_elements=["quota_id", "start_at"])
    )


async def lock_slots(
    session: AsyncSession,
    catalog: Catalog,
    wanted: Mapping[SlotKey, int],
    now: datetime,
    settings: Settings,
    *,
    ignore_reservations: Iterable[int] = (),
    ignore_order_items: Iterable[int] = (),
) -> dict[SlotKey, int]:
    """Lock the slots of ``wanted`` (places per slot key) and check that all of them fit.

    Returns the quota-slot row id of each key; raises :class:`SoldOut` listing every slot that
    lacks room. Holds of ``ignore_reservations`` and ``ignore_order_items`` are not counted
    (they are being consumed or replaced by the caller in this same transaction).
    """
    keys = sorted(wanted)
    if not keys:
        return {}
    await _ensure_rows(session, keys)
    query = (
        select(QuotaSlot.id, QuotaSlot.quota_id, QuotaSlot.start_at)
        .where(tuple_(QuotaSlot.quota_id, QuotaSlot.start_at).in_(keys))
        .order_by(QuotaSlot.quota_id, QuotaSlot.start_at)
    )
    locked = await lock(session, query, LockRank.QUOTA_SLOTS, settings)
    row_ids = {(q, s): row_id for row_id, q, s in locked}
    # A statement of its own after the lock: it sees the holds of the request we waited for.
    usage = await usage_of(
        session,
        keys,
        now,
        ignore_reservations=ignore_reservations,
        ignore_order_items=ignore_order_items,
    )
    problems = shortfalls(catalog, wanted, usage, ZoneInfo(settings.time_zone))
    if problems:
        raise SoldOut("not enough places left", problems)
    await pause_for_races(settings)
    return row_ids


async def add_sold(
    session: AsyncSession, row_ids: Mapping[SlotKey, int], wanted: Mapping[SlotKey, int]
) -> None:
    if not row_ids:
        return
    slots = table_of(QuotaSlot)
    await session.execute(
        update(slots)
        .where(slots.c.id == bindparam("row_id"))
        .values(sold=slots.c.sold + bindparam("places")),
        [{"row_id": row_id, "places": wanted[key]} for key, row_id in sorted(row_ids.items())],
    )


async def release_sold(session: AsyncSession, returned: Mapping[SlotKey, int]) -> None:
    """Give sold places back (cancellations): freeing capacity needs no lock."""
    if not returned:
        return
    slots = table_of(QuotaSlot)
    await session.execute(
        update(slots)
        .where(slots.c.quota_id == bindparam("quota"), slots.c.start_at == bindparam("start"))
        .values(sold=slots.c.sold - bindparam("places")),
        [
            {"quota": quota_id, "start": start_at, "places": places}
            for (quota_id, start_at), places in sorted(returned.items())
        ],
    )


async def record_draws(session: AsyncSession, draws: Mapping[int, Mapping[SlotKey, int]]) -> None:
    """What each order item takes from each quota slot, so that a cancellation can give it back."""
    rows = [
        {"order_item_id": item_id, "quota_id": quota_id, "start_at": start_at, "quantity": places}
        for item_id, slots in draws.items()
        for (quota_id, start_at), places in sorted(slots.items())
    ]
    if rows:
        await session.execute(insert(table_of(CapacityDraw)), rows)


async def draws_of(session: AsyncSession, item_ids: Iterable[int]) -> dict[SlotKey, int]:
    """The places the order items took, summed per quota slot."""
    ids = list(item_ids)
    wanted: dict[SlotKey, int] = defaultdict(int)
    if ids:
        rows = await session.execute(
            select(CapacityDraw.quota_id, CapacityDraw.start_at, CapacityDraw.quantity).where(
                CapacityDraw.order_item_id.in_(ids)
            )
        )
        for quota_id, start_at, quantity in rows:
            wanted[(quota_id, start_at)] += quantity
    return dict(wanted)


async def hold_for_order_items(
    session: AsyncSession, holds: Mapping[int, Mapping[SlotKey, int]], valid_until: datetime
) -> None:
    """Hold places for order items not binding yet; they free themselves at ``valid_until``."""
    rows = [
        {
            "order_item_id": item_id,
            "quota_id": quota_id,
            "start_at": start_at,
            "quantity": places,
            "valid_until": valid_until,
        }
        for item_id, slots in holds.items()
        for (quota_id, start_at), places in sorted(slots.items())
    ]
    if rows:
        await session.execute(insert(table_of(ReservationHold)), rows)


async def hold_for_reservation(
    session: AsyncSession, reservation_id: int, wanted: Mapping[SlotKey, int], valid_until: datetime
) -> None:
    """The places a reservation holds until ``valid_until`` (refreshed by writing them anew)."""
    rows = [
        {
            "reservation_id": reservation_id,
            "quota_id": quota_id,
            "start_at": start_at,
            "quantity": places,
            "valid_until": valid_until,
        }
        for (quota_id, start_at), places in sorted(wanted.items())
    ]
    if rows:
        await session.execute(insert(table_of(ReservationHold)), rows)


async def extend_order_item_holds(
    session: AsyncSession, order_item_ids: Iterable[int], valid_until: datetime
) -> None:
    ids = list(order_item_ids)
    if ids:
        await session.execute(
            update(ReservationHold)
            .where(ReservationHold.order_item_id.in_(ids))
            .values(valid_until=valid_until)
        )


async def drop_order_item_holds(session: AsyncSession, order_item_ids: Iterable[int]) -> None:
    ids = list(order_item_ids)
    if ids:
        await session.execute(delete(ReservationHold).where(ReservationHold.order_item_id.in_(ids)))


async def drop_holds(session: AsyncSession, reservation_ids: Iterable[int]) -> None:
    ids = list(reservation_ids)
    if ids:
        await session.execute(
            delete(ReservationHold).where(ReservationHold.reservation_id.in_(ids))
        )
