"""The wire shapes of annual orders, loaded in a fixed number of queries however many cards.

``personalizations_by_sale`` is shared with the order detail (``GET /api/v4/orders/:id``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.i18n import translate
from kasse.core.times import render
from kasse.models import Customer, CustomerAddress, Order, Personalization, Portrait, TicketSale
from kasse.models.catalog import Ticket


@dataclass(frozen=True)
class Card:
    """A personalization with what its readiness depends on."""

    row: Personalization
    personalizable: bool
    has_portrait: bool

    def missing(self) -> list[str]:
        """What the card still needs before it can be shipped."""
        needs = {"dispatch mode": self.row.dispatch_mode_id}
        if self.personalizable:
            needs = {"customer": self.row.customer_id, "address": self.row.address_id, **needs}
        return [what for what, value in needs.items() if value is None]

    @property
    def ready(self) -> bool:
        return not self.missing()


async def load_cards(session: AsyncSession, sale_ids: Iterable[int]) -> list[Card]:
    """The personalizations of the given sales, by sale and position."""
    ids = list(sale_ids)
    if not ids:
        return []
    rows = (
        await session.execute(
            select(Personalization, Ticket.personalizeable)
            .join(TicketSale, TicketSale.id == Personalization.ticket_sale_id)
            .join(Ticket, Ticket.id == TicketSale.ticket_id)
            .where(Personalization.ticket_sale_id.in_(ids))
            .order_by(Personalization.ticket_sale_id, Personalization.position)
        )
    ).all()
    card_ids = [row.id for row, _ in rows]
    # Only whether a portrait exists: its bytes are loaded where it is printed.
    with_portrait = set(
        await session.scalars(
            select(Portrait.personalization_id).where(Portrait.personalization_id.in_(card_ids))
        )
    )
    return [
        Card(row, bool(personalizable), row.id in with_portrait) for row, personalizable in rows
    ]


def address_shape(address: CustomerAddress) -> dict[str, Any]:
    return {
        "id": address.id,
        "zip": address.zip,
        "street": address.street,
        "country_id": address.country_id,
        "city": address.city,
    }


def customer_shape(customer: Customer, addresses: list[CustomerAddress]) -> dict[str, Any]:
    return {
        "id": customer.id,
        "name": customer.name,
        "surname": customer.surname,
        "email": customer.email,
        "salutation_id": customer.salutation_id,
        "addresses": [address_shape(a) for a in addresses],
    }


async def customers_by_id(
    session: AsyncSession, customer_ids: Iterable[int | None]
) -> dict[int, dict[str, Any]]:
    """Customers with their addresses (oldest first), in two queries."""
    ids = {i for i in customer_ids if i is not None}
    if not ids:
        return {}
    addresses: dict[int, list[CustomerAddress]] = defaultdict(list)
    for address in await session.scalars(
        select(CustomerAddress)
        .where(CustomerAddress.customer_id.in_(ids))
        .order_by(CustomerAddress.id)
    ):
        addresses[address.customer_id].append(address)
    customers = await session.scalars(select(Customer).where(Customer.id.in_(ids)))
    return {c.id: customer_shape(c, addresses[c.id]) for c in customers}


def card_shape(card: Card, customers: dict[int, dict[str, Any]]) -> dict[str, Any]:
    row = card.row
    return {
        "id": row.id,
        "ready": card.ready,
        "customer": customers.get(row.customer_id) if row.customer_id is not None else None,
        "address_id": row.address_id,
        "dispatch_mode_id": row.dispatch_mode_id,
        "portrait": card.has_portrait,
    }


async def personalizations_by_sale(
    session: AsyncSession, sale_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Each annual sale's personalizations (by position) in their wire shape; four queries in all.

    Sales without personalizations (every sale that is not an annual pass) are left out.
    """
    cards = await load_cards(session, sale_ids)
    customers = await customers_by_id(session, (card.row.customer_id for card in cards))
    shapes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for card in cards:
        shapes[card.row.ticket_sale_id].append(card_shape(card, customers))
    return dict(shapes)


def sale_status(order: Order, sale: TicketSale) -> str:
    if sale.sent_at is not None:
        return "sent"
    return "ready_to_send" if order.personalized_at is not None else "personalization_pending"


@dataclass(frozen=True)
class Wording:
    """How texts and times are rendered: the order's language, the instance's zone."""

    locale: str
    fallback: str
    tz: ZoneInfo


def sale_shape(
    order: Order,
    sale: TicketSale,
    ticket: Ticket,
    cards: list[dict[str, Any]],
    wording: Wording,
) -> dict[str, Any]:
    return {
        "id": sale.id,
        "title": sale.title,
        "description": translate(ticket.description, wording.locale, wording.fallback) or "",
        "start_at": render(sale.start_at, wording.tz),
        "valid_until": render(sale.valid_until, wording.tz),
        "sent_at": render(sale.sent_at, wording.tz),
        "status": sale_status(order, sale),
        "is_personalizable": ticket.personalizeable,
        "personalizations": cards,
    }


async def order_shape(
    session: AsyncSession,
    order: Order,
    sales: list[tuple[TicketSale, Ticket]],
    wording: Wording,
) -> dict[str, Any]:
    """The order as GET /annual/order shows it: the buyer and the annual sales with their cards."""
    cards = await personalizations_by_sale(session, [sale.id for sale, _ in sales])
    buyers = await customers_by_id(session, [order.customer_id])
    buyer = buyers.get(order.customer_id) if order.customer_id is not None else None
    addresses = buyer["addresses"] if buyer else []
    return {
        "id": order.id,
        "customer": buyer,
        "shipping_address_id": addresses[0]["id"] if addresses else None,
        "personalized_at": render(order.personalized_at, wording.tz),
        "ticket_sales": [
            sale_shape(order, sale, ticket, cards.get(sale.id, []), wording)
            for sale, ticket in sales
        ],
    }
