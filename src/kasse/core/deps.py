"""Typed FastAPI dependencies: the instance a request talks to, its transaction, caller and clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.auth import (
    PUBLIC,
    Principal,
    bearer_token,
    cached_principal,
    principal_cache,
    principal_for,
)
from kasse.core.clock import Clock
from kasse.core.db import Instance, session_scope
from kasse.core.errors import NotFound, TokenNotFound, Unauthorized
from kasse.core.token_failures import token_failures

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_instance(request: Request) -> Instance:
    instances: dict[str, Instance] = request.app.state.instances
    if "" in instances:
        return instances[""]
    host = (request.headers.get("host") or "").rsplit(":", 1)[0].lower()
    instance = instances.get(host)
    if instance is None:
        raise NotFound("no instance is served at this host")
    return instance


CurrentInstance = Annotated[Instance, Depends(get_instance)]


async def get_session(request: Request, instance: CurrentInstance) -> AsyncIterator[AsyncSession]:
    async for session in session_scope(instance, write=request.method not in READ_METHODS):
        yield session


# scope="function": commit before the response is sent, so a client that has its answer can rely on it.
Session = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


CurrentClock = Annotated[Clock, Depends(get_clock)]


# Declared for the OpenAPI document (Swagger's "Authorize" button); the header itself is parsed
# below so that a malformed one is a 401 rather than silently public.
_bearer_scheme = HTTPBearer(auto_error=False, description="API token of the caller")


async def get_principal(
    request: Request,
    session: Session,
    instance: CurrentInstance,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> Principal:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return PUBLIC
    cache = principal_cache(instance)
    # Found valid by this worker a moment ago: no failure count to read on the busy path.
    known = cached_principal(token, cache)
    if known is not None:
        return known
    async with token_failures(request).counting(Unauthorized):
        return await principal_for(session, token, cache)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def count_token_failures(request: Request) -> AsyncIterator[None]:
    """Counts the request's ``TokenNotFound`` (document and personalization tokens)."""
    async with token_failures(request).counting(TokenNotFound):
        yield


# scope="function": the failure is counted before the 404 is sent.
CountTokenFailures = Depends(count_token_failures, scope="function")


async def require_token(principal: CurrentPrincipal) -> None:
    """401 without a token, whatever the request holds: a dependency runs before the body's
    validation is reported, a check in the service only after it."""
    if principal.is_public:
        principal.require(frozenset())


# On the routers whose every operation needs a token (the ones documented so in the OpenAPI).
TokenRequired = Depends(require_token)
