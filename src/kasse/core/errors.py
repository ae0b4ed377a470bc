"""Domain errors carry their HTTP status; one handler renders them all as ``{"error": ...}``."""

from __future__ import annotations

from typing import Any


class KasseError(Exception):
    status_code = 422
    # Seconds after which the client may try again, sent as Retry-After (see RetryLater).
    retry_after: int | None = None

    def __init__(self, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


class BadRequest(KasseError):
    status_code = 400


class Unauthorized(KasseError):
    status_code = 401


class Forbidden(KasseError):
    status_code = 403


class NotFound(KasseError):
    status_code = 404


class TokenNotFound(NotFound):
    """Nothing opens with the token sent: counts as a failed token attempt (core/token_failures)."""


class Conflict(KasseError):
    status_code = 409


class Unprocessable(KasseError):
    status_code = 422


class SoldOut(Unprocessable):
    """Not enough places left in a quota slot."""


class RetryLater(KasseError):
    """Refused for now: the same request may succeed in ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooManyRequests(RetryLater):
    """A client made too many attempts."""

    status_code = 429


class ServiceUnavailable(RetryLater):
    """The database (or the disk under it) cannot serve now; nothing is wrong with the request."""

    status_code = 503


class PayloadTooLarge(KasseError):
    """The request body is larger than the endpoint accepts (checked before it is parsed)."""

    status_code = 413
