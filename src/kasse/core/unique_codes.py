"""Random codes that must be unique (barcodes, coupon codes), inserted in one statement.

A code space large enough to be unguessable makes a clash rare, but not impossible: a drawn code
that already exists is skipped by the insert (``ON CONFLICT DO NOTHING``) and drawn again, rather
than failing the order on the unique key. One insert for every code of a request; another only
after a clash.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from sqlalchemy import Column, Row, Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from kasse.core.sql import INSERTS, run

K = TypeVar("K", bound=Hashable)
# Draws of a group's missing codes before giving up; a second one is needed about once in a
# million draws with a million codes issued, a tenth would mean a broken generator.
MAX_DRAWS = 10


@functools.cache
def _insert_new(
    dialect: str, table: Table, code_column: str, returning: tuple[Column[Any], ...]
) -> ReturningInsert[Any]:
    """Built once per table (see core/sql.py)."""
    insert = INSERTS[dialect](table).on_conflict_do_nothing(index_elements=[table.c[code_column]])
    return insert.returning(*returning)


class CodesExhausted(RuntimeError):
    """No new codes could be drawn: the random source or the code space is broken."""


async def insert_unique_codes(
    session: AsyncSession,
    table: Table,
    code_column: str,
    wanted: Mapping[K, int],
    draw: Callable[[K], dict[str, Any]],
    group_of: Callable[[Row[Any]], K],
    returning: tuple[Column[Any], ...],
) -> list[Row[Any]]:
    """Insert ``wanted[k]`` rows for each group ``k``, each made by ``draw(k)`` around a random
    code in ``code_column``; returns the ``returning`` columns of every inserted row."""
    missing = {group: count for group, count in wanted.items() if count > 0}
    inserted: list[Row[Any]] = []
    for _ in range(MAX_DRAWS):
        if not missing:
            return inserted
        drawn: dict[Any, dict[str, Any]] = {}
        for group, count in missing.items():
            for _ in range(count):
                values = draw(group)
                drawn.setdefault(values[code_column], values)  # drawn twice in one batch: once
        statement = _insert_new(session.get_bind().dialect.name, table, code_column, returning)
        for returned in await run(session, statement, list(drawn.values())):
            inserted.append(returned)
            missing[group_of(returned)] -= 1
        missing = {group: count for group, count in missing.items() if count > 0}
    if missing:
        raise CodesExhausted(f"no new {table.name}.{code_column} after {MAX_DRAWS} draws")
    return inserted
