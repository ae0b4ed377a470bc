"""What an order's personalization token reaches, and nothing beyond it.

The token opens its own order once that order is binding (finalized and valid), with the annual
ticket sales that are not cancelled, their personalizations, the customers created under the token
and the buyer. Everything else is a 404 that says no more than "not found": an unknown token, a
missing one, an order that is cancelled or not binding yet, and ids of another order alike.
Lookups go through the unique (indexed) token columns.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.errors import NotFound, TokenNotFound, Unprocessable
from kasse.core.locking import LockRank, lock
from kasse.core.times import render
from kasse.items.state import is_binding
from kasse.models import Customer, CustomerAddress, Order, OrderItem, Personalization, TicketSale
from kasse.models.catalog import Ticket
from kasse.settings import Settings

NO_ORDER = "personalization not found"
ANNUAL = "annual"


async def open_order(
    session: AsyncSession, token: str | None, now: datetime, *, lock_with: Settings | None = None
) -> Order:
    """The binding order of a personalization token; locked (``lock_with`` the instance's
    settings) so that changes take turns."""
    if not token:
        raise TokenNotFound(NO_ORDER)
    query = select(Order).where(Order.personalization_token == token)
    result = (
        await session.execute(query)
        if lock_with is None
        else await lock(session, query, LockRank.ORDER, lock_with)
    )
    order: Order | None = result.scalar()
    if order is None or not is_binding(order, now):
        raise TokenNotFound(NO_ORDER)
    return order


def require_not_finalized(order: Order, tz: ZoneInfo) -> None:
    """After the personalization is finalized its cards, holders and start dates stay as they are."""
    if order.personalized_at is not None:
        raise Unprocessable(
            f"the personalization of order {order.id} was finalized on "
            f"{render(order.personalized_at, tz)}: nothing can be changed any more"
        )


def _annual_sales_of(order: Order) -> Select[TicketSale, Ticket]:
    return (
        select(TicketSale, Ticket)
        .join(OrderItem, OrderItem.id == TicketSale.order_item_id)
        .join(Ticket, Ticket.id == TicketSale.ticket_id)
        .where(
            OrderItem.order_id == order.id,
            OrderItem.cancelled_at.is_(None),
            Ticket.ticket_type == ANNUAL,
        )
    )


async def annual_sales(session: AsyncSession, order: Order) -> list[tuple[TicketSale, Ticket]]:
    """The order's annual ticket sales that are not cancelled, in item order."""
    rows = await session.execute(_annual_sales_of(order).order_by(OrderItem.position))
    return [(sale, ticket) for sale, ticket in rows]


async def annual_sale(
    session: AsyncSession, order: Order, sale_id: int
) -> tuple[TicketSale, Ticket]:
    row = (
        await session.execute(_annual_sales_of(order).where(TicketSale.id == sale_id))
    ).one_or_none()
    if row is None:
        raise NotFound(f"ticket sale {sale_id} not found")
    sale, ticket = row
    return sale, ticket


async def personalization(
    session: AsyncSession, order: Order, personalization_id: int
) -> tuple[Personalization, TicketSale, Ticket]:
    row = (
        await session.execute(
            _annual_sales_of(order)
            .add_columns(Personalization)
            .join(Personalization, Personalization.ticket_sale_id == TicketSale.id)
            .where(Personalization.id == personalization_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"personalization {personalization_id} not found")
    sale, ticket, found = row
    return found, sale, ticket


async def created_customer(session: AsyncSession, order: Order, customer_id: int) -> Customer:
    """A customer created under this order's token; the buyer's own data is not changed here."""
    customer = await session.get(Customer, customer_id)
    if customer is not None and customer.created_for_order_id == order.id:
        return customer
    if customer_id == order.customer_id:
        raise Unprocessable(
            f"customer {customer_id} is the order's buyer, whose data the personalization link "
            "does not change: create a customer for the card holder instead"
        )
    raise NotFound(f"customer {customer_id} not found")


async def holder(session: AsyncSession, order: Order, customer_token: str | None) -> Customer:
    """The customer a card is personalized for: one created under this order (by its token), or
    the buyer when no token is given. A token of another order is as unknown as a made-up one."""
    if customer_token is None:
        if order.customer_id is None:
            raise Unprocessable(
                "the order names no buyer: give the customer_personalization_token of a "
                "customer created with POST /annual/customers"
            )
        buyer = await session.get(Customer, order.customer_id)
        assert buyer is not None  # the foreign key sets it to NULL when the customer goes
        return buyer
    customer: Customer | None = await session.scalar(
        select(Customer).where(Customer.personalization_token == customer_token)
    )
    if customer is None or customer.created_for_order_id != order.id:
        raise Unprocessable(
            "customer_personalization_token: no customer of this order has this token"
        )
    return customer


async def address_of(session: AsyncSession, customer: Customer, address_id: int) -> CustomerAddress:
    address = await session.get(CustomerAddress, address_id)
    if address is None or address.customer_id != customer.id:
        raise Unprocessable(
            f"customer_adress_id: {address_id} is not an address of customer {customer.id}"
        )
    return address
