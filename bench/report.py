"""The one table of a run, and the same as JSON in bench/results/."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.wrk import RunResult


@dataclass
class Row:
    phase: str
    scenario: str
    label: str
    result: RunResult | None  # the median run; None for pgbench
    runs: list[float]  # requests/s of every run
    value: float  # requests/s (pgbench: TPS)
    ceiling: str = ""  # what the ratio divides by
    ceiling_value: float | None = None
    target: str = ""
    target_ratio: float | None = None
    checks: list[str] = field(default_factory=list)  # failed checks; empty = fine
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ceiling_value:
            return self.value / self.ceiling_value
        return None

    @property
    def met(self) -> bool | None:
        if self.checks:
            return False
        if self.target_ratio is None:
            return True if self.target else None
        ratio = self.ratio
        return ratio is not None and ratio >= self.target_ratio

    def statuses_text(self) -> str:
        if self.result is None:
            return ""
        parts = [f"{c}:{n}" for c, n in self.result.statuses.items() if not c.startswith("2")]
        parts += [f"{k}:{n}" for k, n in self.result.socket_errors.items()]
        return " ".join(parts) or "-"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        data["met"] = self.met
        return data


COLUMNS = (
    ("phase", 7),
    ("scenario", 30),
    ("req/s", 8),
    ("p50 ms", 7),
    ("p99 ms", 8),
    ("non-2xx / errors", 22),
    ("5xx", 4),
    ("cpu% wrk/srv/pg", 15),
    ("ratio", 22),
    ("target", 16),
    ("ok", 4),
)


def _cells(row: Row) -> list[str]:
    r = row.result
    ratio = "" if row.ratio is None else f"{row.ratio:.2f} x {row.ceiling}"
    met = {True: "yes", False: "NO", None: ""}[row.met]
    return [
        row.phase,
        row.label,
        f"{row.value:.0f}",
        "" if r is None else f"{r.p50_ms:.1f}",
        "" if r is None else f"{r.p99_ms:.1f}",
        row.statuses_text(),
        "" if r is None else str(sum(n for c, n in r.statuses.items() if c.startswith("5"))),
        "" if r is None else f"{r.wrk_cpu_pct:.0f}/{r.server_cpu_pct:.0f}/{r.postgres_cpu_pct:.0f}",
        ratio,
        row.target,
        met,
    ]


def table(rows: list[Row]) -> str:
    lines = [
        " | ".join(name.ljust(width) for name, width in COLUMNS),
        "-|-".join("-" * width for _, width in COLUMNS),
    ]
    for row in rows:
        cells = _cells(row)
        lines.append(" | ".join(c.ljust(w) for c, (_, w) in zip(cells, COLUMNS, strict=True)))
        for check in row.checks:
            lines.append(f"{'':7} |   ! {check}")
        if row.note:
            lines.append(f"{'':7} |     {row.note}")
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    head = "| " + " | ".join(name for name, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
    body = []
    for row in rows:
        cells = [c.replace("|", "/") for c in _cells(row)]
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *body])


def write_json(directory: Path, payload: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path
