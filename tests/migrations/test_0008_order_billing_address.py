"""Migration 0008: the billing address of an order; orders finalized before keep none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from alembic import command
from tests.conftest import migrated_database_named
from tests.migrations.support import sql

from kasse.migrations import alembic_config, upgrade

AT = datetime(2026, 11, 1, 9, 0)


@pytest.fixture
def database_at_0007(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database_named(tmp_path_factory, "at0007", revision="0007")


def _an_order_with_a_customer_and_an_address(url: str) -> None:
    sql(url, "INSERT INTO customers (id, name, created_at) VALUES (1, 'Lukas', :at)", at=AT)
    sql(
        url,
        "INSERT INTO customer_addresses (id, customer_id, street, city, created_at) "
        "VALUES (7, 1, 'Beispielallee 12', 'Berlin', :at)",
        at=AT,
    )
    sql(
        url,
        "INSERT INTO orders (id, token, customer_id, status, is_valid, total_price_cents, "
        "invoice, source, locale, payment_status, created_at) "
        "VALUES (5, 'T-5', 1, 'finalized', true, 1200, true, 'resellershop', 'de', NULL, :at)",
        at=AT,
    )


def test_orders_finalized_before_keep_no_billing_address(database_at_0007: str) -> None:
    url = database_at_0007
    _an_order_with_a_customer_and_an_address(url)
    upgrade(url)
    assert sql(url, "SELECT id, customer_id, billing_address_id FROM orders") == [(5, 1, None)]
    command.downgrade(alembic_config(url), "0007")
    assert sql(url, "SELECT id, customer_id, total_price_cents FROM orders") == [(5, 1, 1200)]
    upgrade(url)


def test_an_address_removed_leaves_the_order_without_one(database_at_0007: str) -> None:
    url = database_at_0007
    _an_order_with_a_customer_and_an_address(url)
    upgrade(url)
    sql(url, "UPDATE orders SET billing_address_id = 7")
    sql(url, "DELETE FROM customer_addresses WHERE id = 7")
    assert sql(url, "SELECT id, billing_address_id FROM orders") == [(5, None)]
