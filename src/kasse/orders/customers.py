"""Customers of orders, found again by the integrator's ``foreign_id`` (per API token)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.lookups import COUNTRIES
from kasse.core.errors import Unprocessable
from kasse.core.sql import upsert
from kasse.models import Customer, CustomerAddress
from kasse.orders.schemas import CustomerIn

CUSTOMER_FIELDS = (
    "name",
    "surname",
    "email",
    "language",
    "salutation_id",
    "addr_institution",
    "addr_street",
    "addr_zip",
    "addr_city",
    "addr_country",
)


def _has_details(data: CustomerIn) -> bool:
    return any(getattr(data, name) is not None for name in CUSTOMER_FIELDS)


async def _by_foreign_id(
    session: AsyncSession, api_token_id: int | None, foreign_id: str
) -> Customer | None:
    customer: Customer | None = await session.scalar(
        select(Customer).where(
            Customer.api_token_id == api_token_id, Customer.foreign_id == foreign_id
        )
    )
    return customer


async def find_or_create_by_foreign_id(
    session: AsyncSession, api_token_id: int | None, foreign_id: str, now: datetime
) -> Customer:
    """The token's customer with ``foreign_id``, created when missing; the insert of a concurrent
    request creating it waits for that request and then does nothing, instead of failing the
    unique key."""
    await session.execute(
        upsert(session, Customer)
        .values(foreign_id=foreign_id, api_token_id=api_token_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["api_token_id", "foreign_id"])
    )
    customer = await _by_foreign_id(session, api_token_id, foreign_id)
    assert customer is not None
    return customer


async def resolve_customer(
    session: AsyncSession, data: CustomerIn, api_token_id: int | None, now: datetime
) -> Customer:
    """The customer a finalize names: known by ``foreign_id`` among the customers of the calling
    token (updated with what is given), or new. Another token's customer with the same
    ``foreign_id`` is never found, so no caller reads or changes a customer it did not create."""
    if data.foreign_id is not None:
        customer = await _by_foreign_id(session, api_token_id, data.foreign_id)
        if customer is None:
            if not _has_details(data):
                raise Unprocessable(f"no customer with foreign_id {data.foreign_id!r}")
            customer = await find_or_create_by_foreign_id(
                session, api_token_id, data.foreign_id, now
            )
    elif not _has_details(data):
        raise Unprocessable("customer: give a foreign_id or the customer's details")
    else:
        customer = Customer(api_token_id=api_token_id, created_at=now)
        session.add(customer)
    for name in CUSTOMER_FIELDS:
        value = getattr(data, name)
        if value is not None:
            setattr(customer, name, value)
    await session.flush()
    return customer


def country_id_of(country: str | None) -> int | None:
    """The lookup id of a country given as ISO code or name (German or English), if known."""
    wanted = (country or "").strip().casefold()
    for entry in COUNTRIES:
        if wanted in (entry.code.casefold(), *(n.casefold() for n in entry.names.values())):
            return entry.id
    return None


async def remember_address(session: AsyncSession, customer: Customer, now: datetime) -> int | None:
    """The id of the address row that holds the customer's postal address (None without one).

    Orders name their billing address by this id and the annual-pass flow ships to addresses
    by id: a changed address is added as a new row, the earlier ones stay as they were.
    """
    if not (customer.addr_street or customer.addr_zip or customer.addr_city):
        return None
    values = {
        "street": customer.addr_street,
        "zip": customer.addr_zip,
        "city": customer.addr_city,
        "country_id": country_id_of(customer.addr_country),
    }
    known = await session.scalar(
        select(CustomerAddress.id).where(
            CustomerAddress.customer_id == customer.id,
            *(getattr(CustomerAddress, name).is_not_distinct_from(v) for name, v in values.items()),
        )
    )
    if known is not None:
        return known
    address = CustomerAddress(customer_id=customer.id, created_at=now, **values)
    session.add(address)
    await session.flush()
    return address.id
