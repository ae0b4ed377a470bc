"""Secrets never reach the access log: query strings and the secret segments of paths.

The filter works on the records uvicorn's access logger makes; these tests make the same record,
pass it through the filter and the formatter of ``kasse serve``'s log configuration.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import httpx
import pytest
import uvicorn
from uvicorn.logging import AccessFormatter

from kasse.serving import RedactSecrets, uvicorn_log_config


def _access_line(path: str) -> str:
    """The access log line uvicorn writes for ``path`` (its record, its formatter, our filter)."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )
    assert RedactSecrets().filter(record)
    config = uvicorn_log_config()["formatters"]["access"]
    formatter = AccessFormatter(config["fmt"], use_colors=False)
    return formatter.format(record)


def test_access_log_redacts_query_strings() -> None:
    line = _access_line("/api/v4/orders/1/document?token=secret")
    assert "secret" not in line
    assert "/api/v4/orders/1/document?" in line


TOKEN = "Zq3vX9kLmN2pR7sT4uW8yA"
BARCODE = "4711081500023"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/api/v4/orders/{TOKEN}", "/api/v4/orders/[redacted]"),
        (f"/api/v4/orders/{TOKEN}/finalize", "/api/v4/orders/[redacted]/finalize"),
        (
            f"/api/v4/orders/{TOKEN}/invoice.pdf?token={TOKEN}",
            "/api/v4/orders/[redacted]/invoice.pdf?[redacted]",
        ),
        (
            f"/api/v4/orders/7/tickets/3/passbooks/{BARCODE}.pkpass?token={TOKEN}",
            "/api/v4/orders/7/tickets/3/passbooks/[redacted].pkpass?[redacted]",
        ),
        (f"/api/v4/orders/barcode/{BARCODE}", "/api/v4/orders/barcode/[redacted]"),
        (f"/api/v3/barcodes/{BARCODE}", "/api/v3/barcodes/[redacted]"),
        (f"/api/v3/barcodes/{BARCODE}/exit", "/api/v3/barcodes/[redacted]/exit"),
        (f"/api/v4/coupon_sales/barcode/{BARCODE}", "/api/v4/coupon_sales/barcode/[redacted]"),
        (f"/api/v4/tickets/reservations/{TOKEN}", "/api/v4/tickets/reservations/[redacted]"),
        # no such route: the segment where a route beginning alike has a secret is hidden still
        (f"/api/v4/orders/{TOKEN}/document", "/api/v4/orders/[redacted]/document"),
        (f"/api/v3/barcodes/{BARCODE}/entry/now", "/api/v3/barcodes/[redacted]/entry/now"),
    ],
)
def test_access_log_redacts_secrets_in_paths(path: str, logged: str) -> None:
    line = _access_line(path)
    assert TOKEN not in line
    assert BARCODE not in line
    assert f'"GET {logged} HTTP/1.1" 200' in line


@pytest.mark.parametrize(
    "path",
    [
        "/api/v4/orders",
        "/api/v4/orders/7",
        "/api/v4/orders/7/invoice.pdf",
        "/api/v4/orders/7/tickets/3.pdf",
        "/api/v4/tickets/3/capacity",
        "/api/v4/annual/customers/5",
        "/api/v4/coupons/2",
        "/docs",
        "/api/v4/no/such/path",
    ],
)
def test_access_log_keeps_other_paths_readable(path: str) -> None:
    assert f'"GET {path} HTTP/1.1" 200' in _access_line(path)


async def _not_found(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def test_a_real_uvicorn_access_log_shows_no_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """uvicorn itself writes the lines, with the log configuration of ``kasse serve``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        # listening already: the requests wait in the backlog until the server accepts them
        sock.listen()
        port = sock.getsockname()[1]
        config = uvicorn.Config(_not_found, log_config=uvicorn_log_config(), lifespan="off")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await client.get(f"/api/v4/orders/{TOKEN}/invoice.pdf?token={TOKEN}")
            await client.put(f"/api/v3/barcodes/{BARCODE}/exit")
            await client.get("/api/v4/tickets/3/capacity")
        server.should_exit = True
        await serving
    log = capsys.readouterr().out
    assert TOKEN not in log
    assert BARCODE not in log
    assert '"GET /api/v4/orders/[redacted]/invoice.pdf?[redacted] HTTP/1.1" 404' in log
    assert '"PUT /api/v3/barcodes/[redacted]/exit HTTP/1.1" 404' in log
    assert '"GET /api/v4/tickets/3/capacity HTTP/1.1" 404' in log
