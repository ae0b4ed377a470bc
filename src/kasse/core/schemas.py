"""Wire shapes shared by every domain: the error body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    error: str
    errors: list[str] | None = None


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


def too_many_attempts(description: str) -> dict[str, Any]:
    """A 429 with the ``Retry-After`` header it carries."""
    retry_after = {
        "description": "seconds until the client may try again",
        "schema": {"type": "integer"},
    }
    return {**_error(description), "headers": {"Retry-After": retry_after}}


# Documented on every route, so that clients (and schemathesis) know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("Malformed request (e.g. invalid JSON)"),
    401: _error("Missing or invalid API token"),
    403: _error("The token's access level does not allow this"),
    404: _error("Not found (or not visible to this caller)"),
    409: _error("A request with the same Idempotency-Key is still in progress"),
    413: _error("The request body is larger than allowed"),
    422: _error("The data cannot be processed; `errors` lists every problem"),
    429: too_many_attempts("Too many failed token attempts from this address; wait `Retry-After`"),
    503: _error("The database is unavailable; try again after Retry-After seconds"),
}
