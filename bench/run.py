"""``make bench``: the load benchmark of kasse. See docs/performance.md for what it measures and why.

    .venv/bin/python bench/run.py                      # the full run (about 20-30 minutes)
    .venv/bin/python bench/run.py --quick              # a smoke run: 3 s, one run, 100 000 sold
    BENCH_DURATION=2 BENCH_RUNS=1 .venv/bin/python bench/run.py --phases pg --only capacity

Phases: ``pg`` (PostgreSQL, empty database: ceilings and every scenario), ``pg-1m`` (the same
database with one million sold places: availability and order scenarios), ``sqlite`` (the order
scenarios on SQLite at 16 concurrent clients). The server is kasse itself (``kasse serve``, uvicorn,
production settings) with N workers on 127.0.0.1; wrk is the load generator. Everything the run
makes (databases kasse_bench*, a temporary folder, server processes) is removed at the end, also
after an error or Ctrl-C. The table is printed and written as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(REPO))

from bench import catalog as cat  # noqa: E402
from bench.bulk import load_sold_places  # noqa: E402
from bench.db import PgServer, Target  # noqa: E402
from bench.pdf_inprocess import measure as measure_pdf  # noqa: E402
from bench.profile import Probe, Sampler, count_statements, summarize  # noqa: E402
from bench.report import Row, markdown_table, table, write_json  # noqa: E402
from bench.server import Server  # noqa: E402
from bench.setup_data import entry_barcodes, pdf_orders, two_phase_orders  # noqa: E402
from bench.wrk import Load, RunResult, median_run, run_wrk  # noqa: E402

RESULTS = REPO / "bench" / "results"
TIME_ZONE = "Europe/Berlin"
TOOLS = ("wrk", "pgbench", "psql", "createdb", "dropdb")
PHASES = ("pg", "pg-1m", "sqlite")
AVAILABILITY = ("capacity", "capacities", "calendar")
ORDERS = (
    "reservations",
    "orders_spread",
    "orders_hot",
    "finalize",
    "event_orders",
    "event_seat_orders",
)
READS = ("tickets_list", "capacity", "capacities", "calendar", "entry", "date_detail")
CEILINGS = ("select1", "raw_json", "raw_select1", "pgbench")
# issue 15's targets: ratio to the row's ceiling (pgbench -N, raw SELECT 1, raw JSON, 1 worker)
TARGETS = {
    "orders_spread": 0.20,
    "orders_hot": 0.10,
    "finalize": 0.10,
    "capacity": 0.50,
    "calendar": 0.25,
    "json": 0.85,
    "workers_2_vs_1": 1.7,
}
SQLITE_ORDERS = ("orders_spread", "orders_hot", "finalize")
FINALIZE_BODY = {"order": {"completed": True, "customer": {"name": "Erika", "surname": "Muster"}}}


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    duration: float
    runs: int
    warmup: float
    workers: int
    threads: int
    connections: int
    sqlite_connections: int
    pgbench_clients: int
    sold: int
    phases: tuple[str, ...]
    only: frozenset[str] | None
    profile: bool
    keep: bool
    strict: bool
    pg: PgServer


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def parse_args(argv: list[str]) -> Config:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 s, one run, 100 000 sold places")
    parser.add_argument("--duration", type=float, default=_env_number("BENCH_DURATION", 10))
    parser.add_argument("--runs", type=int, default=int(_env_number("BENCH_RUNS", 3)))
    parser.add_argument("--warmup", type=float, default=_env_number("BENCH_WARMUP", 2))
    parser.add_argument("--workers", type=int, default=int(_env_number("BENCH_WORKERS", cores)))
    parser.add_argument(
        "--threads",
        type=int,
        default=int(_env_number("BENCH_THREADS", 1 if cores <= 2 else 2)),
        help="wrk threads (default: 1 on a machine of 2 cores, so the server keeps them)",
    )
    parser.add_argument(
        "--connections", type=int, default=int(_env_number("BENCH_CONNECTIONS", 64))
    )
    parser.add_argument("--sqlite-connections", type=int, default=16)
    parser.add_argument("--pgbench-clients", type=int, default=16)
    parser.add_argument("--sold", type=int, default=int(_env_number("BENCH_SOLD", 1_000_000)))
    parser.add_argument(
        "--phases", default=os.environ.get("BENCH_PHASES", ",".join(PHASES)), help="pg,pg-1m,sqlite"
    )
    parser.add_argument(
        "--only", default=os.environ.get("BENCH_ONLY"), help="comma-separated scenario keys"
    )
    parser.add_argument(
        "--profile", action="store_true", help="py-spy every worker during each warm-up run"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases and the temporary folder"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server (its databases kasse_bench* are made and dropped)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.runs, args.warmup = 3.0, 1, 1.0
        args.sold = min(args.sold, 100_000)
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases {sorted(unknown)}; choose from {', '.join(PHASES)}")
    return Config(
        duration=args.duration,
        runs=max(1, args.runs),
        warmup=args.warmup,
        workers=max(1, args.workers),
        threads=max(1, args.threads),
        connections=args.connections,
        sqlite_connections=args.sqlite_connections,
        pgbench_clients=args.pgbench_clients,
        sold=args.sold,
        phases=phases,
        only=frozenset(s.strip() for s in args.only.split(",")) if args.only else None,
        profile=args.profile,
        keep=args.keep,
        strict=args.strict,
        pg=PgServer.from_url(args.pg),
    )


def check_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        sys.exit(
            f"bench: {', '.join(missing)} not found. On Debian/Ubuntu: "
            "sudo apt-get install wrk postgresql-client"
        )


# --- the kasse CLI ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kasse:
    """The product's own commands (db upgrade, load, token create) against one database."""

    env: dict[str, str]
    cwd: Path

    @property
    def binary(self) -> str:
        return str(Path(sys.executable).parent / "kasse")

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.binary, *args], env=self.env, cwd=self.cwd, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"kasse {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout.strip()

    def load(self, data: dict[str, Any], name: str) -> None:
        path = self.cwd / name
        path.write_text(json.dumps(data))
        self.run("load", str(path))

    def token(self, access: str, name: str, flow: str = "direct") -> str:
        return self.run("token", "create", "--access", access, "--name", name, "--flow", flow)


