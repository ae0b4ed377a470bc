"""SQL that differs between the two engines, written once.

Both PostgreSQL and SQLite know ``INSERT .. ON CONFLICT``; SQLAlchemy spells it in each dialect's
own ``insert``. Every upsert of kasse takes its statement from here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def upsert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """``INSERT INTO table`` in the session's dialect, ready for ``.on_conflict_do_...``."""
    return postgresql.insert(table) if is_postgres(session) else sqlite.insert(table)


def table_of(model: Any) -> Table:
    """The table of a model, for Core statements on the hot paths (no ORM unit of work)."""
    table: Table = model.__table__
    return table
