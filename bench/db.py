"""The databases of a benchmark run: PostgreSQL ones made and dropped with the client tools,
queried with psql; SQLite ones queried with the standard library."""

from __future__ import annotations

import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class PgServer:
    """Where PostgreSQL listens; the benchmark only ever makes databases named kasse_bench*."""

    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"

    @classmethod
    def from_url(cls, url: str) -> PgServer:
        parts = urlsplit(url)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
        )

    def args(self) -> list[str]:
        return ["-h", self.host, "-p", str(self.port), "-U", self.user]

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create(self, database: str) -> None:
        _guard(database)
        self.drop(database)
        subprocess.run(["createdb", *self.args(), database], check=True)

    def drop(self, database: str) -> None:
        _guard(database)
        subprocess.run(
            ["dropdb", *self.args(), "--if-exists", "--force", database],
            check=True,
            capture_output=True,
        )

    def query(self, database: str, sql: str) -> list[list[str]]:
        """Rows of one statement, as text."""
        done = subprocess.run(
            ["psql", *self.args(), "-d", database, "-X", "-q", "-t", "-A", "-F", "\t", "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return [line.split("\t") for line in done.stdout.splitlines() if line]

    def run_file(self, database: str, path: Path) -> None:
        """A SQL file in one transaction, stopping at the first error."""
        subprocess.run(
            [
                "psql",
                *self.args(),
                "-d",
                database,
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "-f",
                str(path),
            ],
            check=True,
            capture_output=True,
            text=True,
        )

    def server_version(self) -> str:
        return self.query("postgres", "SHOW server_version")[0][0]

    def setting(self, name: str) -> str:
        return self.query("postgres", f"SHOW {name}")[0][0]


def _guard(database: str) -> None:
    # The run makes and drops databases: never anything but its own.
    if not database.startswith("kasse_bench"):
        raise ValueError(f"refusing to touch database {database!r}: not a kasse_bench* database")


def sqlite_query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return list(connection.execute(sql))


@dataclass(frozen=True)
class Target:
    """The database a phase runs on, for the checks the runner makes in SQL."""

    url: str
    pg: PgServer | None = None
    database: str | None = None
    sqlite_path: Path | None = None

    def busy_connections(self) -> int:
        """Connections of the server under test inside a transaction or a statement right now.

        A request holds its pooled connection from its first query to its commit, so none of
        them busy means no request is half done (a request still waiting for the pool holds none,
        but it gets one as soon as another finishes).
        """
        if self.pg is None or self.database is None:
            return 0
        rows = self.pg.query(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = "
            f"'{self.database}' AND pid <> pg_backend_pid() AND state <> 'idle'",
        )
        return int(rows[0][0])

    def scalar(self, sql: str) -> str:
        if self.pg is not None and self.database is not None:
            rows = self.pg.query(self.database, sql)
            return rows[0][0] if rows else ""
        assert self.sqlite_path is not None
        rows_lite = sqlite_query(self.sqlite_path, sql)
        return "" if not rows_lite or rows_lite[0][0] is None else str(rows_lite[0][0])
