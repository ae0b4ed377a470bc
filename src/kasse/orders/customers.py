"""Customers of orders, found again by the integrator's ``foreign_id``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.core.errors import Unprocessable
from kasse.models import Customer
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


async def resolve_customer(
    session: AsyncSession, data: CustomerIn, api_token_id: int | None, now: datetime
) -> Customer:
    """The customer a finalize names: known by ``foreign_id`` (updated with what is given) or new."""
    customer = None
    if data.foreign_id is not None:
        customer = await session.scalar(
            select(Customer).where(Customer.foreign_id == data.foreign_id)
        )
        if customer is None and not _has_details(data):
            raise Unprocessable(f"no customer with foreign_id {data.foreign_id!r}")
    elif not _has_details(data):
        raise Unprocessable("customer: give a foreign_id or the customer's details")
    if customer is None:
        customer = Customer(foreign_id=data.foreign_id, api_token_id=api_token_id, created_at=now)
        session.add(customer)
    for name in CUSTOMER_FIELDS:
        value = getattr(data, name)
        if value is not None:
            setattr(customer, name, value)
    await session.flush()
    return customer
