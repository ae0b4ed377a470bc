"""Where the time goes: py-spy samples of the workers during a run, and SQL statements per request.

``Sampler`` records every worker with ``py-spy record --format raw`` (collapsed stacks, one line
per distinct stack with its sample count; speedscope.app and flamegraph.pl read them) and
``summarize`` turns those files into the heaviest frames, inclusive and self.

``count_statements`` runs the product app in this process (httpx over ASGI, same database) and
counts the statements each kind of request sends, with their text.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
# Leaf frames of threads that wait rather than work: idle thread-pool workers, uvicorn's ping
# thread. py-spy's own idle detection does not catch them here, so they are dropped by name.
_IDLE_LEAVES = (
    "Condition.wait (",
    "Queue.get (",
    "Connection._recv (",
    "select (",
    "poll (",
    "_worker (concurrent/futures/thread.py)",  # an executor thread waiting for work
)


@dataclass
class Sampler:
    """py-spy attached to each worker for ``seconds``; started before wrk, joined after."""

    out_dir: Path
    name: str
    seconds: float
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @staticmethod
    def available() -> bool:
        return shutil.which("py-spy") is not None or _venv_py_spy().exists()

    def start(self, pids: Iterable[int]) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("py-spy") or str(_venv_py_spy())
        for pid in pids:
            path = self.out_dir / f"{self.name}-{pid}.txt"
            self.files.append(path)
            self.processes.append(
                subprocess.Popen(
                    [
                        binary,
                        "record",
                        "--pid",
                        str(pid),
                        "--duration",
                        str(round(self.seconds)),
                        "--rate",
                        "200",
                        "--format",
                        "raw",
                        "--output",
                        str(path),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def join(self) -> list[Path]:
        for process in self.processes:
            try:
                process.wait(timeout=self.seconds + 30)
            except subprocess.TimeoutExpired:
                process.kill()
        return [f for f in self.files if f.exists()]


def _venv_py_spy() -> Path:
    import sys

    return Path(sys.executable).parent / "py-spy"


def _short(frame: str) -> str:
    """``func (path/to/module.py:12)`` -> ``func (module.py)``; site-packages paths shortened."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match.group("file")
    for marker in ("site-packages/", "src/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


def summarize(files: Iterable[Path], top: int = 25) -> dict[str, Any]:
    """Heaviest frames over all workers' busy samples: inclusive (on the stack) and self (on top).

    Percentages are of the busy samples (idle threads dropped), so they say where the CPU goes.
    """
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for path in files:
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [_short(f) for f in stack.split(";") if f]
            # a thread-name frame leads each stack: "process 123:..." / "thread (0x...)"
            frames = [f for f in frames if not f.startswith(("process ", "thread "))]
            if not frames or frames[-1].startswith(_IDLE_LEAVES):
                continue
            total += count
            for frame in set(frames):
                inclusive[frame] += count
            own[frames[-1]] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return (
            [(f, round(100 * n / total, 1)) for f, n in counter.most_common(top)] if total else []
        )

    return {"samples": total, "inclusive_pct": share(inclusive), "self_pct": share(own)}


# --- statements per request --------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One request of a scenario, sent twice: the second one is counted (caches are warm)."""

    name: str
    method: str
    path: str
    token: str | None
    body: dict[str, Any] | None = None
    second_body: dict[str, Any] | None = None  # writes need fresh data for the counted request
    second_path: str | None = None


def count_statements(database_url: str, probes: list[Probe]) -> dict[str, Any]:
    return asyncio.run(_count(database_url, probes))


async def _count(database_url: str, probes: list[Probe]) -> dict[str, Any]:
    import httpx
    from sqlalchemy import event

    from kasse.app import create_app
    from kasse.core.db import open_instances
    from kasse.settings import Settings

    settings = Settings(database_url=database_url)
    app = create_app(settings)
    # The instances without the lifespan: no mail sender or housekeeping adds statements.
    app.state.instances = open_instances(settings)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split())[:160])

    counts: dict[str, Any] = {}
    try:
        for instance in app.state.instances.values():
            event.listen(instance.write_engine.sync_engine, "before_cursor_execute", record)
            # On PostgreSQL the read engine derives from the write engine, which hears it too.
            if instance.is_sqlite:
                event.listen(instance.read_engine.sync_engine, "before_cursor_execute", record)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for probe in probes:
                headers = {"Authorization": f"Bearer {probe.token}"} if probe.token else {}
                attempts = (
                    (probe.path, probe.body),
                    (probe.second_path or probe.path, probe.second_body or probe.body),
                )
                for path, body in attempts:
                    statements.clear()
                    answer = await client.request(probe.method, path, json=body, headers=headers)
                counts[probe.name] = {
                    "status": answer.status_code,
                    "statements": len(statements),
                    "sql": list(statements),
                }
    finally:
        for instance in app.state.instances.values():
            await instance.dispose()
    return counts
