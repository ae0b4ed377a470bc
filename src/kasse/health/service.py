"""The health check: the instance's database answers a trivial query in time."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# A load balancer polls every few seconds: a database slower than this counts as down (the
# timeout is an outage like any other, see kasse.core.outages).
DATABASE_TIMEOUT_SECONDS = 5


async def check_database(session: AsyncSession) -> None:
    async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
        await session.execute(text("SELECT 1"))
