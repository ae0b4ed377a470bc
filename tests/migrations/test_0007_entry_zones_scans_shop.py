"""Migration 0007: entry zones, the people count of a scan, the shop; scans made before count one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from alembic import command
from tests.conftest import migrated_database_named
from tests.migrations.support import sql

from kasse.migrations import alembic_config, upgrade

SCANNED = datetime(2026, 11, 1, 9, 0)


@pytest.fixture
def database_at_0005(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database_named(tmp_path_factory, "at0005", revision="0005")


def test_scans_logged_before_count_one_person_and_the_downgrade_keeps_them(
    database_at_0005: str,
) -> None:
    url = database_at_0005
    sql(
        url,
        "INSERT INTO entry_scans (barcode, kind, location, accepted, message, scanned_at) "
        "VALUES ('4000000000006', 'admit', '1', true, 'admitted', :at)",
        at=SCANNED,
    )
    upgrade(url)
    assert sql(url, "SELECT barcode, people_count, updated_at FROM entry_scans") == [
        ("4000000000006", 1, None)
    ]
    assert sql(url, "SELECT count(*) FROM entry_zones") == [(0,)]
    assert sql(url, "SELECT count(*) FROM shops") == [(0,)]
    command.downgrade(alembic_config(url), "0005")
    assert sql(url, "SELECT barcode, accepted FROM entry_scans") == [("4000000000006", True)]
    upgrade(url)


def test_a_scan_written_without_a_count_counts_one(database_at_0005: str) -> None:
    """Writers that do not know the column (a worker of the old version during a rolling
    upgrade) still write valid scans."""
    upgrade(database_at_0005)
    sql(
        database_at_0005,
        "INSERT INTO entry_scans (barcode, kind, accepted, message, scanned_at) "
        "VALUES ('x', 'check', false, 'no', :at)",
        at=SCANNED,
    )
    assert sql(database_at_0005, "SELECT people_count, updated_at FROM entry_scans") == [(1, None)]
