"""ASGI middleware that guards every route at once."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasse.core.errors import PayloadTooLarge

NUL_MESSAGE = {"error": "NUL characters are not allowed in requests"}
NO_NUL_PATTERN = r"^[^\x00]*$"
_JSON = "application/json"
_CONSTRAINED = frozenset({"pattern", "enum", "const", "format"})


class CrossOrigin(CORSMiddleware):
    """Starlette's CORS middleware, with a request that is no CORS request (no ``Origin``: a
    server, a scanner, curl) passed on without looking at it further, as Starlette would, but
    without the headers object it builds for every request first (measured: 6 of a trivial
    request's 14 µs of middleware)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(name == b"origin" for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class RejectNulCharacters:
    """Answer 422 to a request with a NUL character in its path, query or JSON body.

    PostgreSQL cannot store U+0000 in text, and no legitimate value of this API contains one, so
    refusing it here keeps every handler from failing on it deep inside a query.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
            await _refuse(send)
            return
        if not _is_json(scope):
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive)
        # A raw NUL byte is no valid JSON anyway (the parser answers 400); the escape is.
        if b"\\u0000" in body.lower():
            await _refuse(send)
            return
        await self.app(scope, _replay(messages, receive), send)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return b"json" in value.lower()
    # Clients that send JSON without saying so are parsed as JSON by the routes too.
    return scope.get("method") in ("POST", "PUT", "PATCH")


async def _read_body(receive: Receive) -> tuple[list[Message], bytes]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return messages, b"".join(chunks)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _refuse(send: Send, status: int = 422, error: dict[str, Any] = NUL_MESSAGE) -> None:
    body = json.dumps(error).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class BodyLimits:
    """How many body bytes a request may send, decided from its path and headers alone.

    A token-required operation parses its body before its token is checked (FastAPI reads the
    body before it solves the dependencies), so a request without a token gets only a small
    bound there: enough for any order to reach its 401, too little to cost the worker anything.
    """

    default: int
    anonymous: int
    token_required: Sequence[re.Pattern[str]] = ()
    own: Sequence[tuple[re.Pattern[str], int]] = ()

    def for_request(self, scope: Scope) -> int:
        path: str = scope["path"]
        for pattern, limit in self.own:
            if pattern.match(path):
                return limit
        if "authorization" not in Headers(scope=scope) and any(
            pattern.match(path) for pattern in self.token_required
        ):
            return self.anonymous
        return self.default


def _may_have_body(scope: Scope) -> bool:
    """HTTP/1.1 carries a body only where Content-Length or Transfer-Encoding announces one
    (RFC 9112, 6.3): every other request, most GETs, passes without being watched."""
    for name, value in scope.get("headers", []):
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


class LimitRequestBody:
    """Answer 413 to a body larger than its bound: on its Content-Length before any of it is read,
    else as soon as the streamed bytes pass the bound.

    Outermost, so that nothing (RejectNulCharacters, FastAPI's parsers) buffers more than the
    bound. Starlette's RequestBodyLimitMiddleware takes one bound per app or per route at import
    time; ours come from the settings and the caller. Once the bound is passed, whatever the inner
    app answers (FastAPI turns a failing body read into a 400) is replaced by the 413.
    """

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _may_have_body(scope):
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_request(scope)
        error = {"error": f"the request body may have at most {limit:,} bytes"}
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, error)
            return
        received = 0
        exceeded = started = replaced = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise PayloadTooLarge(error["error"])
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, replaced
            if exceeded and not started:
                if not replaced:
                    replaced = True
                    await _refuse(send, 413, error)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except PayloadTooLarge:
            if started:
                raise
            if not replaced:
                await _refuse(send, 413, error)


def _is_free_string(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" and not _CONSTRAINED & schema.keys()


def document_nul_refusal(openapi: dict[str, Any]) -> dict[str, Any]:
    """Give every free string of a parameter or a JSON request body the pattern that says no NUL.

    Strings with a pattern of their own, an enum or a format (binary uploads) are left as they are:
    their patterns exclude NUL already. Components reached from request bodies change in place.
    """
    components = openapi.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def visit(schema: Any) -> None:
        if isinstance(schema, list):
            for item in schema:
                visit(item)
            return
        if not isinstance(schema, dict):
            return
        name = str(schema.get("$ref", "")).rsplit("/", 1)[-1]
        if name and name not in seen:
            seen.add(name)
            visit(components.get(name))
        if _is_free_string(schema):
            schema["pattern"] = NO_NUL_PATTERN
        for value in schema.values():
            visit(value)

    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                visit(parameter.get("schema"))
            visit(operation.get("requestBody", {}).get("content", {}).get(_JSON, {}).get("schema"))
    return openapi
