"""The ``kasse`` command line: migrate, load catalogs, create tokens.

These tests exercise the CLI, not the database engine, so they run on a temporary SQLite file and
are skipped when the suite runs against PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from kasse.catalog.demo import demo_catalog
from kasse.cli import app, next_open_day, read_catalog_file
from kasse.core.auth import Principal, principal_for
from kasse.core.db import open_instance
from kasse.core.errors import Unauthorized
from kasse.settings import Settings

pytestmark = pytest.mark.skipif(
    os.environ.get("KASSE_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="CLI tests run on SQLite only (they test the CLI, not the engine)",
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CATALOG = ROOT / "docs" / "examples" / "catalog.yaml"
CATALOG_TABLES = (
    "museums",
    "opening_hours",
    "museum_closures",
    "exhibitions",
    "quotas",
    "tickets",
    "ticket_museums",
    "ticket_quotas",
    "ticket_exhibitions",
    "events",
    "event_dates",
    "seatings",
    "tours",
    "guides",
    "equipment",
)

runner = CliRunner()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """KASSE_DATABASE_URL points at a not yet existing file in a not yet existing folder."""
    path = tmp_path / "data" / "nested" / "kasse.db"
    monkeypatch.setenv("KASSE_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("KASSE_INSTANCES", raising=False)
    return path


@pytest.fixture
def migrated(db_path: Path, migrated_database: str) -> Path:
    """A copy of the session's migrated template (``kasse db upgrade`` has its own test)."""
    db_path.parent.mkdir(parents=True)
    shutil.copyfile(make_url(migrated_database).database or "", db_path)
    return db_path


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CATALOG_TABLES}


def _write(path: Path, data: object) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


SMALL_CATALOG = {
    "museums": [{"id": 1, "title": "Museum", "opening_hours": {"tue": "10:00-18:00"}}],
    "quotas": [{"id": 1, "title": "Day", "capacity": 100}],
    "tickets": [
        {
            "id": 1,
            "title": "Day ticket",
            "price_cents": 500,
            "museum_ids": [1],
            "quota_ids": [1],
        }
    ],
}


def test_db_upgrade_creates_folder_and_schema(db_path: Path) -> None:
    assert not db_path.parent.exists()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert db_path.exists()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    # upgrading an upgraded database is a no-op
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def test_commands_refuse_a_database_that_is_not_migrated(db_path: Path) -> None:
    result = runner.invoke(app, ["load-demo"])
    assert result.exit_code == 1
    assert "kasse db upgrade" in result.stderr


