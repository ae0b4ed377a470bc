"""One wrk run: the command, its JSON summary (from bench/lua/common.lua) and the CPU it cost."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from bench.server import CLOCK_TICKS, Server

LUA_DIR = Path(__file__).parent / "lua"
MARKER = "BENCH_JSON "


@dataclass
class RunResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    socket_errors: dict[str, int]
    wrk_cpu_pct: float  # of one core
    server_cpu_pct: float  # summed over the workers, of one core
    loadavg: float
    postgres_cpu_pct: float = 0.0  # every postgres process of the machine, of one core
    samples: list[str] = field(default_factory=list)  # bodies of a few non-2xx answers
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code.startswith("5"))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Load:
    """How hard wrk pushes: threads, connections, seconds, and the request timeout."""

    threads: int
    connections: int
    seconds: float
    timeout_s: int = 30


def postgres_cpu() -> float:
    """CPU seconds of PostgreSQL so far: the live processes plus the backends that have exited
    (their time is in the postmaster's cutime/cstime). All databases: the machine is shared."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[11..14]: utime, stime, cutime, cstime (stat fields 14-17)
        total += sum(int(f) for f in fields[11:15]) / CLOCK_TICKS
    return total


def _loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_wrk(
    server: Server, script: str, load: Load, env: dict[str, str], path: str = "/"
) -> RunResult:
    """Run ``bench/lua/<script>`` against ``server`` and return what it measured."""
    command = [
        "wrk",
        f"-t{load.threads}",
        f"-c{max(load.connections, load.threads)}",
        f"-d{max(1, round(load.seconds))}s",
        f"--timeout={load.timeout_s}s",
        "-s",
        str(LUA_DIR / script),
        server.base_url + path,
    ]
    wrk_env = {
        **os.environ,
        "BENCH_LUA_DIR": str(LUA_DIR),
        "BENCH_THREADS": str(load.threads),
        **env,
    }
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_workers = server.worker_cpu()
    started = time.monotonic()
    before_pg = postgres_cpu()
    done = subprocess.run(
        command, env=wrk_env, capture_output=True, text=True, errors="replace", check=False
    )
    wall = time.monotonic() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_workers = server.worker_cpu()
    pg_cpu = postgres_cpu() - before_pg
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARKER)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    summary = json.loads(line[len(MARKER) :])
    wrk_cpu = (after_children.ru_utime + after_children.ru_stime) - (
        before_children.ru_utime + before_children.ru_stime
    )
    server_cpu = sum(after_workers.get(pid, 0.0) - t for pid, t in before_workers.items())
    seconds = summary["duration_us"] / 1e6
    latency = summary["latency_us"]
    return RunResult(
        requests=summary["requests"],
        seconds=round(seconds, 3),
        rps=round(summary["requests"] / seconds, 1),
        p50_ms=round(latency["p50"] / 1000, 2),
        p90_ms=round(latency["p90"] / 1000, 2),
        p99_ms=round(latency["p99"] / 1000, 2),
        max_ms=round(latency["max"] / 1000, 2),
        statuses=dict(sorted(summary["statuses"].items())),
        socket_errors={k: v for k, v in summary["errors"].items() if k != "status" and v},
        wrk_cpu_pct=round(100 * wrk_cpu / wall, 1),
        server_cpu_pct=round(100 * server_cpu / wall, 1),
        loadavg=_loadavg(),
        postgres_cpu_pct=round(100 * pg_cpu / wall, 1),
        samples=summary.get("samples", []),
    )


def median_run(runs: list[RunResult]) -> RunResult:
    """The run with the median requests/s (its latencies go with it, so the row stays one run)."""
    ordered = sorted(runs, key=lambda r: r.rps)
    middle = median(range(len(ordered)))
    return ordered[int(middle)]
