"""The lock primitive: a lock that does not come in time fails the request (503, nothing written),
and locks out of the global order are refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from kasse.core.locking import LockOrderViolation, LockRank, lock
from kasse.models import Order, QuotaSlot
from tests.conftest import Kasse
from tests.helpers import app_on, client_of, postgres_only

ORDERS = "/api/v4/orders"


def _order(kasse: Kasse, day: date) -> dict[str, object]:
    item = {
        "type": "Ticket",
        "attributes": {"id": 3, "quantity": 1, "time": kasse.local(day, "10:00")},
    }
    return {"items": [item], "total": 1400}


async def _orders(kasse: Kasse) -> int:
    async with kasse.instance.read_sessions() as session:
        return len(list(await session.scalars(select(Order.id))))


@postgres_only
async def test_a_lock_that_does_not_come_in_time_is_a_503_that_changes_nothing(
    kasse: Kasse, day: date, tmp_path: Path
) -> None:
    first = await kasse.client.post(ORDERS, json=_order(kasse, day), headers=kasse.auth())
    assert first.status_code == 200, first.text  # the slot's row exists
    url = make_url(kasse.instance.database_url)
    holder = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        async with holder.transaction():
            await holder.execute("SELECT id FROM quota_slots FOR UPDATE")  # another request's lock
            async with (
                app_on(kasse.instance, kasse.clock, tmp_path, lock_timeout_seconds=0.3) as app,
                client_of(app) as client,
            ):
                r = await client.post(ORDERS, json=_order(kasse, day), headers=kasse.auth())
    finally:
        await holder.close()
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] == "5"
    assert "error" in r.json()
    assert await _orders(kasse) == 1
    async with kasse.instance.read_sessions() as session:
        assert [s.sold for s in await session.scalars(select(QuotaSlot))] == [1]


async def test_locks_out_of_the_global_order_are_refused(kasse: Kasse) -> None:
    settings = kasse.instance.settings
    async with kasse.instance.write_sessions() as session, session.begin():
        await lock(session, select(QuotaSlot.id), LockRank.QUOTA_SLOTS, settings)
        with pytest.raises(LockOrderViolation):
            await lock(session, select(Order.id), LockRank.ORDER, settings)
    # A transaction of its own starts the order afresh.
    async with kasse.instance.write_sessions() as session, session.begin():
        await lock(session, select(Order.id), LockRank.ORDER, settings)
        await lock(session, select(QuotaSlot.id), LockRank.QUOTA_SLOTS, settings)
