"""Who is calling: the principal behind a bearer token, and the checks the routes ask for."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cachetools import TTLCache
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.db import Instance
from kasse.core.errors import Forbidden, Unauthorized
from kasse.core.ids import hash_token, new_token
from kasse.models import ApiToken

Access = Literal["user", "cashpoint", "reseller", "customer", "public"]
TOKEN_ACCESS_LEVELS: tuple[Access, ...] = ("user", "cashpoint", "reseller", "customer")
SELLING_ACCESS: frozenset[str] = frozenset({"user", "cashpoint", "reseller"})


@dataclass(frozen=True)
class Principal:
    access: Access
    token_id: int | None = None
    museum_ids: frozenset[int] | None = None  # None: every museum of the instance
    flow: str = "direct"  # "two-phase": orders are binding only after finalize
    customer_id: int | None = None  # the customer a customer token speaks for

    @property
    def is_public(self) -> bool:
        return self.access == "public"

    def may_see_museums(self, museum_ids: tuple[int, ...] | list[int]) -> bool:
        return self.museum_ids is None or any(m in self.museum_ids for m in museum_ids)

    def may_buy(self, bookable_public: bool, bookable_reseller: bool) -> bool:
        """Whether a product on sale through these channels is on sale to this caller: resellers
        buy through theirs, staff sell through any, everyone else buys as the public."""
        if self.access == "reseller":
            return bookable_reseller
        if self.access in ("cashpoint", "user"):
            return bookable_public or bookable_reseller
        return bookable_public

    def require(self, allowed: frozenset[str]) -> None:
        """401 when no token was sent, 403 when the token's access level is not allowed."""
        if self.is_public:
            raise Unauthorized("authentication required: send Authorization: Bearer <token>")
        if self.access not in allowed:
            raise Forbidden(f"a {self.access} token may not do this")


PUBLIC = Principal(access="public")


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("malformed Authorization header: expected 'Bearer <token>'")
    return value.strip()


PRINCIPAL_CACHE_KEY = "principals"
PRINCIPAL_CACHE_ENTRIES = 10_000


def principal_cache(instance: Instance) -> TTLCache[str, Principal] | None:
    """The instance's token hash -> principal cache in this process; None when switched off.

    Tokens are never changed in place, so a cached principal is what a lookup would give; the
    time to live bounds how long a token deleted from the database keeps working in a worker.
    Unknown tokens are not cached: a new token works at once.
    """
    seconds = instance.settings.token_cache_seconds
    if seconds <= 0:
        return None
    cache: TTLCache[str, Principal] | None = instance.cache.get(PRINCIPAL_CACHE_KEY)
    if cache is None:
        cache = TTLCache(PRINCIPAL_CACHE_ENTRIES, seconds, timer=time.monotonic)
        instance.cache[PRINCIPAL_CACHE_KEY] = cache
    return cache


def cached_principal(token: str, cache: TTLCache[str, Principal] | None) -> Principal | None:
    """The principal of a token this process found valid a moment ago, without any lookup."""
    return cache.get(hash_token(token)) if cache is not None else None


async def principal_for(
    session: AsyncSession, token: str | None, cache: TTLCache[str, Principal] | None = None
) -> Principal:
    if token is None:
        return PUBLIC
    cached = cached_principal(token, cache)
    if cached is not None:
        return cached
    token_hash = hash_token(token)
    principal = await _principal_from_database(session, token_hash)
    if cache is not None:
        cache[token_hash] = principal
    return principal


async def _principal_from_database(session: AsyncSession, token_hash: str) -> Principal:
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    if row is None:
        raise Unauthorized("invalid API token")
    museums = frozenset(int(m) for m in row.museum_ids) if row.museum_ids else None
    return Principal(
        access=row.access,  # type: ignore[arg-type]
        token_id=row.id,
        museum_ids=museums,
        flow=row.flow,
        customer_id=row.customer_id,
    )


async def create_api_token(
    session: AsyncSession,
    *,
    access: Access,
    museum_ids: list[int],
    name: str,
    now: datetime,
    flow: str = "direct",
    customer_id: int | None = None,
) -> str:
    """Store a new token's hash and return the token itself, the only time it is ever seen."""
    token = new_token(32)
    session.add(
        ApiToken(
            name=name,
            token_hash=hash_token(token),
            access=access,
            museum_ids=museum_ids,
            flow=flow,
            customer_id=customer_id,
            created_at=now,
        )
    )
    await session.flush()
    return token
