"""What the timed runs consume, made over HTTP before they start: orders to finalize, orders whose
PDFs are fetched, barcodes to scan. Made with many concurrent requests (httpx), not timed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from bench.catalog import order_body

T = TypeVar("T")
CONCURRENCY = 32


class SetupError(RuntimeError):
    pass


@dataclass(frozen=True)
class PdfOrder:
    order_id: int
    token: str
    sale_id: int
    pages: int

    def path(self) -> str:
        return f"/api/v4/orders/{self.order_id}/tickets/{self.sale_id}.pdf?token={self.token}"


async def _gather_bounded(makers: list[Callable[[], Awaitable[T]]]) -> list[T]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(make: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await make()

    return list(await asyncio.gather(*(one(m) for m in makers)))


async def _post_order(client: httpx.AsyncClient, token: str, body: dict[str, Any]) -> Any:
    answer = await client.post(
        "/api/v4/orders", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    if answer.status_code != 200:
        raise SetupError(f"setup order failed: {answer.status_code} {answer.text[:500]}")
    return answer.json()["order"]


def create_orders(base_url: str, token: str, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """POST every body as an order (two-phase or direct, as the token says); the orders' JSON."""

    async def main() -> list[dict[str, Any]]:
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
            makers: list[Callable[[], Awaitable[Any]]] = [
                (lambda b=body: _post_order(client, token, b)) for body in bodies
            ]
            return await _gather_bounded(makers)

    return asyncio.run(main())


def pdf_orders(
    base_url: str, token: str, ticket_id: int, day_time: str, pages: int, count: int, price: int
) -> list[PdfOrder]:
    """``count`` direct orders of ``pages`` places each (one PDF page per place)."""
    bodies = [order_body(ticket_id, day_time, pages, price) for _ in range(count)]
    return [
        PdfOrder(
            order_id=o["id"],
            token=o["token"],
            sale_id=o["items"][0]["attributes"]["id"],
            pages=pages,
        )
        for o in create_orders(base_url, token, bodies)
    ]


def entry_barcodes(
    base_url: str, token: str, ticket_id: int, day_time: str, count: int, price: int
) -> list[str]:
    """At least ``count`` fresh barcodes of binding orders for today (1000 places per order)."""
    per_order = 1000
    orders = -(-count // per_order)
    bodies = [order_body(ticket_id, day_time, per_order, price) for _ in range(orders)]
    codes = [
        barcode["barcode"]
        for order in create_orders(base_url, token, bodies)
        for item in order["items"]
        for barcode in item["attributes"]["barcodes"]
    ]
    return codes


def two_phase_orders(
    base_url: str, token: str, slots: Iterator[tuple[int, str]], count: int, price: int
) -> list[int]:
    """``count`` two-phase orders of one place each, on the next slots: ids to finalize."""
    bodies = [order_body(ticket, moment, 1, price) for ticket, moment in _take(slots, count)]
    orders = create_orders(base_url, token, bodies)
    if any(o["status"] != "created" for o in orders):
        raise SetupError("a two-phase token made a binding order")
    return [o["id"] for o in orders]


def _take(slots: Iterator[tuple[int, str]], count: int) -> list[tuple[int, str]]:
    taken = []
    for _ in range(count):
        taken.append(next(slots))
    return taken
