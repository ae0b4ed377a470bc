"""Failed token attempts: API, document and personalization tokens, counted per client address.

Tokens are unguessable; this keeps anyone from trying many anyway (and from making every try a
database lookup). Only failures are counted, so a successful request writes nothing. A client
that has no attempt left (``KASSE_AUTH_FAILURE_LIMIT``) is refused with 429 before its token is
looked up at all, even a right one: otherwise a 200 among the 429s would still tell a guess that
hit. That check reads the client's count, once per request with a document or personalization
token, and for API tokens only when the token is not in this process's token cache (a cached
token is one already found valid here), so the busy API-token path reads nothing.
"""

from __future__ import annotations

from fastapi import Request
from limits.aio.storage import Storage

from kasse.core.ratelimit import AttemptLimiter, ClientAttempts, client_address
from kasse.settings import Settings

NAMESPACE = "kasse:token-failures"


def token_failure_limiter(settings: Settings, storage: Storage) -> AttemptLimiter:
    """One count per address for every kind of token: spreading guesses over kinds gains nothing."""
    return AttemptLimiter(storage, settings.auth_failure_limit, NAMESPACE, "failed token attempts")


def token_failures(request: Request) -> ClientAttempts:
    """The failed token attempts of the client behind the request."""
    limiter: AttemptLimiter = request.app.state.token_failures
    return ClientAttempts(limiter=limiter, client=f"address:{client_address(request)}")
