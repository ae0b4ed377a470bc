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
from datetime import datetime
from typing import Any, NamedTuple
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
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.date_quotas import date_id_of, is_date_quota, is_tour_quota, tour_id_of
from kasse.catalog.snapshot import Catalog
from kasse.core.errors import SoldOut
from kasse.core.locking import LockRank, lock_by_writing, pause_for_races
from kasse.core.sql import InsertFunction, PerDialect, run, table_of
from kasse.core.times import render
from kasse.models import CapacityDraw, QuotaSlot, ReservationHold
from kasse.settings import Settings

SlotKey = tuple[int, datetime]  # (quota id, slot start in UTC)


class Usage(NamedTuple):
    """Places of one slot sold and held (a tuple: a calendar makes hundreds per answer)."""

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


def _usage_statement() -> Select[int, datetime, int, int]:
    """Sold places and active holds per slot of some quotas in a time range: two index range
    scans joined by ``UNION ALL``, built once (building a statement costs more than running it),
    of plain table columns (an ORM entity's would send it through the ORM's execution path)."""
    slots, holds = table_of(QuotaSlot).c, table_of(ReservationHold).c
    sold = select(slots.quota_id, slots.start_at, slots.sold, literal(0).label("held")).where(
        slots.quota_id.in_(bindparam("quota_ids", expanding=True)),
        slots.start_at.between(bindparam("first"), bindparam("last")),
    )
    held = (
        select(holds.quota_id, holds.start_at, literal(0).label("sold"), func.sum(holds.quantity))
        .where(
            holds.quota_id.in_(bindparam("hold_quota_ids", expanding=True)),
            holds.start_at.between(bindparam("hold_first"), bindparam("hold_last")),
            holds.valid_until > bindparam("now"),
            or_(
                holds.reservation_id.is_(None),
                holds.reservation_id.not_in(bindparam("ignore_reservations", expanding=True)),
            ),
            or_(
                holds.order_item_id.is_(None),
                holds.order_item_id.not_in(bindparam("ignore_order_items", expanding=True)),
            ),
        )
        .group_by(holds.quota_id, holds.start_at)
    )
    both = union_all(sold, held).subquery()
    # One row per slot: a calendar folds hundreds of them, and Python's fold cost more than SQL's.
    return select(
        both.c.quota_id, both.c.start_at, func.sum(both.c.sold), func.sum(both.c.held)
    ).group_by(both.c.quota_id, both.c.start_at)


USAGE = _usage_statement()
NO_USAGE = Usage(sold=0, held=0)


class UsageOfSlots(dict[SlotKey, Usage]):
    """Usage by slot key; a slot that sold nothing and holds nothing has no row: it is unused."""

    def __missing__(self, key: SlotKey) -> Usage:
        return NO_USAGE


async def usage_of(
    session: AsyncSession,
    keys: Iterable[SlotKey],
    now: datetime,
    *,
    ignore_reservations: Iterable[int] = (),
    ignore_order_items: Iterable[int] = (),
) -> dict[SlotKey, Usage]:
    """Sold places and active holds for each slot key, not counting the holds of
    ``ignore_reservations`` and ``ignore_order_items``.

    One statement, whatever the history: the cost of an availability answer is one round trip.
    """
    wanted = set(keys)
    if not wanted:
        return {}
    quota_ids, first, last = _bounds(wanted)
    bounds = {"quota_ids": list(quota_ids), "first": first, "last": last}
    parameters = {
        **bounds,
        **{f"hold_{name}": value for name, value in bounds.items()},
        "now": now,
        "ignore_reservations": list(ignore_reservations),
        "ignore_order_items": list(ignore_order_items),
    }
    return UsageOfSlots(
        ((quota_id, start_at), Usage(int(sold or 0), int(held or 0)))
        for quota_id, start_at, sold, held in await run(session, USAGE, parameters)
    )


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
        if wanted[key] > left and is_date_quota(key[0]):
            problems.append(f"date {date_id_of(key[0])}: {wanted[key]} places wanted, {left} left")
        elif wanted[key] > left and is_tour_quota(key[0]):
            problems.append(
                f"tour {tour_id_of(key[0])} at {render(key[1], tz)}: "
                f"{wanted[key]} participants wanted, {left} left"
            )
        elif wanted[key] > left:
            quota = catalog.quotas[key[0]]
            problems.append(
                f"quota {quota.id} ({quota.title}) at {render(key[1], tz)}: "
                f"{wanted[key]} places wanted, {left} left"
            )
    return problems


def _slot_upsert(insert: InsertFunction) -> postgresql.Insert | sqlite.Insert:
    """Create a missing quota-slot row and lock the row; add ``sold`` to what it sold.

    A row that exists is locked by ``ON CONFLICT DO UPDATE`` even where its ``WHERE`` leaves it
    unchanged (PostgreSQL locks every conflicting row), so holding places (``sold`` 0) writes
    nothing here.
    """
    statement = insert(table_of(QuotaSlot))
    return statement.on_conflict_do_update(
        index_elements=["quota_id", "start_at"],
        set_={"sold": QuotaSlot.sold + statement.excluded.sold},
        where=statement.excluded.sold > 0,
    )


