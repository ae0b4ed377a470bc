"""docs/api-coverage.md read by the contract test: what kasse claims about every endpoint.

Two tables are machine-read, each under its own heading:

* ``## Reference endpoints``: ``| endpoint | status | ... |`` with the endpoint as the reference
  spells it (`` `GET /api/v4/tickets/:id` ``) and the status ``exact``, ``deviation`` or
  ``not yet (issue N)``; the line ``Counted: N endpoints: A exact, B deviation, C not yet.`` above it.
* ``## Deviations``: ``| endpoint | JSON path | difference | reason |``: one difference the
  contract test allows. The difference is one of ``missing``, ``extra``, ``type``, ``format``,
  ``empty`` (see ``tests/contract/compare.py``), ``any`` (every difference at or below the path)
  or ``behaviour`` (not a JSON shape: the reason says what; the test does not look for it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.contract.compare import Difference

COVERAGE = Path(__file__).parent.parent.parent / "docs" / "api-coverage.md"
ENDPOINTS_HEADING = "## Reference endpoints"
DEVIATIONS_HEADING = "## Deviations"
KINDS = frozenset({"missing", "extra", "type", "format", "empty", "any", "behaviour"})
STATUS = re.compile(r"^(exact|deviation|not yet \(issue \d+[^)]*\))$")
COUNTS = re.compile(
    r"Counted: (\d+) endpoints: (\d+) exact, (\d+) deviation, (\d+) not yet\.", re.IGNORECASE
)


@dataclass(frozen=True)
class Deviation:
    endpoint: str
    path: str
    kind: str
    reason: str

    def allows(self, endpoint: str, difference: Difference) -> bool:
        if endpoint != self.endpoint or self.kind == "behaviour":
            return False
        if self.kind == "any":
            rest = difference.path.removeprefix(self.path)
            return difference.path == self.path or (
                rest != difference.path and rest[:1] in (".", "[")
            )
        return difference.path == self.path and difference.kind == self.kind


@dataclass(frozen=True)
class Coverage:
    statuses: dict[str, str]  # endpoint -> exact | deviation | not yet (issue N)
    counts: tuple[int, int, int, int] | None  # total, exact, deviation, not yet, as stated
    deviations: tuple[Deviation, ...]


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    try:
        start = lines.index(heading)
    except ValueError:
        raise AssertionError(f"docs/api-coverage.md has no {heading!r} section") from None
    section: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        section.append(line)
    return section


def _rows(lines: list[str]) -> list[list[str]]:
    """The body rows of the section's tables (several may share one header), the first two
    cells without their backticks."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in lines
        if line.startswith("|")
    ]
    body = [
        row
        for row in rows
        if row[0] != "endpoint" and not all(set(cell) <= set("-: ") for cell in row)
    ]
    return [[cell.strip("`") if i < 2 else cell for i, cell in enumerate(row)] for row in body]


def read_coverage(path: Path = COVERAGE) -> Coverage:
    text = path.read_text(encoding="utf-8")
    endpoint_lines = _section(text, ENDPOINTS_HEADING)
    statuses: dict[str, str] = {}
    for row in _rows(endpoint_lines):
        endpoint, status = row[0], row[1]
        assert STATUS.match(status), f"api-coverage.md: {endpoint}: unknown status {status!r}"
        assert endpoint not in statuses, f"api-coverage.md lists {endpoint} twice"
        statuses[endpoint] = status
    counted = COUNTS.search("\n".join(endpoint_lines))
    counts = None
    if counted:
        total, exact, deviation, not_yet = (int(n) for n in counted.groups())
        counts = (total, exact, deviation, not_yet)
    deviations: list[Deviation] = []
    for row in _rows(_section(text, DEVIATIONS_HEADING)):
        endpoint, json_path, kind, reason = [*row, "", "", "", ""][:4]
        kind = kind.strip("`")
        assert kind in KINDS, f"api-coverage.md: deviation {endpoint} {json_path}: kind {kind!r}"
        assert reason, f"api-coverage.md: deviation {endpoint} {json_path} gives no reason"
        deviations.append(Deviation(endpoint, json_path, kind, reason))
    return Coverage(statuses=statuses, counts=counts, deviations=tuple(deviations))
