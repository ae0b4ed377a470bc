"""One place that turns every failure into the API's error shape."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from kasse.core.errors import KasseError, ServiceUnavailable
from kasse.core.outages import log_failure, outage_reason

log = logging.getLogger("kasse")


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


async def _kasse_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KasseError)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse({"error": "malformed JSON body"}, status_code=400)
    return JSONResponse(
        {"error": "invalid request", "errors": [_describe(e) for e in errors]}, status_code=422
    )


HTTP_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    allowed = [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal server error"}, status_code=500)


# A restart or a failover of the database takes seconds; clients should not come back sooner.
OUTAGE_RETRY_AFTER_SECONDS = 5
# Where a database or disk outage surfaces: SQLAlchemy's errors, a refused connection, and
# asyncpg's own errors while it connects. Handled here rather than as any Exception, so that
# the answer is a plain response (no re-raise, no traceback, the connection kept alive).
OUTAGE_CANDIDATES = (SQLAlchemyError, OSError, asyncpg.PostgresError)


async def _outage_or_unexpected(request: Request, exc: Exception) -> JSONResponse:
    if outage_reason(exc) is None:
        return await _unexpected_error(request, exc)
    log_failure(log, exc, "%s %s", request.method, request.url.path)
    unavailable = ServiceUnavailable(
        "the database is unavailable; try again shortly", OUTAGE_RETRY_AFTER_SECONDS
    )
    return await _kasse_error(request, unavailable)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KasseError, _kasse_error)
    for candidate in OUTAGE_CANDIDATES:
        app.add_exception_handler(candidate, _outage_or_unexpected)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
