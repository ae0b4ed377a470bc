"""Migration 0007: exhibitions stored before it get an empty slider text and content block and
stay where their museum is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from tests.conftest import migrated_database_named
from tests.migrations.support import annual_pass_catalog, run_on

from kasse.core.db import Instance
from kasse.migrations import alembic_config, upgrade
from kasse.models import Exhibition

# exhibitions as 0006 has them (the model has the columns 0007 adds)
EXHIBITIONS_0006 = sa.table(
    "exhibitions",
    sa.column("id", sa.Integer),
    sa.column("museum_id", sa.Integer),
    sa.column("title", sa.JSON),
    sa.column("sub_title", sa.JSON),
    sa.column("description", sa.JSON),
    sa.column("featured", sa.Boolean),
)


@pytest.fixture
def database_at_0006(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database_named(tmp_path_factory, "at0006", revision="0006")


async def _fill(instance: Instance) -> None:
    async with instance.write_sessions() as session, session.begin():
        await annual_pass_catalog(session)
        await session.execute(
            EXHIBITIONS_0006.insert().values(
                id=1, museum_id=1, title={"de": "Alt"}, sub_title={}, description={}, featured=True
            )
        )


async def _exhibition(instance: Instance) -> tuple[object, ...]:
    async with instance.read_sessions() as session:
        row = await session.get(Exhibition, 1)
        assert row is not None
        return row.title, row.slider_description, row.content, row.location


def test_existing_exhibitions_get_empty_texts_and_no_location(database_at_0006: str) -> None:
    url = database_at_0006
    run_on(url, _fill)
    upgrade(url)
    assert run_on(url, _exhibition) == ({"de": "Alt"}, {}, {}, None)
    command.downgrade(alembic_config(url), "0006")
    upgrade(url)
