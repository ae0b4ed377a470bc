"""The seat invariant: a seat of a date is never sold or held twice.

A seat taken by an order item or held by a reservation is a ``seat_claims`` row, unique per
(date, seat). ``valid_until`` None is sold; a hold is active while ``valid_until`` lies ahead, so
an expired hold frees its seat without any sweeper: the next claim of the seat removes it.

Claims are written after the date's quota slot is locked (``capacity.lock_slots``: every seat also
takes a place of its date), so claims of one date are decided one request at a time, and the
insert itself (``ON CONFLICT DO NOTHING``) is the database's own refusal of a second claim.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.core.errors import SoldOut
from kasse.core.locking import LockRank, lock_by_writing, pause_for_races
from kasse.core.sql import InsertFunction, PerDialect, run, table_of
from kasse.models import SeatClaim
from kasse.settings import Settings

# date id -> seat ids
SeatsWanted = Mapping[int, Iterable[int]]

_claims = table_of(SeatClaim)
_c = _claims.c


def _pairs(wanted: SeatsWanted) -> list[tuple[int, int]]:
    """(date, seat) pairs in sorted order: the order their rows are claimed in."""
    return sorted({(date_id, seat) for date_id, seats in wanted.items() for seat in seats})


def seat_title(catalog: Catalog, date_id: int, seat_id: int) -> str:
    date = catalog.events.dates.get(date_id)
    seat = date.seating.seats.get(seat_id) if date and date.seating else None
    return f"seat {seat['title']} ({seat_id})" if seat else f"seat {seat_id}"


async def taken_seats(
    session: AsyncSession,
    wanted: SeatsWanted,
    now: datetime,
    *,
    ignore_reservations: Iterable[int] = (),
    ignore_order_items: Iterable[int] = (),
) -> dict[int, set[int]]:
    """The seats of ``wanted`` sold or actively held by someone else (lock-free), by date."""
    pairs = _pairs(wanted)
    if not pairs:
        return {}
    ignored_reservations = list(ignore_reservations)
    ignored_items = list(ignore_order_items)
    query = select(_c.date_id, _c.seat_id).where(
        tuple_(_c.date_id, _c.seat_id).in_(pairs),
        or_(_c.valid_until.is_(None), _c.valid_until > now),
    )
    if ignored_reservations:
        query = query.where(
            or_(_c.reservation_id.is_(None), _c.reservation_id.not_in(ignored_reservations))
        )
    if ignored_items:
        query = query.where(or_(_c.order_item_id.is_(None), _c.order_item_id.not_in(ignored_items)))
    taken: dict[int, set[int]] = defaultdict(set)
    for date_id, seat_id in await session.execute(query):
        taken[date_id].add(seat_id)
    return dict(taken)


async def seats_taken_on(session: AsyncSession, date_id: int, now: datetime) -> set[int]:
    """Every seat of one date sold or actively held (lock-free): one range of the unique index,
    whatever the size of the hall (a date's seating plan shows them all)."""
    rows = await session.scalars(
        select(_c.seat_id).where(
            _c.date_id == date_id, or_(_c.valid_until.is_(None), _c.valid_until > now)
        )
    )
    return set(rows)


def seat_problems(catalog: Catalog, taken: Mapping[int, set[int]]) -> list[str]:
    return [
        f"date {date_id}: {seat_title(catalog, date_id, seat_id)} is already taken"
        for date_id in sorted(taken)
        for seat_id in sorted(taken[date_id])
    ]


def _claim_insert(insert_: InsertFunction) -> Any:
    statement = insert_(_claims)
    return statement.on_conflict_do_nothing(index_elements=["date_id", "seat_id"]).returning(
        _c.date_id, _c.seat_id
    )


CLAIM_SEATS = PerDialect(_claim_insert)
PLAIN_INSERT = insert(_claims)


async def claim_seats(
    session: AsyncSession,
    catalog: Catalog,
    rows: list[dict[str, Any]],
    now: datetime,
    settings: Settings,
) -> None:
    """Take the seats of ``rows`` (``date_id``, ``seat_id``, ``order_item_id`` or
    ``reservation_id``, ``valid_until``), all or none: raises :class:`SoldOut` naming every seat
    someone else has. The caller holds the lock of every date's quota slot."""
    if not rows:
        return
    rows = sorted(rows, key=lambda r: (r["date_id"], r["seat_id"]))
    wanted: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row["date_id"]].add(row["seat_id"])
    pairs = _pairs(wanted)
    # expired holds give way (see the module's docstring)
    await session.execute(
        delete(SeatClaim).where(
            tuple_(SeatClaim.date_id, SeatClaim.seat_id).in_(pairs),
            SeatClaim.valid_until.is_not(None),
            SeatClaim.valid_until <= now,
        )
    )
    if settings.test_disable_locking:
        # The race tests' negative control: what the caller looked at before (lock-free) is all
        # that was decided; the claim is written as if nobody could have come in between.
        await pause_for_races(settings)
        await run(session, PLAIN_INSERT, rows)
        return
    claimed = await lock_by_writing(session, CLAIM_SEATS(session), rows, LockRank.SEATS, settings)
    got = {(date_id, seat_id) for date_id, seat_id in claimed}
    missing = [pair for pair in pairs if pair not in got]
    if missing:
        raise SoldOut(
            "seats are taken",
            [f"date {d}: {seat_title(catalog, d, s)} is already taken" for d, s in missing],
        )


def claim_rows(
    by_owner: Mapping[int, SeatsWanted], owner: str, valid_until: datetime | None
) -> list[dict[str, Any]]:
    """The claim rows of seats per owner id (``owner``: "order_item_id" or "reservation_id")."""
    other = "reservation_id" if owner == "order_item_id" else "order_item_id"
    return [
        {
            "date_id": date_id,
            "seat_id": seat_id,
            owner: owner_id,
            other: None,
            "valid_until": valid_until,
        }
        for owner_id, wanted in by_owner.items()
        for date_id, seat_id in _pairs(wanted)
    ]


async def drop_seat_claims(
    session: AsyncSession,
    *,
    order_item_ids: Iterable[int] = (),
    reservation_ids: Iterable[int] = (),
    only_seats: Iterable[int] | None = None,
) -> None:
    """Free the seats of cancelled or expired items, or of reservations given up or redeemed
    (``only_seats``: of these seats only): freeing needs no lock."""
    items, reservations = list(order_item_ids), list(reservation_ids)
    conditions = []
    if items:
        conditions.append(SeatClaim.order_item_id.in_(items))
    if reservations:
        conditions.append(SeatClaim.reservation_id.in_(reservations))
    if not conditions:
        return
    query = delete(SeatClaim).where(or_(*conditions))
    if only_seats is not None:
        query = query.where(SeatClaim.seat_id.in_(list(only_seats)))
    await session.execute(query)


async def extend_seat_holds(
    session: AsyncSession, order_item_ids: Iterable[int], valid_until: datetime
) -> None:
    ids = list(order_item_ids)
    if ids:
        await session.execute(
            update(SeatClaim)
            .where(SeatClaim.order_item_id.in_(ids), SeatClaim.valid_until.is_not(None))
            .values(valid_until=valid_until)
        )
