"""What the migration tests share: work on a database at some revision, outside any app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.db import Instance, open_instance
from kasse.models import Museum, Order, OrderItem, Ticket, TicketSale
from kasse.settings import Settings


def run_on(url: str, work: Callable[[Instance], Awaitable[Any]]) -> Any:
    """``work`` on an instance of the database at ``url``, as one synchronous call."""

    async def run() -> Any:
        instance = open_instance("test", url, Settings(database_url=url, instances={}))
        try:
            return await work(instance)
        finally:
            await instance.dispose()

    return asyncio.run(run())


def sql(url: str, statement: str, **values: Any) -> list[Any]:
    """One SQL statement on the database at ``url`` (in its own transaction), its rows if any:
    for revisions whose tables the models no longer describe."""

    async def run(instance: Instance) -> list[Any]:
        async with instance.write_engine.begin() as conn:
            result = await conn.execute(text(statement), values)
            return list(result) if result.returns_rows else []

    result: list[Any] = run_on(url, run)
    return result


ANNUAL = 8  # the demo's annual pass


async def annual_pass_catalog(session: AsyncSession) -> None:
    """A museum with the annual pass and nothing else: the catalog loader writes the columns of
    today's tables, which an older revision may not have."""
    session.add(Museum(id=1, title={"de": "Museum"}))
    session.add(Ticket(id=ANNUAL, title={"de": "Jahreskarte"}, ticket_type="annual", price_cents=1))
    await session.flush()


async def annual_pass_sale(
    session: AsyncSession, order: dict[str, Any], quantity: int = 1
) -> tuple[int, TicketSale]:
    """An order of ``order``'s values with one item of ``quantity`` annual passes, written as the
    tables hold it: migration tests fill databases of older revisions without the API. The
    order is inserted with the given columns only (not as a model object, which would name
    every column of today's table); its id is returned with the sale."""
    order_id = await session.scalar(insert(Order).values(**order).returning(Order.id))
    assert order_id is not None
    line = OrderItem(
        order_id=order_id,
        type="Ticket",
        position=0,
        price_cents=order["total_price_cents"],
        vat_pct=7.0,
        tax_included=True,
    )
    session.add(line)
    await session.flush()
    sale = TicketSale(
        order_item_id=line.id, ticket_id=ANNUAL, title="Jahreskarte", quantity=quantity
    )
    session.add(sale)
    await session.flush()
    return order_id, sale
