"""What buying an annual pass adds to an order: a validity, and one personalization per place."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual.validity import validity_end
from kasse.catalog.snapshot import TicketData
from kasse.core.ids import new_token
from kasse.models import Order, Personalization, TicketSale

# 24 random bytes: 192 bits, well above the 128 the design asks of tokens that open an order.
PERSONALIZATION_TOKEN_BYTES = 24


def is_annual(ticket: TicketData) -> bool:
    return ticket.row.ticket_type == "annual"


def start_annual_sale(
    session: AsyncSession, order: Order, sale: TicketSale, ticket: TicketData, tz: ZoneInfo
) -> None:
    """Give the sale its validity and its personalizations, and the order its flow token."""
    if sale.start_at is not None:
        sale.valid_until = validity_end(sale.start_at, ticket.row.validity_months, tz)
    if order.personalization_token is None:
        order.personalization_token = new_token(PERSONALIZATION_TOKEN_BYTES)
    session.add_all(
        Personalization(ticket_sale_id=sale.id, position=position)
        for position in range(sale.quantity)
    )