# --- one phase: a database, its server, its scenarios ------------------------------------------


@dataclass
class Phase:
    name: str
    target: Target
    env: dict[str, str]
    connections: int
    tokens: dict[str, str] = field(default_factory=dict)
    server: Server | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.target.sqlite_path is not None

    def slot_condition(self, column: str, local_moment: str) -> str:
        """SQL: ``column`` is this slot start (stored as naive UTC on both engines)."""
        utc = datetime.fromisoformat(local_moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        if self.is_sqlite:
            return f"substr({column}, 1, 19) = '{utc}'"
        return f"{column} = '{utc}'"


class Bench:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.tag = f"{os.getpid()}"
        self.workdir = Path(tempfile.mkdtemp(prefix="kasse-bench-"))
        self.clock = cat.Clocked(ZoneInfo(TIME_ZONE))
        self.slots = cat.spread_slots(self.clock)
        self.event_lines = dict(
            zip(("event_orders", "event_seat_orders"), cat.event_order_lines(), strict=True)
        )
        # where each spread scenario goes on in its shuffled lines
        self.cursors = {"slots": 0, "event_orders": 0, "event_seat_orders": 0}
        self.hot_cursor = 0
        self.rows: list[Row] = []
        self.ceilings: dict[str, float] = {}
        self.empty_db: dict[str, float] = {}
        self.databases: list[str] = []
        self.servers: list[Server] = []
        self.info: dict[str, Any] = {"phases": {}}
        self.profiles: dict[str, Any] = {}
        self.server_errors: dict[str, dict[str, Any]] = {}
        self.cleaned = False

    # -- helpers ----------------------------------------------------------------------------------

    def wanted(self, key: str) -> bool:
        return self.cfg.only is None or key in self.cfg.only

    def load_for(self, phase: Phase, seconds: float | None = None) -> Load:
        return Load(
            threads=self.cfg.threads,
            connections=phase.connections,
            seconds=self.cfg.duration if seconds is None else seconds,
        )

    def next_slots(self, count: int) -> list[tuple[int, str]]:
        taken = []
        for _ in range(count):
            taken.append(self.slots[self.cursors["slots"] % len(self.slots)])
            self.cursors["slots"] += 1
        return taken

    def next_hot_slot(self) -> str:
        """A fresh hourly slot of the hot tickets: nobody has bought it yet."""
        n = self.hot_cursor
        self.hot_cursor += 1
        day = self.clock.today() + timedelta(days=80 + n // 12)
        return self.clock.slot(day, n % 12, minutes=cat.HOT_SLOT_MINUTES)

    def write_lines(self, name: str, lines: list[str]) -> str:
        path = self.workdir / name
        path.write_text("\n".join(lines) + "\n")
        return str(path)

    def server_env(self, database_url: str) -> dict[str, str]:
        # Inherited KASSE_* settings (a developer's KASSE_INSTANCES, say) would change what runs.
        env = {k: v for k, v in os.environ.items() if not k.startswith("KASSE_")}
        env.update(
            {
                "KASSE_DATABASE_URL": database_url,
                "KASSE_TIME_ZONE": TIME_ZONE,
                "KASSE_MAIL_URL": f"file://{self.workdir}/mail",
                "KASSE_WALLET_DEV_FOLDER": str(self.workdir / "wallet"),
                # two-phase orders made in setup must outlive a long run before their finalize
                "KASSE_ORDER_HOLD_MINUTES": "240",
                "PYTHONPATH": str(REPO),
            }
        )
        return env

    def start_server(
        self, phase: Phase, *, kind: str = "kasse", workers: int | None = None
    ) -> Server:
        """``kind``: kasse (the product), ceiling (kasse's stack with two trivial routes) or
        raw (plain FastAPI + asyncpg, none of kasse's code)."""
        commands = {
            "kasse": [str(Path(sys.executable).parent / "kasse"), "serve"],
            "ceiling": [sys.executable, "-m", "bench.ceiling_app"],
            "raw": [sys.executable, "-m", "bench.raw_app", "--dsn", phase.target.url],
        }
        command = commands[kind]
        server = Server(
            name=f"{kind} ({phase.name})",
            command=command,
            env=phase.env,
            cwd=self.workdir,
            log_path=self.workdir / f"server-{phase.name}-{kind}.log",
            workers=workers or self.cfg.workers,
            ready_path="/raw/json" if kind == "raw" else "/api/v4/version",
        )
        self.servers.append(server)
        log(f"[{phase.name}] starting {kind} serve with {self.cfg.workers} workers")
        server.start()
        phase.server = server
        return server

    def stop_server(self, phase: Phase) -> None:
        server = phase.server
        if server is None:
            return
        errors = server.log_errors()
        if errors:
            self.server_errors[server.name] = errors
        server.stop()
        self.servers.remove(server)
        phase.server = None

    # -- measuring --------------------------------------------------------------------------------

    def measure(
        self,
        phase: Phase,
        key: str,
        label: str,
        script: str,
        env: dict[str, str],
        *,
        expected: frozenset[str] = frozenset({"200", "204"}),
        after_warm: Callable[[RunResult], None] | None = None,
        before: Callable[[int], dict[str, str]] | None = None,
        after: Callable[[int, RunResult], list[str]] | None = None,
        warm_env: dict[str, str] | None = None,
    ) -> Row | None:
        """Warm up (and calibrate, and profile), then ``runs`` timed runs; the median is the row.

        ``before(k)`` gives run k's extra environment (fresh data), ``after(k, result)`` returns
        failed checks of run k (oversell, say).
        """
        if not self.wanted(key):
            return None
        server = phase.server
        assert server is not None
        warm_seconds = max(self.cfg.warmup, self.cfg.duration if self.cfg.profile else 0)
        if after_warm is not None:  # a calibration: long enough to be a rate
            warm_seconds = max(warm_seconds, min(3.0, self.cfg.duration))
        sampler = None
        if self.cfg.profile and Sampler.available():
            sampler = Sampler(self.workdir / "profiles", f"{phase.name}-{key}", warm_seconds)
            sampler.start(server.worker_pids())
        log_offset = server.log_offset()
        warm = run_wrk(server, script, self.load_for(phase, warm_seconds), warm_env or env)
        self.drain(phase)
        if sampler is not None:
            self.profiles[f"{phase.name}/{key}"] = summarize(sampler.join())
        log(f"[{phase.name}] {key}: warm-up {warm.rps:.0f} req/s {warm.statuses}")
        if after_warm is not None:
            after_warm(warm)
        runs: list[RunResult] = []
        checks: list[str] = []
        for k in range(self.cfg.runs):
            run_env = {**env, **(before(k) if before else {})}
            result = run_wrk(server, script, self.load_for(phase), run_env)
            result.extra["drain_s"] = self.drain(phase)
            runs.append(result)
            checks += after(k, result) if after else []
            unexpected = {c: n for c, n in result.statuses.items() if c not in expected}
            if unexpected:
                checks.append(f"run {k + 1}: unexpected answers {unexpected}: {result.samples[:2]}")
            if result.socket_errors:
                checks.append(f"run {k + 1}: socket errors {result.socket_errors}")
            log(
                f"[{phase.name}] {key} run {k + 1}/{self.cfg.runs}: {result.rps:.0f} req/s, "
                f"p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, {result.statuses}, "
                f"cpu wrk {result.wrk_cpu_pct}% server {result.server_cpu_pct}% "
                f"postgres {result.postgres_cpu_pct}%"
            )
        server_log = server.log_errors(log_offset)
        if server_log:
            checks.append(
                f"server log: {sum(server_log['exceptions'].values())} exceptions, "
                f"{server_log['access_log_5xx']} answers 5xx (warm-up included)"
            )
        fastest = max(r.rps for r in runs)
        for k, result in enumerate(runs):
            # the median would hide a run that stalled (a pool deadlock, say): say it
            if result.rps < 0.25 * fastest:
                checks.append(
                    f"run {k + 1} stalled: {result.rps:.0f} req/s against {fastest:.0f} in the best run"
                )
        best = median_run(runs)
        row = Row(
            phase=phase.name,
            scenario=key,
            label=label,
            result=best,
            runs=[r.rps for r in runs],
            value=best.rps,
            checks=checks,
            extra={
                "all_runs": [r.to_json() for r in runs],
                "warmup": warm.to_json(),
                "server_log": server_log,
            },
        )
        self.rows.append(row)
        return row

    def drain(self, phase: Phase, timeout: float = 90.0) -> float:
        """Wait until the server has finished what wrk left in flight; the seconds waited.

        wrk stops at its deadline without waiting for answers, and the server goes on serving (and
        committing) them: the next run, a check in SQL and the server log's attribution to this
        scenario must not overlap with that. Idle = no transaction open on the database (PostgreSQL)
        and the workers' CPU quiet, twice in a row.
        """
        server = phase.server
        assert server is not None
        started = time.monotonic()
        quiet = 0
        while quiet < 2 and time.monotonic() - started < timeout:
            idle = server.is_idle() and phase.target.busy_connections() == 0
            quiet = quiet + 1 if idle else 0
        waited = time.monotonic() - started
        if waited > 5:
            log(
                f"[{phase.name}] the server needed {waited:.0f} s to finish requests left in flight"
            )
        return round(waited, 2)

    def phase_rate(self, phase: Phase, scenario: str) -> float:
        """The requests/s a scenario reached in this phase so far (0 when it did not run)."""
        rates = [r.value for r in self.rows if r.phase == phase.name and r.scenario == scenario]
        return rates[0] if rates else 0.0

    def paths(self, phase: Phase, key: str, label: str, lines: list[str], token: str) -> Row | None:
        env = {"BENCH_FILE": self.write_lines(f"{phase.name}-{key}.txt", lines)}
        return self.measure(phase, key, label, "paths.lua", {**env, "BENCH_TOKEN": token})

    def fixed(
        self, phase: Phase, key: str, label: str, path: str, token: str | None = None
    ) -> Row | None:
        env = {"BENCH_PATH": path, "BENCH_METHOD": "GET", "BENCH_TOKEN": token or ""}
        return self.measure(phase, key, label, "paths.lua", env)

    # -- ceilings ---------------------------------------------------------------------------------

    def pgbench(self) -> None:
        if not self.wanted("pgbench"):
            return
        pg, db = self.cfg.pg, f"kasse_bench_{self.tag}_pgbench"
        self.databases.append(db)
        pg.create(db)
        subprocess.run(
            ["pgbench", *pg.args(), "-i", "-s", "10", "-q", db], check=True, capture_output=True
        )
        clients = self.cfg.pgbench_clients
        results = []
        for k in range(self.cfg.runs):
            seconds = str(max(1, round(self.cfg.duration)))
            done = subprocess.run(
                [
                    "pgbench",
                    *pg.args(),
                    "-N",
                    "-n",
                    "-c",
                    str(clients),
                    "-j",
                    "2",
                    "-T",
                    seconds,
                    db,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            tps = float(re.search(r"tps = ([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
            latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
            results.append((tps, float(latency.group(1)) if latency else 0.0))
            log(f"[pg] pgbench -N -c {clients} run {k + 1}: {tps:.0f} TPS")
        pg.drop(db)
        self.databases.remove(db)
        tps_runs = sorted(r[0] for r in results)
        tps = tps_runs[len(tps_runs) // 2]
        self.ceilings["pgbench"] = tps
        self.rows.append(
            Row(
                phase="pg",
                scenario="pgbench",
                label=f"ceiling: pgbench -N -c{clients} (TPS)",
                result=None,
                runs=[r[0] for r in results],
                value=tps,
                note=f"latency average {dict(results)[tps]:.2f} ms",
            )
        )

    def http_ceilings(self, phase: Phase) -> None:
        """The raw stack (plain FastAPI + asyncpg) and kasse's own stack, each with a trivial
        JSON route and one ``SELECT 1``: the gap between the two is kasse's own cost."""
        stacks = (
            ("raw", "raw_", "raw stack", "/raw"),
            ("ceiling", "", "kasse's stack", "/bench"),
        )
        for kind, prefix, name, base in stacks:
            if not (self.wanted(f"{prefix}json") or self.wanted(f"{prefix}select1")):
                continue
            self.start_server(phase, kind=kind)
            try:
                for route, label in (("json", "trivial JSON"), ("select1", "one SELECT 1")):
                    key = f"{prefix}{route}"
                    row = self.fixed(phase, key, f"ceiling: {name}, {label}", f"{base}/{route}")
                    if row:
                        self.ceilings[key] = row.value
            finally:
                self.stop_server(phase)

    # -- scenarios --------------------------------------------------------------------------------

    def availability(self, phase: Phase) -> None:
        token = phase.tokens["reseller"]
        self.paths(
            phase, "capacity", "capacity: 1 ticket, 1 day", cat.capacity_paths(self.clock), token
        )
        self.paths(
            phase, "capacities", "capacities: 5 tickets", cat.capacities_paths(self.clock), token
        )
        self.paths(phase, "calendar", "calendar: 31 days", cat.calendar_paths(self.clock), token)

    def spread_file(self, phase: Phase) -> str:
        lines = [f"{t}\t{moment}\t{cat.SLOT_PRICE_CENTS}" for t, moment in self.slots]
        return self.write_lines(f"{phase.name}-slots.txt", lines)

    def reservations(self, phase: Phase) -> None:
        env = {"BENCH_FILE": self.spread_file(phase), "BENCH_TOKEN": phase.tokens["reseller"]}
        self.measure(
            phase,
            "reservations",
            "reservation create+delete",
            "reservations.lua",
            env,
            **self._slot_hooks(phase, env),
        )

    def orders_spread(self, phase: Phase, key: str = "orders_spread") -> None:
        env = {"BENCH_FILE": self.spread_file(phase), "BENCH_TOKEN": phase.tokens["reseller"]}
        label = "order: spread over slots" + (", 1 worker" if key.endswith("_1w") else "")
        self.measure(phase, key, label, "orders.lua", env, **self._slot_hooks(phase, env))

    def one_worker_orders(self, phase: Phase) -> None:
        """Order creation on a server of one worker: what the run's workers add (scaling)."""
        if not self.wanted("orders_spread_1w") or self.cfg.workers < 2:
            return
        self.start_server(phase, workers=1)
        try:
            self.orders_spread(phase, "orders_spread_1w")
        finally:
            self.stop_server(phase)

    def _slot_hooks(
        self, phase: Phase, env: dict[str, str], cursor: str = "slots"
    ) -> dict[str, Any]:
        """Each run (and the warm-up) starts where the last one stopped in the shuffled lines."""

        def advance(result: RunResult) -> None:
            # requests in flight when wrk stops may still have been served: skip past them too
            self.cursors[cursor] += result.requests + phase.connections

        def before(_k: int) -> dict[str, str]:
            return {"BENCH_OFFSET": str(self.cursors[cursor])}

        def after(_k: int, result: RunResult) -> list[str]:
            advance(result)
            return []

        return {
            "warm_env": {**env, "BENCH_OFFSET": str(self.cursors[cursor])},
            "after_warm": advance,
            "before": before,
            "after": after,
        }

    def events(self, phase: Phase) -> None:
        """A date's detail, and orders of one event place or one seat spread over the dates."""
        token = phase.tokens["reseller"]
        self.paths(phase, "date_detail", "event date detail", cat.date_detail_paths(), token)
        for key, label in (
            ("event_orders", "event order: one place"),
            ("event_seat_orders", "event order: one seat"),
        ):
            lines = self.event_lines[key]
            env = {"BENCH_FILE": self.write_lines(f"{phase.name}-{key}.txt", lines)}
            env["BENCH_TOKEN"] = token
            self.measure(phase, key, label, "events.lua", env, **self._slot_hooks(phase, env, key))

    def orders_hot(self, phase: Phase) -> None:
        """Twice as many buyers as places on one slot: exactly the capacity sold, 422 for the rest."""
        if not self.wanted("orders_hot"):
            return
        token = phase.tokens["reseller"]
        kasse = Kasse(phase.env, self.workdir)
        state: dict[str, Any] = {"capacity": 0, "slots": {}}

        def body(ticket: int, moment: str) -> str:
            return json.dumps(cat.order_body(ticket, moment, 1, cat.HOT_PRICE_CENTS))

        def env_for(ticket: int, moment: str) -> dict[str, str]:
            return {
                "BENCH_METHOD": "POST",
                "BENCH_PATH": "/api/v4/orders",
                "BENCH_BODY": body(ticket, moment),
                "BENCH_TOKEN": token,
            }

        def after_warm(calibration: RunResult) -> None:
            # The calibration ran on a twin slot that never sells out: at its rate, 2.5 times
            # as many buyers as this capacity arrive in one run (a margin for the noise).
            capacity = max(20, int(calibration.rps * self.cfg.duration / 2.5))
            state["capacity"] = capacity
            kasse.load(cat.hot_quota_file(capacity), f"hot-{phase.name}.json")
            log(f"[{phase.name}] orders_hot: hot slot capacity set to {capacity}")

        def before(k: int) -> dict[str, str]:
            moment = self.next_hot_slot()
            state["slots"][k] = moment
            return env_for(cat.HOT_TICKET, moment)

        def after(k: int, result: RunResult) -> list[str]:
            return self.check_hot(phase, state["capacity"], state["slots"][k], k, result)

        row = self.measure(
            phase,
            "orders_hot",
            "order: one hot slot",
            "paths.lua",
            env_for(cat.HOT_TICKET, "unused"),
            expected=frozenset({"200", "422"}),
            after_warm=after_warm,
            before=before,
            after=after,
            warm_env=env_for(cat.HOT_CAL_TICKET, self.next_hot_slot()),
        )
        if row is not None:
            row.extra["capacity"] = state["capacity"]
            row.note = (
                f"capacity {state['capacity']} per run; sold = capacity exactly, "
                "the other buyers 422 (checked per run)"
            )
            phase_info = self.info["phases"].setdefault(phase.name, {})
            phase_info["hot_slots"] = state["slots"]
            phase_info["hot_capacity"] = state["capacity"]

    def hot_counts(self, phase: Phase, moment: str) -> tuple[int, int]:
        """(quota slot's sold, places of its ticket sales), once they stop moving."""
        where = phase.slot_condition("start_at", moment)
        sql = (
            f"SELECT (SELECT coalesce(sum(sold), 0) FROM quota_slots WHERE quota_id = "
            f"{cat.HOT_TICKET} AND {where}) * 1000000 + (SELECT coalesce(sum(quantity), 0) "
            f"FROM ticket_sales WHERE ticket_id = {cat.HOT_TICKET} AND {where})"
        )
        last = -1
        for _ in range(60):
            both = int(phase.target.scalar(sql) or 0)
            if both == last:
                break
            last = both
            time.sleep(0.5)
        return divmod(last, 1_000_000)

    def check_hot(
        self, phase: Phase, capacity: int, moment: str, k: int, result: RunResult
    ) -> list[str]:
        sold, tickets = self.hot_counts(phase, moment)
        ok = result.statuses.get("200", 0)
        refused = result.statuses.get("422", 0)
        problems = []
        if sold != capacity or tickets != capacity:
            problems.append(
                f"run {k + 1}: capacity {capacity}, quota slot sold {sold}, tickets sold {tickets}"
            )
        if ok > capacity:
            problems.append(f"run {k + 1}: {ok} buyers got 200 for {capacity} places (oversell)")
        if result.requests < 2 * capacity:
            problems.append(
                f"run {k + 1}: only {result.requests} buyers for {capacity} places "
                "(fewer than twice: the calibration overestimated the rate)"
            )
        log(
            f"[{phase.name}] orders_hot run {k + 1}: capacity {capacity}, sold {sold}, "
            f"tickets {tickets}, 200: {ok}, 422: {refused}, buyers {result.requests}"
        )
        result.extra["hot"] = {
            "capacity": capacity,
            "sold": sold,
            "tickets_sold": tickets,
            "answered_200": ok,
            "answered_422": refused,
            "buyers": result.requests,
            "slot": moment,
        }
        return problems

    def finalize(self, phase: Phase) -> None:
        if not self.wanted("finalize"):
            return
        server = phase.server
        assert server is not None
        token = phase.tokens["two-phase"]
        pool: dict[str, list[int]] = {}

        def make(count: int) -> list[int]:
            log(f"[{phase.name}] finalize: creating {count} two-phase orders")
            return two_phase_orders(
                server.base_url, token, iter(self.next_slots(count)), count, cat.SLOT_PRICE_CENTS
            )

        warm_ids = make(max(500, int(400 * self.cfg.warmup)))
        env = {"BENCH_TOKEN": token, "BENCH_BODY": json.dumps(FINALIZE_BODY)}

        def after_warm(calibration: RunResult) -> None:
            # A calibration on a busy machine can come out far too low: a finalize costs about
            # what an order costs, so the spread orders' rate of this phase is a floor.
            rate = max(calibration.rps, 2 * self.phase_rate(phase, "orders_spread"))
            per_run = math.ceil(rate * self.cfg.duration * 1.5) + 2 * phase.connections
            ids = make(per_run * self.cfg.runs)
            pool["ids"] = ids
            pool["per_run"] = [per_run]

        def before(k: int) -> dict[str, str]:
            per_run = pool["per_run"][0]
            ids = pool["ids"][k * per_run : (k + 1) * per_run]
            return {
                "BENCH_FILE": self.write_lines(
                    f"{phase.name}-finalize-{k}.txt", [str(i) for i in ids]
                )
            }

        def after(k: int, result: RunResult) -> list[str]:
            if result.requests > pool["per_run"][0]:
                return [f"run {k + 1}: ran out of orders to finalize"]
            return []

        self.measure(
            phase,
            "finalize",
            "finalize (two-phase order)",
            "finalize.lua",
            env,
            after_warm=after_warm,
            before=before,
            after=after,
            warm_env={
                **env,
                "BENCH_FILE": self.write_lines(
                    f"{phase.name}-finalize-warm.txt", [str(i) for i in warm_ids]
                ),
            },
        )

    def pdfs(self, phase: Phase) -> None:
        server = phase.server
        assert server is not None
        tomorrow = self.clock.at(self.clock.today() + timedelta(days=1), datetime.min.time())
        cores = min(self.cfg.workers, os.cpu_count() or 1)
        for pages, key in ((1, "pdf_1"), (10, "pdf_10")):
            if not self.wanted(key):
                continue
            orders = pdf_orders(
                server.base_url,
                phase.tokens["reseller"],
                cat.PDF_TICKET,
                tomorrow,
                pages,
                20,
                cat.DAY_PRICE_CENTS,
            )
            row = self.paths(
                phase,
                key,
                f"ticket PDF, {pages} page{'s' if pages > 1 else ''}",
                [o.path() for o in orders],
                "",
            )
            if row is None or row.result is None:
                continue
            per_core = row.value * pages / cores
            cpu = row.result.server_cpu_pct / 100
            row.ceiling = "200 p/s/core"
            row.ceiling_value = 200 * cores / pages
            row.target = ">= 1.00"
            row.target_ratio = 1.0
            row.extra["pages_per_s_per_core"] = round(per_core, 1)
            row.extra["pages_per_server_cpu_s"] = round(row.value * pages / cpu, 1) if cpu else None
            row.note = (
                f"{per_core:.0f} pages/s per core ({cores} workers); "
                f"{row.extra['pages_per_server_cpu_s']} pages per server CPU-second"
            )

    def entry(self, phase: Phase) -> None:
        if not self.wanted("entry"):
            return
        server = phase.server
        assert server is not None
        today_noon = self.clock.at(self.clock.today(), datetime.min.time().replace(hour=12))
        reseller = phase.tokens["reseller"]
        pool: dict[str, Any] = {}

        def make(count: int) -> list[str]:
            log(f"[{phase.name}] entry: creating {count} barcodes")
            return entry_barcodes(
                server.base_url, reseller, cat.ENTRY_TICKET, today_noon, count, cat.DAY_PRICE_CENTS
            )

        warm_codes = make(4000)
        env = {"BENCH_TOKEN": phase.tokens["cashpoint"]}

        def after_warm(calibration: RunResult) -> None:
            # one fresh barcode per request (a check or an admit), twice what the rate needs;
            # floor: a check or an admit costs less than a capacity read
            rate = max(calibration.rps, self.phase_rate(phase, "capacity"))
            per_run = math.ceil(rate * self.cfg.duration * 2) + phase.connections
            pool["codes"] = make(per_run * self.cfg.runs)
            pool["per_run"] = per_run

        def before(k: int) -> dict[str, str]:
            n = pool["per_run"]
            return {
                "BENCH_FILE": self.write_lines(
                    f"{phase.name}-entry-{k}.txt", pool["codes"][k * n : (k + 1) * n]
                )
            }

        def after(k: int, result: RunResult) -> list[str]:
            if result.requests > pool["per_run"]:
                return [f"run {k + 1}: ran out of barcodes"]
            return []

        self.measure(
            phase,
            "entry",
            "entry check + admit",
            "entry.lua",
            env,
            after_warm=after_warm,
            before=before,
            after=after,
            warm_env={
                **env,
                "BENCH_FILE": self.write_lines(f"{phase.name}-entry-warm.txt", warm_codes),
            },
        )

    # -- targets ----------------------------------------------------------------------------------

    def rate_rows(self) -> None:
        """Ratios and targets, once every figure of the run is in."""
        self._add_scaling_row()
        for row in self.rows:
            if row.scenario in CEILINGS or row.ceiling:
                continue
            five = 0 if row.result is None else row.result.server_errors
            if row.phase == "pg":
                self._rate_pg(row)
            elif row.phase == "pg-1m":
                empty = self.empty_db.get(row.scenario)
                if empty:
                    row.ceiling, row.ceiling_value = "empty DB", empty
                    row.target, row.target_ratio = ">= 0.80", 0.8
            elif row.phase == "sqlite":
                row.target = "0 5xx"
            if five and not any("5xx" in c for c in row.checks):
                row.checks.append(f"{five} answers 5xx (median run)")

    def _rate_pg(self, row: Row) -> None:
        raw_select1 = self.ceilings.get("raw_select1")
        pgbench = self.ceilings.get("pgbench")
        if row.scenario == "json" and self.ceilings.get("raw_json"):
            row.ceiling, row.ceiling_value = "raw JSON", self.ceilings["raw_json"]
        elif row.scenario == "workers_2_vs_1":
            row.ceiling, row.ceiling_value = (
                "1 worker",
                self.phase_rate_of("pg", "orders_spread_1w"),
            )
        elif row.scenario in READS and raw_select1:
            row.ceiling, row.ceiling_value = "raw SELECT 1", raw_select1
        elif row.scenario in ORDERS and pgbench:
            row.ceiling, row.ceiling_value = "pgbench -N", pgbench
        target = TARGETS.get(row.scenario)
        if target is not None and row.ceiling_value:
            row.target, row.target_ratio = f">= {target:.2f}", target

    def _add_scaling_row(self) -> None:
        """Order creation with the run's workers against one worker (measured in the pg phase)."""
        many = self.phase_rate_of("pg", "orders_spread")
        if not many or not self.phase_rate_of("pg", "orders_spread_1w"):
            return
        if any(r.scenario == "workers_2_vs_1" for r in self.rows):
            return
        self.rows.append(
            Row(
                phase="pg",
                scenario="workers_2_vs_1",
                label=f"order: {self.cfg.workers} workers vs 1",
                result=None,
                runs=[many],
                value=many,
            )
        )

    def phase_rate_of(self, phase: str, scenario: str) -> float:
        rates = [r.value for r in self.rows if r.phase == phase and r.scenario == scenario]
        return rates[0] if rates else 0.0

    def ratios(self) -> dict[str, float | None]:
        """The run's figures against the targets of issue 15, by the names of its table's rows."""

        def ratio(scenario: str, phase: str = "pg") -> float | None:
            rows = [r for r in self.rows if r.phase == phase and r.scenario == scenario]
            return round(rows[0].ratio, 3) if rows and rows[0].ratio is not None else None

        pdf = [r for r in self.rows if r.phase == "pg" and r.scenario == "pdf_1"]
        sqlite_5xx = [
            r.result.server_errors
            for r in self.rows
            if r.phase == "sqlite" and r.result is not None and r.scenario in SQLITE_ORDERS
        ]
        return {
            "order_creation_spread_over_slots_vs_pgbench": ratio("orders_spread"),
            "order_creation_hot_slot_vs_pgbench": ratio("orders_hot"),
            "finalize_two_phase_order_vs_pgbench": ratio("finalize"),
            "capacity_one_ticket_one_day_vs_raw_select1": ratio("capacity"),
            "calendar_one_ticket_31_days_vs_raw_select1": ratio("calendar"),
            "ticket_pdf_1_page_pages_per_second_per_core": (
                pdf[0].extra.get("pages_per_s_per_core") if pdf else None
            ),
            "kasse_trivial_json_vs_raw_trivial_json": ratio("json"),
            "order_creation_2_workers_vs_1_worker": ratio("workers_2_vs_1"),
            "sqlite_16_buyers_answers_5xx": sum(sqlite_5xx) if sqlite_5xx else None,
        }

    # -- phases -----------------------------------------------------------------------------------

    def prepare(self, phase: Phase) -> None:
        """Migrate, load the benchmark catalog, make the tokens (kasse's own commands)."""
        kasse = Kasse(phase.env, self.workdir)
        kasse.run("db", "upgrade")
        kasse.load(cat.benchmark_catalog(), f"catalog-{phase.name}.json")
        kasse.load(cat.events_file(self.clock), f"events-{phase.name}.json")
        phase.tokens = {
            "reseller": kasse.token("reseller", "bench reseller"),
            "two-phase": kasse.token("reseller", "bench two-phase", flow="two-phase"),
            "cashpoint": kasse.token("cashpoint", "bench cashpoint"),
        }

    def finish_phase(self, phase: Phase) -> None:
        server = phase.server
        if server is None:
            return
        info = self.info["phases"].setdefault(phase.name, {})
        info["peak_memory_mib_per_worker"] = server.peak_memory_mib()
        log(
            f"[{phase.name}] peak memory per worker (VmHWM, MiB): {info['peak_memory_mib_per_worker']}"
        )
        self.stop_server(phase)

    def phase_pg(self, pg: PgServer, database: str) -> Phase:
        url = pg.url(database)
        phase = Phase(
            "pg", Target(url, pg=pg, database=database), self.server_env(url), self.cfg.connections
        )
        self.prepare(phase)
        self.pgbench()
        self.http_ceilings(phase)
        self.start_server(phase)
        try:
            tickets = "/api/v4/tickets?per_page=100"
            if self.wanted("tickets_list"):
                self.fixed(
                    phase,
                    "tickets_list",
                    "tickets list, per_page=100",
                    tickets,
                    phase.tokens["reseller"],
                )
            self.availability(phase)
            self.reservations(phase)
            self.orders_spread(phase)
            self.orders_hot(phase)
            self.events(phase)
            self.finalize(phase)
            self.pdfs(phase)
            self.entry(phase)
            self.query_counts(phase)
            self.finish_phase(phase)
        finally:
            self.stop_server(phase)
        self.one_worker_orders(phase)
        for row in self.rows:
            if row.phase == "pg":
                self.empty_db[row.scenario] = row.value
        return phase

    def phase_pg_1m(self, pg: PgServer, database: str, tokens: dict[str, str]) -> None:
        url = pg.url(database)
        phase = Phase(
            "pg-1m",
            Target(url, pg=pg, database=database),
            self.server_env(url),
            self.cfg.connections,
        )
        phase.tokens = tokens
        token_id = int(
            pg.query(database, "SELECT id FROM api_tokens WHERE name = 'bench reseller'")[0][0]
        )
        log(f"[pg-1m] loading {self.cfg.sold} sold places")
        report = load_sold_places(pg, database, self.cfg.sold, token_id, TIME_ZONE)
        log(f"[pg-1m] loaded: {report}")
        self.info["phases"]["pg-1m"] = {"bulk": asdict(report)}
        self.start_server(phase)
        try:
            self.availability(phase)
            self.reservations(phase)
            self.orders_spread(phase)
            self.orders_hot(phase)
            self.finalize(phase)
            self.finish_phase(phase)
        finally:
            self.stop_server(phase)

    def phase_sqlite(self) -> None:
        path = self.workdir / "sqlite" / "kasse.db"
        url = f"sqlite:///{path}"
        phase = Phase(
            "sqlite",
            Target(url, sqlite_path=path),
            self.server_env(url),
            self.cfg.sqlite_connections,
        )
        self.prepare(phase)
        self.start_server(phase)
        try:
            self.orders_spread(phase)
            self.orders_hot(phase)
            self.finalize(phase)
            self.finish_phase(phase)
        finally:
            self.stop_server(phase)

    def query_counts(self, phase: Phase) -> None:
        """Statements per request of each scenario (in-process app on the same database)."""
        if not self.wanted("query_counts"):
            return
        try:
            self._query_counts(phase)
        except Exception as exc:  # a diagnosis: the run's figures stand without it
            log(f"[{phase.name}] statement counts failed: {exc!r}")
            self.info["query_counts_error"] = repr(exc)

    def _query_counts(self, phase: Phase) -> None:
        server = phase.server
        assert server is not None
        reseller, cashpoint = phase.tokens["reseller"], phase.tokens["cashpoint"]
        slots = self.next_slots(4)
        two_phase = two_phase_orders(
            server.base_url,
            phase.tokens["two-phase"],
            iter(self.next_slots(2)),
            2,
            cat.SLOT_PRICE_CENTS,
        )
        today_noon = self.clock.at(self.clock.today(), datetime.min.time().replace(hour=12))
        codes = entry_barcodes(
            server.base_url, reseller, cat.ENTRY_TICKET, today_noon, 2, cat.DAY_PRICE_CENTS
        )
        hot = self.info["phases"].get(phase.name, {}).get("hot_slots", {})
        tomorrow = self.clock.at(self.clock.today() + timedelta(days=1), datetime.min.time())
        [pdf] = pdf_orders(
            server.base_url, reseller, cat.PDF_TICKET, tomorrow, 1, 1, cat.DAY_PRICE_CENTS
        )
        probes = [
            Probe("tickets_list", "GET", "/api/v4/tickets?per_page=100", reseller),
            Probe("capacity", "GET", cat.capacity_paths(self.clock)[0], reseller),
            Probe("capacities", "GET", cat.capacities_paths(self.clock)[0], reseller),
            Probe("calendar", "GET", cat.calendar_paths(self.clock)[0], reseller),
            Probe(
                "order_create",
                "POST",
                "/api/v4/orders",
                reseller,
                cat.order_body(*slots[0], 1, cat.SLOT_PRICE_CENTS),
                cat.order_body(*slots[1], 1, cat.SLOT_PRICE_CENTS),
            ),
            Probe(
                "reservation_create",
                "POST",
                "/api/v4/tickets/reservations",
                reseller,
                {"reservation": {"ticket_id": slots[2][0], "quantity": 1, "start_at": slots[2][1]}},
                {"reservation": {"ticket_id": slots[3][0], "quantity": 1, "start_at": slots[3][1]}},
            ),
            Probe("entry_check", "GET", f"/api/v3/barcodes/{codes[0]}", cashpoint),
            Probe(
                "entry_admit",
                "PUT",
                f"/api/v3/barcodes/{codes[1]}",
                cashpoint,
                second_path=f"/api/v3/barcodes/{codes[2]}",
            ),
        ]
        probes.append(Probe("ticket_pdf_1", "GET", pdf.path(), None))
        if hot:
            last = hot[max(hot)]
            body = cat.order_body(cat.HOT_TICKET, last, 1, cat.HOT_PRICE_CENTS)
            probes.append(Probe("order_sold_out", "POST", "/api/v4/orders", reseller, body))
        probes.append(
            Probe(
                "finalize",
                "POST",
                f"/api/v4/orders/{two_phase[0]}/finalize",
                phase.tokens["two-phase"],
                FINALIZE_BODY,
                second_path=f"/api/v4/orders/{two_phase[1]}/finalize",
            )
        )
        counts = count_statements(phase.target.url, probes)
        self.info["query_counts"] = counts
        log(
            "[pg] statements per request: "
            + ", ".join(f"{k} {v['statements']}" for k, v in counts.items())
        )

    # -- the whole run ----------------------------------------------------------------------------

    def machine(self) -> dict[str, Any]:
        cpu = "unknown"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
        wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
        return {
            "cpu": cpu,
            "cores": os.cpu_count(),
            "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "kernel": platform.release(),
            "python": platform.python_version(),
            "postgresql": self.cfg.pg.server_version(),
            "pg_settings": {
                name: self.cfg.pg.setting(name)
                for name in ("shared_buffers", "synchronous_commit", "max_connections", "fsync")
            },
            "wrk": wrk_version.splitlines()[0] if wrk_version else "",
        }

    def run(self) -> None:
        cfg = self.cfg
        started = datetime.now(UTC)
        self.info.update(
            {
                "started": started.isoformat(),
                "config": {k: v for k, v in asdict(cfg).items() if k not in ("pg", "only")}
                | {"only": sorted(cfg.only) if cfg.only else None},
                "machine": self.machine(),
                "uptime_before": _uptime(),
            }
        )
        log(f"bench: {self.info['machine']['cores']} cores, load {self.info['uptime_before']}")
        if self.wanted("pdf_inprocess"):
            self.info["pdf_inprocess"] = [
                asdict(measure_pdf(pages, min(3.0, cfg.duration))) for pages in (1, 10)
            ]
            log(f"PDF renderer in-process: {self.info['pdf_inprocess']}")
        pg, database = cfg.pg, f"kasse_bench_{self.tag}"
        tokens: dict[str, str] | None = None
        if "pg" in cfg.phases or "pg-1m" in cfg.phases:
            self.databases.append(database)
            pg.create(database)
        if "pg" in cfg.phases:
            tokens = self.phase_pg(pg, database).tokens
        if "pg-1m" in cfg.phases:
            if tokens is None:  # pg-1m alone: prepare the database the pg phase would have
                phase = Phase(
                    "pg",
                    Target(pg.url(database), pg=pg, database=database),
                    self.server_env(pg.url(database)),
                    cfg.connections,
                )
                self.prepare(phase)
                tokens = phase.tokens
            self.phase_pg_1m(pg, database, tokens)
        if "sqlite" in cfg.phases:
            self.phase_sqlite()

    def write(self, error: str | None = None) -> Path:
        """The JSON of what was measured (after a failure too: then with the error)."""
        self.rate_rows()
        self.info["uptime_after"] = _uptime()
        if error:
            self.info["error"] = error
        self.info["finished"] = datetime.now(UTC).isoformat()
        payload = {
            **self.info,
            "ceilings": self.ceilings,
            "ratios": self.ratios(),
            "rows": [r.to_json() for r in self.rows],
            "profiles": self.profiles,
            "server_errors": self.server_errors,
            "markdown_table": markdown_table(self.rows),
        }
        return write_json(RESULTS, payload)

    def cleanup(self) -> None:
        """Stop every server, drop the databases, remove the folder; once, whatever happened."""
        if self.cleaned:
            return
        self.cleaned = True
        for server in list(self.servers):
            server.stop()
        if self.cfg.keep:
            log(f"kept: databases {self.databases}, folder {self.workdir}")
            return
        for database in list(self.databases):
            try:
                self.cfg.pg.drop(database)
            except subprocess.CalledProcessError as exc:
                log(f"could not drop {database}: {exc.stderr}")
        if self.cfg.profile and (self.workdir / "profiles").exists():
            target = RESULTS / f"profiles-{date.today().isoformat()}-{self.tag}"
            shutil.copytree(self.workdir / "profiles", target, dirs_exist_ok=True)
            log(f"raw py-spy profiles kept in {target}")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def print_report(self, path: Path) -> None:
        print()
        print(table(self.rows))
        print()
        for name, info in self.info["phases"].items():
            memory = info.get("peak_memory_mib_per_worker")
            if memory:
                print(f"peak memory per worker, {name} (VmHWM MiB): {memory}")
        if "pdf_inprocess" in self.info:
            for rate in self.info["pdf_inprocess"]:
                print(
                    f"PDF renderer in-process, {rate['pages_per_document']} page(s): "
                    f"{rate['pages_per_cpu_second']} pages per CPU-second"
                )
        print(f"load before: {self.info['uptime_before']}; after: {self.info.get('uptime_after')}")
        for name, errors in self.server_errors.items():
            print(
                f"\nserver errors ({name}): {errors.get('access_log_5xx')} answers 5xx in the log"
            )
            for exception, count in (errors.get("exceptions") or {}).items():
                print(f"  {count} x {exception}")
        print(f"\nJSON: {path}")


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(sys.argv[1:] if argv is None else argv)
    check_tools()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    bench = Bench(cfg)
    started = time.monotonic()
    error = None
    try:
        bench.run()
    except KeyboardInterrupt:
        log("interrupted: stopping the servers and dropping the databases")
        return 130
    except Exception as exc:
        # what was measured so far still goes into the table and the JSON, with the error
        error = f"{type(exc).__name__}: {exc}"
        log(f"the run failed: {error}")
        traceback.print_exc()
    finally:
        bench.cleanup()
    path = bench.write(error)
    bench.print_report(path)
    if error:
        return 2
    log(f"done in {(time.monotonic() - started) / 60:.1f} minutes")
    missed = [r for r in bench.rows if r.met is False]
    for row in missed:
        log(f"target missed: {row.phase} {row.label} ({row.target}) {'; '.join(row.checks)}")
    return 1 if missed and cfg.strict else 0


if __name__ == "__main__":
    sys.exit(main())
