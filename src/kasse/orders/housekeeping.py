"""A background loop that tidies up expired orders. Correctness never depends on it (readers
already ignore expired holds); it keeps the order table's status honest for reports."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping

from kasse.core.clock import Clock
from kasse.core.db import Instance
from kasse.core.outages import log_failure
from kasse.orders.lifecycle import expire_orders

log = logging.getLogger("kasse.housekeeping")


async def tidy_once(instance: Instance, clock: Clock) -> int:
    async with instance.write_sessions() as session, session.begin():
        return await expire_orders(session, clock.now())


async def _loop(instances: Mapping[str, Instance], clock: Clock, interval: float) -> None:
    while True:
        for instance in instances.values():
            try:
                expired = await tidy_once(instance, clock)
                if expired:
                    log.info("%s: %d expired orders cancelled", instance.name, expired)
            except Exception as exc:
                log_failure(
                    log, exc, "housekeeping failed on %s; trying again later", instance.name
                )
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def run_housekeeping(
    instances: Mapping[str, Instance], clock: Clock, interval: float
) -> AsyncIterator[None]:
    """Tidy every ``interval`` seconds (``KASSE_HOUSEKEEPING_SECONDS``); 0 switches it off."""
    if interval <= 0:
        yield
        return
    task = asyncio.create_task(_loop(instances, clock, interval))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
