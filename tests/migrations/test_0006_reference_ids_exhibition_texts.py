"""Migration 0006: stored country and dispatch-mode ids move to go~mus's ids, meaning kept;
exhibitions stored before it get an empty slider text and content block and stay where their
museum is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select, update
from tests.conftest import migrated_database_named
from tests.migrations.support import annual_pass_catalog, annual_pass_sale, run_on

from kasse.catalog.lookups import COUNTRIES, DISPATCH_MODES
from kasse.core.db import Instance
from kasse.migrations import alembic_config, upgrade
from kasse.models import (
    Customer,
    CustomerAddress,
    Exhibition,
    Personalization,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MIGRATION = "kasse.migrations.versions.0006_reference_lookup_ids_exhibition_texts"
# old ids at 0005: countries 1 DE, 12 FR, 29 GB, 33 US; dispatch 1 print@home, 2 wallet, 3 post
OLD_COUNTRIES = {"DE": 1, "FR": 12, "GB": 29, "US": 33}


@pytest.fixture
def database_at_0005(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database_named(tmp_path_factory, "at0005", revision="0005")


async def _fill(instance: Instance) -> dict[str, int]:
    """Addresses in four countries and one without; cards of every dispatch mode and one
    without."""
    async with instance.write_sessions() as session, session.begin():
        await annual_pass_catalog(session)
        customer = Customer(name="Bärbel", created_at=NOW)
        session.add(customer)
        await session.flush()
        addresses = {
            code: CustomerAddress(customer_id=customer.id, country_id=old, created_at=NOW)
            for code, old in [*OLD_COUNTRIES.items(), ("none", None)]
        }
        session.add_all(addresses.values())
        order = {
            "token": "t",
            "total_price_cents": 1,
            "source": "resellershop",
            "locale": "de",
            "created_at": NOW,
        }
        _, sale = await annual_pass_sale(session, order, quantity=4)
        cards = {
            f"mode {mode}": Personalization(
                ticket_sale_id=sale.id, position=position, dispatch_mode_id=mode
            )
            for position, mode in enumerate((1, 2, 3, None))
        }
        session.add_all(cards.values())
        await session.flush()
        return {
            **{f"address {code}": a.id for code, a in addresses.items()},
            **{name: card.id for name, card in cards.items()},
        }


async def _stored(instance: Instance) -> dict[str, dict[int, int | None]]:
    """id -> stored lookup id, of addresses (country) and cards (dispatch mode) alike."""
    async with instance.read_sessions() as session:
        addresses = await session.execute(select(CustomerAddress.id, CustomerAddress.country_id))
        cards = await session.execute(select(Personalization.id, Personalization.dispatch_mode_id))
        return {"address": dict(addresses.all()), "card": dict(cards.all())}  # type: ignore[arg-type]


def _country_id(code: str) -> int:
    return next(country.id for country in COUNTRIES if country.code == code)


def test_stored_ids_keep_their_meaning(database_at_0005: str) -> None:
    url = database_at_0005
    ids = run_on(url, _fill)
    upgrade(url)
    stored: Any = run_on(url, _stored)

    countries = {code: stored["address"][ids[f"address {code}"]] for code in OLD_COUNTRIES}
    assert countries == {"DE": 60, "FR": 76, "GB": 80, "US": _country_id("US")}
    assert stored["address"][ids["address none"]] is None
    names = {mode.id: mode.names["de"] for mode in DISPATCH_MODES}
    modes = {
        name: names.get(stored["card"][card_id]) for name, card_id in ids.items() if "mode" in name
    }
    # print@home and wallet tickets go out by e-mail, post stays post
    assert modes == {"mode 1": "E-Mail", "mode 2": "E-Mail", "mode 3": "Post", "mode None": None}

    # And back: what has an old equivalent returns to it.
    command.downgrade(alembic_config(url), "0005")
    back: Any = run_on(url, _stored)
    assert {c: back["address"][ids[f"address {c}"]] for c in OLD_COUNTRIES} == OLD_COUNTRIES
    assert [back["card"][ids[f"mode {m}"]] for m in (1, 2, 3, None)] == [1, 1, 3, None]


def test_the_frozen_table_of_the_migration_agrees_with_the_lookups() -> None:
    migration = __import__(MIGRATION, fromlist=["COUNTRIES"])
    assert len(migration.COUNTRIES) == 37
    for old, code, new in migration.COUNTRIES:
        assert _country_id(code) == new, (old, code)


async def _store_country(instance: Instance, country_id: int) -> None:
    async with instance.write_sessions() as session, session.begin():
        await session.execute(update(CustomerAddress).values(country_id=country_id))


def test_ids_without_an_equivalent_stop_the_migration(database_at_0005: str) -> None:
    url = database_at_0005
    run_on(url, _fill)
    run_on(url, lambda instance: _store_country(instance, 99))  # never in the old list
    with pytest.raises(RuntimeError, match=r"country ids \[99\] that have no equivalent"):
        upgrade(url)
    run_on(url, lambda instance: _store_country(instance, 1))
    upgrade(url)
    run_on(url, lambda instance: _store_country(instance, _country_id("BR")))  # new only
    with pytest.raises(RuntimeError, match="that have no equivalent"):
        command.downgrade(alembic_config(url), "0005")


# exhibitions as 0005 has them (the model has the columns 0006 adds)
EXHIBITIONS_0005 = sa.table(
    "exhibitions",
    sa.column("id", sa.Integer),
    sa.column("museum_id", sa.Integer),
    sa.column("title", sa.JSON),
    sa.column("sub_title", sa.JSON),
    sa.column("description", sa.JSON),
    sa.column("featured", sa.Boolean),
)


async def _fill_exhibition(instance: Instance) -> None:
    async with instance.write_sessions() as session, session.begin():
        await annual_pass_catalog(session)
        await session.execute(
            EXHIBITIONS_0005.insert().values(
                id=1, museum_id=1, title={"de": "Alt"}, sub_title={}, description={}, featured=True
            )
        )


async def _exhibition(instance: Instance) -> tuple[object, ...]:
    async with instance.read_sessions() as session:
        row = await session.get(Exhibition, 1)
        assert row is not None
        return row.title, row.slider_description, row.content, row.location


def test_existing_exhibitions_get_empty_texts_and_no_location(database_at_0005: str) -> None:
    url = database_at_0005
    run_on(url, _fill_exhibition)
    upgrade(url)
    assert run_on(url, _exhibition) == ({"de": "Alt"}, {}, {}, None)
    command.downgrade(alembic_config(url), "0005")
    upgrade(url)
