"""Migration 0005: a foreign_id is unique per API token; customers shared by tokens are split."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from tests.conftest import migrated_database_named
from tests.migrations.support import annual_pass_catalog, annual_pass_sale, run_on

from kasse.core.db import Instance
from kasse.migrations import alembic_config, upgrade
from kasse.models import (
    ApiToken,
    Customer,
    CustomerAddress,
    Order,
    OrderItem,
    Personalization,
    TicketSale,
)

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def database_at_0004(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database_named(tmp_path_factory, "at0004", revision="0004")


@dataclass
class Before:
    """Ids of the rows written at 0004."""

    t1: int
    t2: int
    shared: int  # crm-X: created by t1, then named (and overwritten) by t2
    shared_address: int
    orphan: int  # crm-O: made by the CLI without a token, ordered for by t2 only
    visitor: int  # the customer token of crm-O
    own: int  # crm-Y: t1's only
    orders: dict[str, int]


async def _order(session: Any, token_id: int, customer_id: int, address_id: int | None) -> int:
    """An annual-pass order with one card bound to its buyer."""
    order = {
        "token": f"order-{token_id}-{customer_id}-{address_id}",
        "api_token_id": token_id,
        "customer_id": customer_id,
        "total_price_cents": 8900,
        "source": "resellershop",
        "locale": "de",
        "created_at": NOW,
    }
    order_id, sale = await annual_pass_sale(session, order)
    session.add(
        Personalization(
            ticket_sale_id=sale.id, position=1, customer_id=customer_id, address_id=address_id
        )
    )
    await session.flush()
    return order_id


async def _fill(instance: Instance) -> Before:
    async with instance.write_sessions() as session, session.begin():
        await annual_pass_catalog(session)
        t1, t2 = (
            ApiToken(name=name, token_hash=name * 8, access="reseller", created_at=NOW)
            for name in ("t1", "t2")
        )
        session.add_all([t1, t2])
        await session.flush()
        shared = Customer(foreign_id="crm-X", api_token_id=t1.id, email="m@evil.example")
        orphan = Customer(foreign_id="crm-O", email="o@example.org")
        own = Customer(foreign_id="crm-Y", api_token_id=t1.id, email="y@example.org")
        for customer in (shared, orphan, own):
            customer.created_at = NOW
        session.add_all([shared, orphan, own])
        await session.flush()
        address = CustomerAddress(
            customer_id=shared.id, street="Weg 1", city="Bonn", created_at=NOW
        )
        visitor = ApiToken(
            name="visitor", token_hash="v" * 16, access="customer", customer_id=orphan.id
        )
        visitor.created_at = NOW
        session.add_all([address, visitor])
        await session.flush()
        orders = {
            "t1 crm-X": await _order(session, t1.id, shared.id, address.id),
            "t2 crm-X": await _order(session, t2.id, shared.id, address.id),
            "t2 crm-O": await _order(session, t2.id, orphan.id, None),
            "t1 crm-Y": await _order(session, t1.id, own.id, None),
        }
        return Before(t1.id, t2.id, shared.id, address.id, orphan.id, visitor.id, own.id, orders)


@dataclass
class After:
    customers: dict[int, tuple[str | None, int | None, str | None]]  # id -> foreign_id, owner, mail
    order_customer: dict[int, int | None]
    cards: dict[int, tuple[int | None, int | None]]  # order -> card's customer and address
    address_owner: dict[int, int]
    visitor_customer: int | None


async def _read(instance: Instance) -> After:
    async with instance.read_sessions() as session:
        customers = {
            c.id: (c.foreign_id, c.api_token_id, c.email)
            for c in await session.scalars(select(Customer))
        }
        orders = {o.id: o.customer_id for o in await session.scalars(select(Order))}
        cards = {
            order_id: (customer_id, address_id)
            for order_id, customer_id, address_id in await session.execute(
                select(OrderItem.order_id, Personalization.customer_id, Personalization.address_id)
                .join(TicketSale, TicketSale.order_item_id == OrderItem.id)
                .join(Personalization, Personalization.ticket_sale_id == TicketSale.id)
            )
        }
        addresses = {a.id: a.customer_id for a in await session.scalars(select(CustomerAddress))}
        visitor = await session.scalar(
            select(ApiToken.customer_id).where(ApiToken.name == "visitor")
        )
    return After(customers, orders, cards, addresses, visitor)


async def _insert_customer(instance: Instance, token_id: int, foreign_id: str) -> None:
    async with instance.write_sessions() as session, session.begin():
        session.add(Customer(foreign_id=foreign_id, api_token_id=token_id, created_at=NOW))


def test_customers_named_by_several_tokens_are_split_per_token(database_at_0004: str) -> None:
    url = database_at_0004
    before: Before = run_on(url, _fill)
    upgrade(url)
    after: After = run_on(url, _read)

    # t1 keeps its customer (id and all); t2's order and card move to a copy of t2's own.
    [copy] = set(after.customers) - {before.shared, before.orphan, before.own}
    assert after.customers[before.shared] == ("crm-X", before.t1, "m@evil.example")
    assert after.customers[copy] == ("crm-X", before.t2, "m@evil.example")
    assert after.order_customer[before.orders["t1 crm-X"]] == before.shared
    assert after.order_customer[before.orders["t2 crm-X"]] == copy
    assert after.cards[before.orders["t1 crm-X"]] == (before.shared, before.shared_address)
    card_customer, card_address = after.cards[before.orders["t2 crm-X"]]
    assert card_customer == copy
    assert card_address is not None and after.address_owner[card_address] == copy
    assert after.address_owner[before.shared_address] == before.shared

    # A customer without a token belongs to the token whose orders name it; its token stays.
    assert after.customers[before.orphan] == ("crm-O", before.t2, "o@example.org")
    assert after.order_customer[before.orders["t2 crm-O"]] == before.orphan
    assert after.visitor_customer == before.orphan
    assert after.customers[before.own] == ("crm-Y", before.t1, "y@example.org")
    assert after.order_customer[before.orders["t1 crm-Y"]] == before.own

    # Unique per token: a third token may use crm-X, t1 not a second time.
    run_on(url, lambda instance: _insert_customer(instance, before.visitor, "crm-X"))
    with pytest.raises(IntegrityError):
        run_on(url, lambda instance: _insert_customer(instance, before.t1, "crm-X"))


def test_the_downgrade_refuses_to_merge_customers_of_several_tokens(database_at_0004: str) -> None:
    url = database_at_0004
    before: Before = run_on(url, _fill)
    upgrade(url)
    with pytest.raises(RuntimeError, match="several tokens have customers with one foreign_id"):
        command.downgrade(alembic_config(url), "0004")
    run_on(url, lambda instance: _delete_customers_of(instance, before.t2))
    command.downgrade(alembic_config(url), "0004")
    upgrade(url)


async def _delete_customers_of(instance: Instance, token_id: int) -> None:
    async with instance.write_sessions() as session, session.begin():
        await session.execute(delete(Customer).where(Customer.api_token_id == token_id))
