"""Security headers on every response, in one pure ASGI middleware around the whole app.

- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` everywhere: URLs carry
  order tokens, and a page followed from one must not learn it.
- ``Cache-Control: no-store`` on the answers of the routers that carry order tokens, barcodes,
  coupon codes or personal data (their tags), and of every route with a secret in its path: no
  cache, the browser's included, keeps them. Public catalog reads stay cacheable.
- A restrictive ``Content-Security-Policy`` on HTML (the Swagger UI): scripts and styles from this
  server only, no inline script, no frames, no other host called.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasse.core.redaction import secret_parameters

# Raw header pairs, appended as they are: a Headers object per answer costs more (measured).
EVERY_RESPONSE = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
NO_STORE = (b"cache-control", b"no-store")
# Swagger UI (5.32) renders, runs "Try it out" and opens "Authorize" under this policy without a
# violation (checked in headless Chromium); its icons are data: images in its style sheet.
HTML_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HTML_POLICY_HEADER = (b"content-security-policy", HTML_POLICY.encode())


class SecurityHeaders:
    def __init__(self, app: ASGIApp, no_store_tags: Iterable[str]) -> None:
        self.app = app
        self.no_store_tags = frozenset(no_store_tags)
        self._private_routes: dict[int, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._with_headers(scope, message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _with_headers(
        self, scope: Scope, headers: Iterable[tuple[bytes, bytes]]
    ) -> list[tuple[bytes, bytes]]:
        private = self._is_private(scope)
        kept: list[tuple[bytes, bytes]] = []
        html = False
        # Header names of an ASGI answer are lower case (Starlette writes them so).
        for header in headers:
            if header[0] == b"content-type":
                html = header[1].startswith(b"text/html")
            elif private and header[0] == b"cache-control":
                continue
            kept.append(header)
        kept += EVERY_RESPONSE
        if private:
            kept.append(NO_STORE)
        if html:
            kept.append(HTML_POLICY_HEADER)
        return kept

    def _is_private(self, scope: Scope) -> bool:
        # The router puts the matched route into the scope before the endpoint runs, so it is
        # there for the endpoint's answer and for the answer of any error it raised.
        route = scope.get("route")
        if route is None:
            return False
        private = self._private_routes.get(id(route))
        if private is None:
            tags = getattr(route, "tags", None) or ()
            private = bool(self.no_store_tags.intersection(tags)) or bool(secret_parameters(route))
            # Routes live as long as the app: decided once per route, not per answer.
            self._private_routes[id(route)] = private
        return private


def install_security_headers(app: FastAPI, no_store_tags: Iterable[str]) -> None:
    """Wrap the app's whole middleware stack, so that Starlette's outermost 500 answer gets the
    headers too (a middleware added with ``add_middleware`` sits inside it)."""
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build(), no_store_tags)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