SLOT_UPSERT = PerDialect(_slot_upsert)
INSERT_DRAWS = insert(table_of(CapacityDraw))
INSERT_HOLDS = insert(table_of(ReservationHold))
_draws, _holds = table_of(CapacityDraw).c, table_of(ReservationHold).c
DRAWS_OF = select(_draws.quota_id, _draws.start_at, _draws.quantity).where(
    _draws.order_item_id.in_(bindparam("item_ids", expanding=True))
)
DROP_ITEM_HOLDS = delete(table_of(ReservationHold)).where(
    _holds.order_item_id.in_(bindparam("item_ids", expanding=True))
)


def _slot_rows(wanted: Mapping[SlotKey, int], sell: bool) -> list[dict[str, Any]]:
    """One row per slot in sorted key order, the order the rows are locked in (concurrent
    requests locking in one order cannot deadlock)."""
    return [
        {"quota_id": q, "start_at": s, "sold": wanted[(q, s)] if sell else 0}
        for q, s in sorted(wanted)
    ]


async def lock_slots(
    session: AsyncSession,
    catalog: Catalog,
    wanted: Mapping[SlotKey, int],
    now: datetime,
    settings: Settings,
    *,
    sell: bool = False,
    ignore_reservations: Iterable[int] = (),
    ignore_order_items: Iterable[int] = (),
) -> None:
    """Lock the slots of ``wanted`` (places per slot key) and check that all of them fit; with
    ``sell`` the places are sold (``sold`` grows), without they are held by rows the caller
    writes (``reservation_holds``).

    Raises :class:`SoldOut` listing every slot that lacks room (the transaction then rolls back,
    a sale with it). Holds of ``ignore_reservations`` and ``ignore_order_items`` are not counted:
    the caller consumes or replaces them in this same transaction. Two round trips: the upsert
    that locks (and sells), and the recount under the lock.
    """
    if not wanted:
        return
    tz = ZoneInfo(settings.time_zone)
    if settings.test_disable_locking:
        # The race tests' negative control: the recount is not protected by the lock.
        usage = await usage_of(
            session,
            wanted,
            now,
            ignore_reservations=ignore_reservations,
            ignore_order_items=ignore_order_items,
        )
        problems = shortfalls(catalog, wanted, usage, tz)
        if problems:
            raise SoldOut("not enough places left", problems)
        await pause_for_races(settings)
        await run(session, SLOT_UPSERT(session), _slot_rows(wanted, sell))
        return
    await lock_by_writing(
        session, SLOT_UPSERT(session), _slot_rows(wanted, sell), LockRank.QUOTA_SLOTS, settings
    )
    # A statement of its own after the lock: it sees the holds of a request we waited for.
    usage = await usage_of(
        session,
        wanted,
        now,
        ignore_reservations=ignore_reservations,
        ignore_order_items=ignore_order_items,
    )
    if sell:  # the recount includes what this request just sold: judge the room before it
        usage = UsageOfSlots(
            (k, Usage(sold=usage[k].sold - places, held=usage[k].held))
            for k, places in wanted.items()
        )
    problems = shortfalls(catalog, wanted, usage, tz)
    if problems:
        raise SoldOut("not enough places left", problems)


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


async def shrink_item_places(
    session: AsyncSession, order_item_id: int, returned: Mapping[SlotKey, int], *, held: bool
) -> None:
    """Part of an order item's places given back (some of its seats cancelled): its draws shrink,
    and so do its holds (``held``); sold places go back through :func:`release_sold`."""
    for (quota_id, start_at), places in sorted(returned.items()):
        await session.execute(
            update(CapacityDraw)
            .where(
                CapacityDraw.order_item_id == order_item_id,
                CapacityDraw.quota_id == quota_id,
                CapacityDraw.start_at == start_at,
            )
            .values(quantity=CapacityDraw.quantity - places)
        )
        if held:
            await session.execute(
                update(ReservationHold)
                .where(
                    ReservationHold.order_item_id == order_item_id,
                    ReservationHold.quota_id == quota_id,
                    ReservationHold.start_at == start_at,
                )
                .values(quantity=ReservationHold.quantity - places)
            )


async def record_draws(session: AsyncSession, draws: Mapping[int, Mapping[SlotKey, int]]) -> None:
    """What each order item takes from each quota slot, so that a cancellation can give it back."""
    rows = [
        {"order_item_id": item_id, "quota_id": quota_id, "start_at": start_at, "quantity": places}
        for item_id, slots in draws.items()
        for (quota_id, start_at), places in sorted(slots.items())
    ]
    if rows:
        await run(session, INSERT_DRAWS, rows)


async def draws_of(session: AsyncSession, item_ids: Iterable[int]) -> dict[SlotKey, int]:
    """The places the order items took, summed per quota slot."""
    ids = list(item_ids)
    wanted: dict[SlotKey, int] = defaultdict(int)
    if ids:
        for quota_id, start_at, quantity in await run(session, DRAWS_OF, {"item_ids": ids}):
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
        await run(session, INSERT_HOLDS, rows)


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
        await run(session, INSERT_HOLDS, rows)


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
        await run(session, DROP_ITEM_HOLDS, {"item_ids": ids})


async def drop_holds(session: AsyncSession, reservation_ids: Iterable[int]) -> None:
    ids = list(reservation_ids)
    if ids:
        await session.execute(
            delete(ReservationHold).where(ReservationHold.reservation_id.in_(ids))
        )
