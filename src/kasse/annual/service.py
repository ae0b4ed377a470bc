"""The personalization flow of annual passes: holders, cards, portraits, finalize, start moves.

Every change locks the order row first, so that concurrent requests of one order take turns and a
finalize sees the cards as the last change left them. Once the personalization is finalized
nothing in it changes any more (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual import access
from kasse.annual.portraits import PreparedPortrait
from kasse.annual.schemas import CustomerChangeIn, CustomerIn, PersonalizationIn, TicketSaleIn
from kasse.annual.shapes import (
    Card,
    Wording,
    customer_shape,
    customers_by_id,
    load_cards,
    order_shape,
    personalizations_by_sale,
    sale_shape,
)
from kasse.annual.validity import add_months, validity_end
from kasse.catalog.snapshot import Catalog
from kasse.core.db import Instance
from kasse.core.errors import Unprocessable
from kasse.core.ids import new_token
from kasse.core.times import local_date, to_utc, today
from kasse.models import (
    Barcode,
    Customer,
    CustomerAddress,
    EntryAdmission,
    Order,
    Personalization,
    Portrait,
    TicketSale,
)
from kasse.models.catalog import Ticket
from kasse.settings import Settings

# 24 random bytes (192 bits), like the order's own personalization token.
CUSTOMER_TOKEN_BYTES = 24
# A pass may start at most this far ahead of today.
MAX_START_MONTHS_AHEAD = 12
# Customers one personalization link may create: a few per card, for typos and second thoughts.
CUSTOMERS_PER_LINK, CUSTOMERS_PER_CARD = 10, 2
ADDRESS_FIELDS = {"addr_street": "street", "addr_zip": "zip", "addr_city": "city"}


@dataclass(frozen=True)
class AnnualContext:
    session: AsyncSession
    settings: Settings
    now: datetime
    tz: ZoneInfo

    def wording(self, order: Order) -> Wording:
        return Wording(order.locale, self.settings.default_locale, self.tz)


async def _open_for_change(ctx: AnnualContext, token: str | None) -> Order:
    order = await access.open_order(ctx.session, token, ctx.now, lock_with=ctx.settings)
    access.require_not_finalized(order, ctx.tz)
    return order


async def _card_shape(ctx: AnnualContext, card: Personalization) -> dict[str, Any]:
    shapes = await personalizations_by_sale(ctx.session, [card.ticket_sale_id])
    return next(s for s in shapes[card.ticket_sale_id] if s["id"] == card.id)


# -- reading --------------------------------------------------------------------------------------


async def read_order(ctx: AnnualContext, token: str | None) -> dict[str, Any]:
    order = await access.open_order(ctx.session, token, ctx.now)
    sales = await access.annual_sales(ctx.session, order)
    return await order_shape(ctx.session, order, sales, ctx.wording(order))


# -- customers ------------------------------------------------------------------------------------


async def _require_room_for_customer(ctx: AnnualContext, order: Order) -> None:
    """A link that creates customers without end is abuse, not a family."""
    sales = await access.annual_sales(ctx.session, order)
    limit = CUSTOMERS_PER_LINK + CUSTOMERS_PER_CARD * sum(sale.quantity for sale, _ in sales)
    created = await ctx.session.scalar(
        select(func.count()).select_from(Customer).where(Customer.created_for_order_id == order.id)
    )
    if (created or 0) >= limit:
        raise Unprocessable(f"order {order.id} has {limit} customers already: change one instead")


async def create_customer(
    ctx: AnnualContext, token: str | None, data: CustomerIn
) -> dict[str, Any]:
    """A card holder with one address and a token that binds cards of this order to them."""
    order = await _open_for_change(ctx, token)
    await _require_room_for_customer(ctx, order)
    customer = Customer(
        name=data.name,
        surname=data.surname,
        email=data.email,
        salutation_id=data.customer_salutation_id,
        created_at=ctx.now,
        personalization_token=new_token(CUSTOMER_TOKEN_BYTES),
        created_for_order_id=order.id,
    )
    ctx.session.add(customer)
    await ctx.session.flush()
    address = CustomerAddress(
        customer_id=customer.id,
        street=data.addr_street,
        zip=data.addr_zip,
        city=data.addr_city,
        country_id=data.addr_country_id,
        created_at=ctx.now,
    )
    ctx.session.add(address)
    await ctx.session.flush()
    return {
        **customer_shape(customer, [address]),
        "personalization_token": customer.personalization_token,
    }


async def _first_address(ctx: AnnualContext, customer: Customer) -> CustomerAddress | None:
    address: CustomerAddress | None = await ctx.session.scalar(
        select(CustomerAddress)
        .where(CustomerAddress.customer_id == customer.id)
        .order_by(CustomerAddress.id)
        .limit(1)
    )
    return address


async def update_customer(
    ctx: AnnualContext, token: str | None, customer_id: int, data: CustomerChangeIn
) -> dict[str, Any]:
    """Change a customer created under this order; the address fields change its address."""
    order = await _open_for_change(ctx, token)
    customer = await access.created_customer(ctx.session, order, customer_id)
    given = data.model_dump(exclude_none=True)
    for field in ("name", "surname", "email"):
        if field in given:
            setattr(customer, field, given[field])
    if "customer_salutation_id" in given:
        customer.salutation_id = given["customer_salutation_id"]
    address = await _first_address(ctx, customer)
    # A customer of this flow always has the address it was created with.
    assert address is not None
    for field, column in ADDRESS_FIELDS.items():
        if field in given:
            setattr(address, column, given[field])
    if "addr_country_id" in given:
        address.country_id = given["addr_country_id"]
    await ctx.session.flush()
    shape = (await customers_by_id(ctx.session, [customer.id]))[customer.id]
    return {**shape, "personalization_token": customer.personalization_token}


# -- personalizations -----------------------------------------------------------------------------


def _require_personalizable(sale: TicketSale, ticket: Ticket) -> None:
    if not ticket.personalizeable:
        raise Unprocessable(
            f"ticket sale {sale.id} is not personalizable: its cards need a dispatch mode only "
            f"(PUT /annual/ticket_sales/{sale.id})"
        )


async def _drop_portrait(ctx: AnnualContext, personalization_id: int) -> None:
    await ctx.session.execute(
        delete(Portrait).where(Portrait.personalization_id == personalization_id)
    )


async def bind_personalization(
    ctx: AnnualContext, token: str | None, personalization_id: int, data: PersonalizationIn
) -> dict[str, Any]:
    """Personalize a card for a holder and an address of theirs (and say how it is sent)."""
    order = await _open_for_change(ctx, token)
    card, sale, ticket = await access.personalization(ctx.session, order, personalization_id)
    _require_personalizable(sale, ticket)
    holder = await access.holder(ctx.session, order, data.customer_personalization_token)
    address = await access.address_of(ctx.session, holder, data.customer_adress_id)
    if card.customer_id is not None and card.customer_id != holder.id:
        # The photo showed the previous holder.
        await _drop_portrait(ctx, card.id)
    card.customer_id = holder.id
    card.address_id = address.id
    if data.dispatch_mode_id is not None:
        card.dispatch_mode_id = data.dispatch_mode_id
    card.updated_at = ctx.now
    await ctx.session.flush()
    return await _card_shape(ctx, card)


async def check_portrait_target(
    instance: Instance, token: str | None, personalization_id: int, now: datetime
) -> None:
    """Refuse an upload to a card out of reach before its bytes are read and decoded.

    In a short read transaction of its own: the request's write transaction (on SQLite the
    database's single write lock) starts only once the image is checked.
    """
    async with instance.read_sessions() as session:
        order = await access.open_order(session, token, now)
        access.require_not_finalized(order, instance.tz)
        _card, sale, ticket = await access.personalization(session, order, personalization_id)
        _require_personalizable(sale, ticket)


async def store_portrait(
    ctx: AnnualContext, token: str | None, personalization_id: int, portrait: PreparedPortrait
) -> dict[str, Any]:
    """Keep the checked portrait of a card, replacing an earlier one."""
    order = await _open_for_change(ctx, token)
    card, sale, ticket = await access.personalization(ctx.session, order, personalization_id)
    _require_personalizable(sale, ticket)
    stored = await ctx.session.get(Portrait, card.id)
    if stored is None:
        stored = Portrait(personalization_id=card.id)
        ctx.session.add(stored)
    stored.content_type = portrait.content_type
    stored.width = portrait.width
    stored.height = portrait.height
    stored.data = portrait.data
    stored.uploaded_at = ctx.now
    card.updated_at = ctx.now
    await ctx.session.flush()
    return await _card_shape(ctx, card)


# -- finalize -------------------------------------------------------------------------------------


def _not_ready(cards: list[Card]) -> list[str]:
    return [
        f"personalization {card.row.id}: {', '.join(card.missing())} missing"
        for card in cards
        if not card.ready
    ]


async def finalize(ctx: AnnualContext, token: str | None) -> dict[str, Any]:
    """Close the personalization once every card is ready; afterwards nothing in it changes."""
    order = await _open_for_change(ctx, token)
    sales = await access.annual_sales(ctx.session, order)
    if not sales:
        raise Unprocessable(f"order {order.id} has no annual passes left to personalize")
    cards = await load_cards(ctx.session, [sale.id for sale, _ in sales])
    problems = _not_ready(cards)
    if problems:
        ids = ", ".join(str(card.row.id) for card in cards if not card.ready)
        raise Unprocessable(f"not every card is ready: personalizations {ids}", problems)
    order.personalized_at = ctx.now
    await ctx.session.flush()
    return await order_shape(ctx.session, order, sales, ctx.wording(order))


# -- moving the start -----------------------------------------------------------------------------


async def _require_unused(ctx: AnnualContext, sale: TicketSale) -> None:
    used = await ctx.session.scalar(
        select(
            exists()
            .where(EntryAdmission.barcode_id == Barcode.id)
            .where(Barcode.ticket_sale_id == sale.id)
        )
    )
    if used:
        raise Unprocessable(
            f"ticket sale {sale.id} was used at the entrance already: its start stays"
        )


def start_problem(catalog: Catalog, sale: TicketSale, day: date, first_day: date) -> str | None:
    """Why a pass cannot start on ``day`` (``first_day``: today), or None when it can.

    The museum's open days do not matter: a pass is valid on every day of its span.
    """
    last_day = add_months(first_day, MAX_START_MONTHS_AHEAD)
    ticket = catalog.ticket(sale.ticket_id)
    if ticket is None:
        return f"ticket {sale.ticket_id} is no longer sold"
    if day < first_day:
        return f"{day.isoformat()} is in the past: the earliest start is today, {first_day}"
    if day > last_day:
        return (
            f"{day.isoformat()} is more than {MAX_START_MONTHS_AHEAD} months ahead: "
            f"the latest start is {last_day.isoformat()}"
        )
    if not ticket.valid_on(day):
        return f"ticket {ticket.id} cannot start on {day.isoformat()} (outside its sale period)"
    return None


async def move_start(
    ctx: AnnualContext, catalog: Catalog, token: str | None, sale_id: int, data: TicketSaleIn
) -> dict[str, Any]:
    """Move an unused pass to another start; its end moves with it (same number of months)."""
    order = await _open_for_change(ctx, token)
    sale, ticket = await access.annual_sale(ctx.session, order, sale_id)
    await _require_unused(ctx, sale)
    start = to_utc(data.start_at, ctx.tz)
    problem = start_problem(catalog, sale, local_date(start, ctx.tz), today(ctx.now, ctx.tz))
    if problem is not None:
        raise Unprocessable(f"start_at: {problem}")
    sale.start_at = start
    sale.valid_until = validity_end(start, ticket.validity_months, ctx.tz)
    if data.dispatch_mode_id is not None:
        await ctx.session.execute(
            update(Personalization)
            .where(Personalization.ticket_sale_id == sale.id)
            .values(dispatch_mode_id=data.dispatch_mode_id, updated_at=ctx.now)
        )
    await ctx.session.flush()
    cards = (await personalizations_by_sale(ctx.session, [sale.id])).get(sale.id, [])
    return sale_shape(order, sale, ticket, cards, ctx.wording(order))
