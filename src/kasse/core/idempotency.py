"""``Idempotency-Key`` on writes: a retry with the same key and body gets the first answer again.

The remembered answer is written in the same transaction as the work it answers, so a crash can
never leave work done without its answer (or an answer without the work). On PostgreSQL a
transaction-scoped advisory lock on the key makes a concurrent retry answer 409 at once instead
of doing the work twice; SQLite runs writing transactions one at a time, so the retry simply
waits and then replays. Failed requests change nothing and are not remembered: a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.auth import Principal
from kasse.core.errors import Conflict, Unprocessable
from kasse.core.sql import is_postgres
from kasse.models import IdempotencyKey

MAX_KEY_LENGTH = 200


def _lock_id(token_id: int, key: str) -> int:
    digest = hashlib.sha256(f"{token_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass
class Idempotency:
    """The claim on one key for the length of a request's transaction."""

    session: AsyncSession
    token_id: int | None
    key: str | None
    request_hash: str
    replay: JSONResponse | None = None

    async def remember(self, body: dict[str, Any], now: datetime, status: int = 200) -> None:
        if self.key is None or self.token_id is None:
            return
        self.session.add(
            IdempotencyKey(
                api_token_id=self.token_id,
                key=self.key,
                request_hash=self.request_hash,
                status="done",
                response_status=status,
                response_body=json.dumps(body, ensure_ascii=False),
                created_at=now,
            )
        )
        await self.session.flush()


async def claim(
    session: AsyncSession,
    principal: Principal,
    key: str | None,
    method: str,
    path: str,
    body: bytes,
) -> Idempotency:
    """Claim ``key`` for this request, or find the answer it already has (``.replay``)."""
    request_hash = hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()
    claim = Idempotency(session, principal.token_id, key, request_hash)
    if key is None or principal.token_id is None:
        return claim
    if len(key) > MAX_KEY_LENGTH:
        raise Unprocessable(f"Idempotency-Key is longer than {MAX_KEY_LENGTH} characters")
    if is_postgres(session):
        locked = await session.scalar(
            select(func.pg_try_advisory_xact_lock(_lock_id(principal.token_id, key)))
        )
        if not locked:
            raise Conflict("a request with this Idempotency-Key is still in progress")
    known = await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.api_token_id == principal.token_id, IdempotencyKey.key == key
        )
    )
    if known is not None:
        if known.request_hash != request_hash:
            raise Unprocessable("this Idempotency-Key was already used for a different request")
        claim.replay = JSONResponse(
            json.loads(known.response_body or "{}"),
            status_code=known.response_status or 200,
            headers={"Idempotent-Replayed": "true"},
        )
    return claim
