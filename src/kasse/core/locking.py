"""The one way kasse locks rows: one global order, a lock timeout, and the test switches.

Every write that makes something scarce less available (places, seats, a coupon's value) locks
the rows it decides on, recounts under the lock, and only then writes. Requests that lock several
kinds of rows take them in one global order, so that no two requests can wait for each other:

    1. ORDER         the order row (finalize, cancel, personalization of one order)
    2. COUPON_CODES  coupon codes, by id
    3. QUOTA_SLOTS   quota slots, by (quota, start)
    4. SEATS         seats of an event date (events)
    5. TOUR_STARTS   tour start times, guides, equipment (tours)
    6. BARCODE       one barcode at the entrance (annual passes), never with the above

Within one rank the caller's query orders the rows (sorted keys); PostgreSQL locks ``SELECT ..
ORDER BY .. FOR UPDATE`` rows in that order. A lock that does not come within
``KASSE_LOCK_TIMEOUT_SECONDS`` fails the request (503, try again) instead of queueing forever
(PostgreSQL's ``lock_timeout``, set when a connection opens, or per transaction behind a
transaction pooler, where a connection's settings do not follow its transactions).
SQLite runs writing transactions one at a time (``BEGIN IMMEDIATE``, see ``core/db.py``): there
the transaction itself is the lock and its busy timeout the lock timeout.

Background loops (mail, expiry) claim their work with ``FOR UPDATE SKIP LOCKED``: such a claim
never waits, so it takes no part in this order.

Test switches, here and nowhere else: ``KASSE_TEST_DISABLE_LOCKING`` takes no lock (the race tests'
negative controls show what happens without), ``KASSE_TEST_LOCK_DELAY_MS`` widens the window
between a recount and its write (``pause_for_races``) so that races show up reliably.
"""

from __future__ import annotations

import asyncio
from enum import IntEnum
from typing import Any, TypeVarTuple

from sqlalchemy import Executable, Result, Select, text
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.sql import is_postgres, run
from kasse.settings import Settings

Ts = TypeVarTuple("Ts")

# session.info keys: the highest rank locked in the current transaction, and that transaction
HIGHEST_RANK = "kasse.locking.rank"
TIMEOUT_SET = "kasse.locking.timeout_set_in"


class LockRank(IntEnum):
    ORDER = 1
    COUPON_CODES = 2
    QUOTA_SLOTS = 3
    SEATS = 4
    TOUR_STARTS = 5
    BARCODE = 6


class LockOrderViolation(RuntimeError):
    """A lock of a lower rank after one of a higher rank: two requests could deadlock."""


def _note_rank(session: AsyncSession, rank: LockRank) -> None:
    transaction = session.get_transaction()
    taken = session.info.get(HIGHEST_RANK)
    if taken is not None and taken[0] is transaction and taken[1] > rank:
        raise LockOrderViolation(
            f"{rank.name} locked after {LockRank(taken[1]).name}: see core/locking.py for the order"
        )
    highest = max(rank, taken[1]) if taken is not None and taken[0] is transaction else rank
    session.info[HIGHEST_RANK] = (transaction, highest)


async def _set_timeout(session: AsyncSession, settings: Settings) -> None:
    """Behind a transaction pooler, once per transaction (``SET LOCAL`` ends with it). A direct
    connection got the timeout when it was opened (``core/db.py``): no round trip here."""
    if not settings.db_transaction_pooler or not is_postgres(session):
        return
    transaction = session.get_transaction()
    if session.info.get(TIMEOUT_SET) is transaction:
        return
    milliseconds = int(settings.lock_timeout_seconds * 1000)
    await session.execute(text(f"SET LOCAL lock_timeout = {milliseconds}"))
    session.info[TIMEOUT_SET] = transaction


async def lock(
    session: AsyncSession,
    query: Select[*Ts],
    rank: LockRank,
    settings: Settings,
    *,
    of: Any = None,
) -> Result[*Ts]:
    """Run ``query`` with its rows locked (``FOR UPDATE``) and return its result.

    ``query`` orders its rows: that is the lock order within ``rank``.
    """
    await session.connection()  # the transaction has begun: the ranks are noted in it
    _note_rank(session, rank)
    if not settings.test_disable_locking:
        await _set_timeout(session, settings)
        query = query.with_for_update(of=of)
    result: Result[*Ts] = await session.execute(query)
    return result


async def lock_by_writing(
    session: AsyncSession,
    statement: Executable,
    rows: list[dict[str, Any]],
    rank: LockRank,
    settings: Settings,
) -> Result[*tuple[Any, ...]]:
    """Run a write that locks the rows it writes (an ``INSERT .. ON CONFLICT DO UPDATE`` of
    ``rows`` in sorted key order, say) under the same rules as :func:`lock`. The test switch cannot take
    such a lock away: a caller that honours it decides before the write instead of after it."""
    await session.connection()  # the transaction has begun: the ranks are noted in it
    _note_rank(session, rank)
    await _set_timeout(session, settings)
    return await run(session, statement, rows)


async def pause_for_races(settings: Settings) -> None:
    """Between a recount under a lock and the write it decides: a pause in race tests only."""
    if settings.test_lock_delay_ms:
        await asyncio.sleep(settings.test_lock_delay_ms / 1000)
