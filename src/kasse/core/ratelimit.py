"""How often one client may try something: attempts counted in a moving window (``limits``).

The storage is ``KASSE_RATE_LIMIT_STORAGE``, one for every limit of the app:
``sqlite:///path`` (the default) is shared by the worker processes of one host,
``redis://host:port`` by every worker of every host that uses it, ``memory://`` counts per process.
"""

from __future__ import annotations

import logging
import math
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import Request
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from kasse.core import ratelimit_sqlite
from kasse.core.errors import TooManyRequests

log = logging.getLogger(__name__)


def async_storage(uri: str) -> Storage:
    """The settings' storage URI in its asyncio flavour (``sqlite`` is kasse's own)."""
    storage = storage_from_string(uri if uri.startswith("async+") else f"async+{uri}")
    assert isinstance(storage, Storage)
    return storage


def describe_storage(uri: str) -> str:
    """Where the counts live and who shares them, for the start-up log (no credentials)."""
    scheme = urllib.parse.urlparse(uri).scheme.removeprefix("async+")
    if scheme == "memory":
        return "memory (per worker process: every worker counts on its own)"
    if scheme == ratelimit_sqlite.SCHEME:
        path = ratelimit_sqlite.sqlite_path(uri)
        return f"the SQLite file {path} (shared by this host's workers)"
    where = urllib.parse.urlparse(uri)
    return f"{scheme} at {where.hostname}:{where.port} (shared by every worker and host using it)"


def client_address(request: Request) -> str:
    """The caller's address; behind a trusted proxy (KASSE_TRUSTED_PROXIES) the forwarded one."""
    return request.client.host if request.client else "unknown"


class AttemptLimiter:
    """Counts one kind of attempt (``what``, for the 429 message) per client."""

    def __init__(self, storage: Storage, limit: str, namespace: str, what: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._storage = storage
        # While the shared storage cannot be reached, counting goes on in this process: the limit
        # then holds per worker instead of failing every request or dropping the limit.
        self._local_storage = async_storage("memory://")
        self._local = MovingWindowRateLimiter(self._local_storage)
        self._item: RateLimitItem = parse(limit)
        self._namespace = namespace
        self._what = what

    async def spend(self, client: str, attempts: int) -> None:
        """Count ``attempts`` for ``client``, or refuse them all (429) when they do not fit."""

        async def spend_in(limiter: MovingWindowRateLimiter) -> None:
            if not await limiter.hit(self._item, self._namespace, client, cost=attempts):
                await self._refuse(limiter, client)

        await self._counting(spend_in)

    async def refuse_if_spent(self, client: str) -> None:
        """429 when ``client`` has no attempt left; reads the count, writes nothing."""

        async def refuse_in(limiter: MovingWindowRateLimiter) -> None:
            if not await limiter.test(self._item, self._namespace, client):
                await self._refuse(limiter, client)

        await self._counting(refuse_in)

    async def _counting(self, step: Callable[[MovingWindowRateLimiter], Awaitable[None]]) -> None:
        try:
            await step(self._limiter)
        except TooManyRequests:
            raise
        except Exception as error:  # the storage's own errors differ by backend and client
            log.warning("rate limit storage unavailable (%s): counting in this process", error)
            await step(self._local)

    async def _refuse(self, limiter: MovingWindowRateLimiter, client: str) -> None:
        stats = await limiter.get_window_stats(self._item, self._namespace, client)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise TooManyRequests(
            f"too many {self._what}: try again in {wait} seconds", retry_after=wait
        )

    async def forget_everyone(self) -> None:
        """Start every count afresh (tests share one app between many cases)."""
        await self._storage.reset()
        await self._local_storage.reset()


@dataclass(frozen=True)
class ClientAttempts:
    """The attempts of the client behind one request."""

    limiter: AttemptLimiter
    client: str

    async def spend(self, attempts: int) -> None:
        if attempts > 0:
            await self.limiter.spend(self.client, attempts)

    @asynccontextmanager
    async def counting(self, failure: type[Exception]) -> AsyncIterator[None]:
        """429 for a client with no attempt left; a ``failure`` raised inside spends one."""
        await self.limiter.refuse_if_spent(self.client)
        try:
            yield
        except failure:
            await self.spend(1)
            raise
