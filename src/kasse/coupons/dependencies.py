"""FastAPI dependencies of coupons: the code attempts of the calling client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kasse.core.auth import Principal
from kasse.core.db import Instance
from kasse.core.deps import CurrentInstance, CurrentPrincipal
from kasse.core.ratelimit import AttemptLimiter, ClientAttempts, client_address


def client_key(instance: Instance, principal: Principal, address: str) -> str:
    """Whose attempts these are: the API token when one is sent, else the client's address.

    Prefixed by the instance, whose tokens are its own. Behind a reverse proxy the address is the
    proxy's unless it is one of KASSE_TRUSTED_PROXIES.
    """
    if principal.token_id is not None:
        return f"{instance.name}:token:{principal.token_id}"
    return f"{instance.name}:address:{address}"


async def get_code_attempts(
    request: Request, instance: CurrentInstance, principal: CurrentPrincipal
) -> ClientAttempts:
    limiter: AttemptLimiter = request.app.state.coupon_attempts
    return ClientAttempts(
        limiter=limiter, client=client_key(instance, principal, client_address(request))
    )


CurrentCodeAttempts = Annotated[ClientAttempts, Depends(get_code_attempts)]
