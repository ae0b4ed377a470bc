"""FastAPI dependencies of coupons: the code attempts of the calling client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kasse.core.auth import Principal
from kasse.core.db import Instance
from kasse.core.deps import CurrentInstance, CurrentPrincipal
from kasse.coupons.ratelimit import AttemptLimiter, CodeAttempts


def client_key(instance: Instance, principal: Principal, address: str | None) -> str:
    """Whose attempts these are: the API token when one is sent, else the client's address.

    Prefixed by the instance, whose tokens are its own. Behind a reverse proxy the address is the
    proxy's unless the server trusts its forwarded headers (uvicorn ``--proxy-headers``).
    """
    if principal.token_id is not None:
        return f"{instance.name}:token:{principal.token_id}"
    return f"{instance.name}:address:{address or 'unknown'}"


async def get_code_attempts(
    request: Request, instance: CurrentInstance, principal: CurrentPrincipal
) -> CodeAttempts:
    limiter: AttemptLimiter = request.app.state.coupon_attempts
    address = request.client.host if request.client else None
    return CodeAttempts(limiter=limiter, client=client_key(instance, principal, address))


CurrentCodeAttempts = Annotated[CodeAttempts, Depends(get_code_attempts)]