def test_load_demo_is_idempotent(migrated: Path) -> None:
    first = runner.invoke(app, ["load-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(migrated)
    assert counts["tickets"] == 13  # 11 tickets + 2 sub tickets
    assert counts["museums"] == 2
    second = runner.invoke(app, ["load-demo"])
    assert second.exit_code == 0, second.output
    assert _counts(migrated) == counts


def test_token_create_prints_only_a_token_that_authenticates(migrated: Path) -> None:
    assert runner.invoke(app, ["load-demo"]).exit_code == 0
    result = runner.invoke(
        app, ["token", "create", "--access", "reseller", "--museum", "1", "--name", "shop"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    token = lines[0]
    assert len(token) >= 40 and token.strip() == token

    async def principal_of(candidate: str) -> Principal:
        settings = Settings()
        instance = open_instance("default", settings.database_url, settings)
        try:
            async with instance.read_sessions() as session, session.begin():
                return await principal_for(session, candidate)
        finally:
            await instance.dispose()

    principal = asyncio.run(principal_of(token))
    assert principal.access == "reseller"
    assert principal.museum_ids == frozenset({1})
    with pytest.raises(Unauthorized):
        asyncio.run(principal_of(token + "x"))
    with sqlite3.connect(migrated) as conn:
        stored = conn.execute("SELECT name, token_hash FROM api_tokens").fetchall()
    assert [name for name, _ in stored] == ["shop"]
    assert all(token not in token_hash for _, token_hash in stored)  # only the hash is stored


def test_token_create_with_flow_and_customer(migrated: Path) -> None:
    two_phase = runner.invoke(
        app, ["token", "create", "--access", "reseller", "--flow", "two-phase", "--name", "shop"]
    )
    assert two_phase.exit_code == 0, two_phase.output
    customer = ["token", "create", "--access", "customer", "--customer", "C-7"]
    for owner in ("shop", "1"):  # by name or id; the second finds the customer the first made
        visitor = runner.invoke(app, [*customer, "--customer-of", owner])
        assert visitor.exit_code == 0, visitor.output
    misplaced = runner.invoke(
        app, ["token", "create", "--access", "user", "--customer", "C-7", "--customer-of", "1"]
    )
    assert misplaced.exit_code == 1
    assert misplaced.stdout == ""
    with sqlite3.connect(migrated) as conn:
        rows = conn.execute(
            "SELECT t.access, t.flow, c.foreign_id, c.api_token_id FROM api_tokens t "
            "LEFT JOIN customers c ON c.id = t.customer_id ORDER BY t.id"
        ).fetchall()
        customers = conn.execute("SELECT count(*) FROM customers").fetchone()
    assert rows == [
        ("reseller", "two-phase", None, None),
        ("customer", "direct", "C-7", 1),
        ("customer", "direct", "C-7", 1),
    ]
    assert customers == (1,)


@pytest.mark.parametrize(
    ("owner", "problem"),
    [
        (None, "--customer FOREIGN_ID and --customer-of TOKEN go together"),
        ("nobody", "no token 'nobody'"),
        ("twice", "several tokens are named 'twice', give the token's id"),
        ("visitor", "names the token that makes the customer's orders"),
    ],
)
def test_a_customer_token_names_whose_customer_it_is(
    migrated: Path, owner: str | None, problem: str
) -> None:
    for name in ("twice", "twice"):
        made = runner.invoke(app, ["token", "create", "--access", "reseller", "--name", name])
        assert made.exit_code == 0, made.output
    first = ["token", "create", "--access", "customer", "--customer", "C-1", "--customer-of", "1"]
    assert runner.invoke(app, [*first, "--name", "visitor"]).exit_code == 0
    command = ["token", "create", "--access", "customer", "--customer", "C-7"]
    result = runner.invoke(app, command + (["--customer-of", owner] if owner else []))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert problem in result.output


def test_token_create_every_run_makes_a_new_token(migrated: Path) -> None:
    tokens = {
        runner.invoke(app, ["token", "create", "--access", "user"]).stdout.strip() for _ in range(2)
    }
    assert len(tokens) == 2


def test_token_create_rejects_bad_input(migrated: Path) -> None:
    bad_access = runner.invoke(app, ["token", "create", "--access", "admin"])
    assert bad_access.exit_code != 0
    assert bad_access.stdout == ""
    unknown_museum = runner.invoke(app, ["token", "create", "--access", "user", "--museum", "99"])
    assert unknown_museum.exit_code == 1
    assert unknown_museum.stdout == ""
    assert "unknown museum 99" in unknown_museum.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_load_file(migrated: Path, tmp_path: Path, suffix: str) -> None:
    path = _write(tmp_path / f"catalog{suffix}", SMALL_CATALOG)
    result = runner.invoke(app, ["load", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 museum, 0 exhibitions, 1 quota, 1 ticket" in result.stdout
    assert _counts(migrated)["tickets"] == 1


def test_load_file_reports_every_bad_entry(migrated: Path, tmp_path: Path) -> None:
    bad = {
        "museums": SMALL_CATALOG["museums"],
        "tickets": [
            {
                "id": 5,
                "title": "Too few",
                "price_cents": 100,
                "museum_ids": [1],
                "min_persons": 5,
                "max_persons": 2,
            },
            {"id": 6, "title": "No price", "museum_ids": [1]},
        ],
    }
    result = runner.invoke(app, ["load", str(_write(tmp_path / "bad.yaml", bad))])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "the catalog file is invalid" in result.stderr
    assert "tickets[0] (id 5)" in result.stderr
    assert "min_persons is greater than max_persons" in result.stderr
    assert "tickets[1] (id 6).price_cents" in result.stderr
    assert _counts(migrated)["tickets"] == 0  # nothing was written


def test_load_file_reports_unknown_references(migrated: Path, tmp_path: Path) -> None:
    bad = {**SMALL_CATALOG, "quotas": []}
    result = runner.invoke(app, ["load", str(_write(tmp_path / "bad.json", bad))])
    assert result.exit_code == 1
    assert "tickets[0] (id 1).quota_ids: unknown quota 1" in result.stderr
    assert _counts(migrated)["museums"] == 0  # one transaction: the museum was not kept either


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", '{"tickets": [', "invalid JSON at line 1"),
        ("broken.yaml", "tickets: [", "invalid YAML"),
        ("catalog.txt", "{}", "use .yaml, .yml or .json"),
        ("latin1.yaml", b"title: M\xfcnchen\n", "not UTF-8"),
        ("list.yaml", "- 1\n- 2\n", "a catalog file is a mapping"),
        ("missing.yaml", None, "no such file"),
    ],
)
def test_load_unreadable_file(
    migrated: Path, tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["load", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_yaml_times_of_day_need_no_quotes(tmp_path: Path) -> None:
    # YAML 1.1 would read 10:00 as the base-60 number 600
    path = tmp_path / "times.yaml"
    path.write_text("first_entry: 10:00\nlast_entry: 17:30\ncapacity: 5\nratio: 1.5\n")
    assert read_catalog_file(path) == {
        "first_entry": "10:00",
        "last_entry": "17:30",
        "capacity": 5,
        "ratio": 1.5,
    }


def test_example_catalog_loads(migrated: Path) -> None:
    result = runner.invoke(app, ["load", str(EXAMPLE_CATALOG)])
    assert result.exit_code == 0, result.output
    counts = _counts(migrated)
    assert counts["museums"] == 1
    assert counts["exhibitions"] == 1
    # the file's two, one per event date (its places) and one per tour (participants per start)
    assert counts["quotas"] == 2 + 3 + 1
    assert counts["tickets"] == 5  # day, time slot, combined + 2 sub tickets
    assert (counts["events"], counts["event_dates"], counts["seatings"]) == (2, 3, 1)
    assert (counts["tours"], counts["guides"], counts["equipment"]) == (1, 2, 1)
    assert counts["museum_closures"] >= 1
    with sqlite3.connect(migrated) as conn:
        parents = conn.execute("SELECT count(*) FROM tickets WHERE parent_id = 103").fetchone()
    assert parents[0] == 2


def test_instances_need_a_choice(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = db_path.parent / "a.db", db_path.parent / "b.db"
    monkeypatch.setenv(
        "KASSE_INSTANCES",
        json.dumps({"a.example": f"sqlite:///{a}", "b.example": f"sqlite:///{b}"}),
    )
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert a.exists() and b.exists()
    ambiguous = runner.invoke(app, ["token", "create", "--access", "user"])
    assert ambiguous.exit_code == 1
    assert "--instance" in ambiguous.stderr
    chosen = runner.invoke(app, ["load-demo", "--instance", "B.example"])
    assert chosen.exit_code == 0, chosen.output
    assert _counts(b)["tickets"] == 13
    assert _counts(a)["tickets"] == 0


def test_next_open_day_skips_closed_days() -> None:
    from datetime import date

    catalog = demo_catalog(date(2030, 12, 1))
    assert next_open_day(catalog, 1, date(2030, 12, 23)) == date(2030, 12, 25)  # Mon, Xmas Eve
    assert next_open_day(catalog, 1, date(2030, 12, 25)) == date(2030, 12, 25)
