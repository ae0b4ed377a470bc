"""What buying an annual pass adds to an order: a validity, and one personalization per place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual.validity import validity_end
from kasse.catalog.snapshot import TicketData
from kasse.core.ids import new_token
from kasse.core.sql import table_of
from kasse.models import Order, Personalization

# 24 random bytes: 192 bits, well above the 128 the design asks of tokens that open an order.
PERSONALIZATION_TOKEN_BYTES = 24


def is_annual(ticket: TicketData) -> bool:
    return ticket.row.ticket_type == "annual"


def annual_valid_until(
    ticket: TicketData, start_at: datetime | None, tz: ZoneInfo
) -> datetime | None:
    """The exclusive end of an annual pass starting at ``start_at``; None for other tickets."""
    if not is_annual(ticket) or start_at is None:
        return None
    return validity_end(start_at, ticket.row.validity_months, tz)


async def start_annual_sales(
    session: AsyncSession, order_id: int, places_by_sale: Mapping[int, int]
) -> str | None:
    """One personalization (card) per place of each annual sale, and the token of the order's
    personalization flow (None when there are no annual sales)."""
    if not places_by_sale:
        return None
    token = new_token(PERSONALIZATION_TOKEN_BYTES)
    await session.execute(
        insert(table_of(Personalization)),
        [
            {"ticket_sale_id": sale_id, "position": position}
            for sale_id, places in places_by_sale.items()
            for position in range(places)
        ],
    )
    await session.execute(
        update(table_of(Order)).where(Order.id == order_id).values(personalization_token=token)
    )
    return token
