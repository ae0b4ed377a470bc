"""How often one client may try coupon codes: lookups and codes sent with an order alike.

Codes are short enough to type, so what keeps them unguessable is, besides their 49 bits, that
nobody can try many: every code a client sends (one lookup, or each code of an order) is one
attempt in a moving window (``limits``). The storage is ``KASSE_RATE_LIMIT_STORAGE``: ``memory://``
counts per process, ``redis://host:port`` shares the counts between every worker and host.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from kasse.core.errors import TooManyRequests
from kasse.settings import Settings

NAMESPACE = "kasse:coupon-codes"

log = logging.getLogger(__name__)


def async_storage(uri: str) -> Storage:
    """``memory://`` and ``redis://...`` as the settings say them, in their asyncio flavour."""
    storage = storage_from_string(uri if uri.startswith("async+") else f"async+{uri}")
    assert isinstance(storage, Storage)
    return storage


class AttemptLimiter:
    """One per app: counts the coupon code attempts of every client."""

    def __init__(self, storage: Storage, limit: str, namespace: str = NAMESPACE) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._storage = storage
        # While the shared storage cannot be reached, counting goes on in this process: the limit
        # then holds per worker instead of failing every coupon request or dropping the limit.
        self._local_storage = async_storage("memory://")
        self._local = MovingWindowRateLimiter(self._local_storage)
        self._item: RateLimitItem = parse(limit)
        self._namespace = namespace

    @classmethod
    def from_settings(cls, settings: Settings, namespace: str = NAMESPACE) -> AttemptLimiter:
        """``namespace`` keeps apart apps that share a Redis but must not share their counts."""
        storage = async_storage(settings.rate_limit_storage)
        return cls(storage, settings.coupon_lookup_limit, namespace)

    async def spend(self, client: str, attempts: int) -> None:
        """Count ``attempts`` for ``client``, or refuse them all (429) when they do not fit."""
        try:
            await self._spend_in(self._limiter, client, attempts)
        except TooManyRequests:
            raise
        except Exception as error:  # the storage's own errors differ by backend and client
            log.warning("rate limit storage unavailable (%s): counting in this process", error)
            await self._spend_in(self._local, client, attempts)

    async def _spend_in(self, limiter: MovingWindowRateLimiter, client: str, attempts: int) -> None:
        if await limiter.hit(self._item, self._namespace, client, cost=attempts):
            return
        stats = await limiter.get_window_stats(self._item, self._namespace, client)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise TooManyRequests(
            f"too many coupon code attempts: try again in {wait} seconds", retry_after=wait
        )

    async def forget_everyone(self) -> None:
        """Start every count afresh (tests share one app between many cases)."""
        await self._storage.reset()
        await self._local_storage.reset()


@dataclass(frozen=True)
class CodeAttempts:
    """The attempts of the client behind one request."""

    limiter: AttemptLimiter
    client: str

    async def spend(self, attempts: int) -> None:
        if attempts > 0:
            await self.limiter.spend(self.client, attempts)
