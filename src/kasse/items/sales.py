"""A kind's own row per order item (a ticket sale, a coupon sale): written and read in bulk."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from kasse.core.sql import run, table_of


class SaleRow(Protocol):
    """A model with one row per order item."""

    @property
    def id(self) -> int: ...

    @property
    def order_item_id(self) -> int: ...


SaleT = TypeVar("SaleT", bound=SaleRow)


@functools.cache
def _insert_returning_ids(model: type[SaleRow]) -> ReturningInsert[int, int]:
    """Built once per model (see core/sql.py)."""
    table = table_of(model)
    return insert(table).returning(table.c.id, table.c.order_item_id)


async def write_sales(
    session: AsyncSession, model: type[SaleT], rows: Sequence[dict[str, Any]]
) -> dict[int, SaleT]:
    """``rows`` (each with its ``order_item_id``) in one insert, returned by order item id as
    models carrying their new ids: what the item's shape reads, without reading it back."""
    written = await run(session, _insert_returning_ids(model), list(rows))
    ids = {item_id: sale_id for sale_id, item_id in written}
    make: Callable[..., SaleT] = model  # a mapped class takes its columns as keywords
    return {row["order_item_id"]: make(id=ids[row["order_item_id"]], **row) for row in rows}


async def read_sales(
    session: AsyncSession, model: type[SaleT], item_ids: Sequence[int]
) -> dict[int, SaleT]:
    """The rows of the order items ``item_ids``, by order item id."""
    if not item_ids:
        return {}
    table = table_of(model)
    query = select(model).where(table.c.order_item_id.in_(item_ids))
    return {sale.order_item_id: sale for sale in await session.scalars(query)}
