"""``create_app(settings)``: assembles routers, middleware and error handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from kasse import __version__
from kasse.annual.routes import router as annual_router
from kasse.annual.routes import upload_portrait
from kasse.annual.uploads import upload_body_limit
from kasse.availability.routes import router as availability_router
from kasse.catalog.routes import router as catalog_router
from kasse.catalog.routes import v3_router as catalog_v3_router
from kasse.core.apidocs import install_swagger_ui
from kasse.core.clock import Clock
from kasse.core.db import open_instances
from kasse.core.handlers import install_error_handlers
from kasse.core.headers import install_security_headers
from kasse.core.middleware import (
    BodyLimits,
    CrossOrigin,
    LimitRequestBody,
    RejectNulCharacters,
    document_nul_refusal,
)
from kasse.core.ratelimit import async_storage, describe_storage
from kasse.core.schemas import ERROR_RESPONSES
from kasse.core.token_failures import token_failure_limiter
from kasse.coupons.ratelimit import code_attempt_limiter
from kasse.coupons.routes import router as coupons_router
from kasse.documents import mails as _order_mails  # noqa: F401  (registers the mail composers)
from kasse.documents.routes import router as documents_router
from kasse.entry.routes import router as entry_router
from kasse.entry.routes import v4_router as entry_v4_router
from kasse.events.desk import router as event_desk_router
from kasse.events.reservation_routes import router as event_reservations_router
from kasse.events.routes import router as events_router
from kasse.health.routes import router as health_router
from kasse.mail.sender import run_mail_senders
from kasse.orders.housekeeping import run_housekeeping
from kasse.orders.routes import router as orders_router
from kasse.reservations.routes import router as reservations_router
from kasse.settings import Settings
from kasse.shop.routes import router as shop_router
from kasse.tours.routes import router as tours_router

API_PREFIX = "/api/v4"
# Operations of these tags need a token; every other one also answers the public (no token).
TOKEN_REQUIRED_TAGS = frozenset({"reservations", "orders", "entry", "bookings"})
# Answers of these tags carry order and reservation tokens, barcodes or personal data: no-store.
NO_STORE_TAGS = frozenset({"reservations", "orders", "documents", "annual", "entry", "bookings"})

log = logging.getLogger("kasse")

# The session credentials of shop visitors, the convention of shop front-ends written for go~mus.
SESSION_HEADERS = ("access-token", "client", "uid", "expiry", "token-type")

# The body bound of those operations for a request without a token (any order fits).
ANONYMOUS_BODY_BYTES = 64 * 1024


def _document_optional_auth(app: FastAPI) -> None:
    """Say in the OpenAPI document which operations take an optional token and which need one."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = document_nul_refusal(generate())
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if "security" in operation and not TOKEN_REQUIRED_TAGS & set(
                    operation.get("tags", [])
                ):
                    operation["security"] = [{}, *operation["security"]]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _body_limits(app: FastAPI, settings: Settings) -> BodyLimits:
    routes = list(iter_route_contexts(app.routes))
    return BodyLimits(
        default=settings.max_body_bytes,
        anonymous=min(settings.max_body_bytes, ANONYMOUS_BODY_BYTES),
        token_required=[
            r.path_regex for r in routes if TOKEN_REQUIRED_TAGS & set(getattr(r, "tags", ()))
        ],
        own=[
            (r.path_regex, upload_body_limit(settings.portrait_max_bytes))
            for r in routes
            if r.endpoint is upload_portrait
        ],
    )


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("rate limits counted in %s", describe_storage(settings.rate_limit_storage))
        app.state.instances = open_instances(settings)
        async with (
            run_mail_senders(app.state.instances, settings, app.state.clock),
            run_housekeeping(app.state.instances, app.state.clock, settings.housekeeping_seconds),
        ):
            yield
        for instance in app.state.instances.values():
            await instance.dispose()

    app = FastAPI(
        title="kasse",
        version=__version__,
        summary="Museum ticketing server speaking the go~mus REST API v4",
        lifespan=lifespan,
        docs_url=None,  # served from the package, see kasse.core.apidocs
        redoc_url=None,
    )
    install_swagger_ui(app)
    install_security_headers(app, NO_STORE_TAGS)
    app.state.settings = settings
    app.state.clock = clock or Clock()
    # One per app: every request of every instance counts its attempts here.
    limits_storage = async_storage(settings.rate_limit_storage)
    app.state.coupon_attempts = code_attempt_limiter(settings, limits_storage)
    app.state.token_failures = token_failure_limiter(settings, limits_storage)
    install_error_handlers(app)
    # Fixed paths under /tickets (capacities, calendar, reservations) before /tickets/{id}.
    app.include_router(availability_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(reservations_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(event_reservations_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(catalog_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(events_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(tours_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(orders_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(coupons_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(documents_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(annual_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(shop_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(entry_v4_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    app.include_router(event_desk_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    # Turnstiles and scanners speak the go~mus v3 entry paths.
    app.include_router(entry_router, prefix="/api/v3", responses=ERROR_RESPONSES)
    app.include_router(catalog_v3_router, prefix="/api/v3", responses=ERROR_RESPONSES)
    app.include_router(health_router)
    app.add_middleware(RejectNulCharacters)
    # Outside everything that reads bodies; inside CORS, so that a 413 carries its headers.
    app.add_middleware(LimitRequestBody, limits=_body_limits(app, settings))
    app.add_middleware(
        CrossOrigin,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "X-Shop-Url",
            "Idempotency-Key",
            *SESSION_HEADERS,
        ],
        # A shop front-end reads a visitor's renewed session from these answer headers.
        expose_headers=list(SESSION_HEADERS),
    )
    if settings.trusted_proxies:
        # Outermost: the limits and uvicorn's access log both see the address it forwards.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    _document_optional_auth(app)
    return app
