"""Start and stop the server under test, and read its workers' memory and CPU from /proc."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STARTUP_LINE = "Application startup complete"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid``, from every process's parent in /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: the fields start after the last ")"
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[11], fields[12]: utime, stime (stat fields 14 and 15)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def status_kib(pid: int, key: str) -> int | None:
    """A ``VmHWM``-style line of /proc/<pid>/status, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Server:
    """A server process group (uvicorn supervisor + workers) on 127.0.0.1."""

    name: str
    command: Sequence[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    workers: int
    # answers 200 once a worker serves (the raw stack has no kasse routes)
    ready_path: str = "/api/v4/version"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> None:
        command = [*self.command, "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        # A session of its own: Ctrl-C at the terminal reaches the runner, which then stops the
        # whole group (supervisor and workers) itself, in order.
        self.process = subprocess.Popen(
            command,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()  # never leave a half-started group behind
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
                )
            if self._startups() >= self.workers and self._answers():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s; see {self.log_path}")

    def _startups(self) -> int:
        try:
            return self.log_path.read_text(errors="replace").count(STARTUP_LINE)
        except OSError:
            return 0

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}{self.ready_path}", timeout=2) as answer:
                return bool(answer.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def worker_pids(self) -> list[int]:
        """The uvicorn workers: spawned children of the supervisor (not its resource tracker)."""
        if self.process is None:
            return []
        workers = []
        for pid in children_of(self.process.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command:
                workers.append(pid)
        return workers

    def worker_cpu(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self.worker_pids()}

    def peak_memory_mib(self) -> dict[str, float]:
        """VmHWM (peak resident set) of each worker, in MiB."""
        peaks = {}
        for pid in self.worker_pids():
            kib = status_kib(pid, "VmHWM")
            if kib is not None:
                peaks[str(pid)] = round(kib / 1024, 1)
        return peaks

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM to the group (graceful uvicorn shutdown), SIGKILL to what is left."""
        if self.process is None:
            return
        pgid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        # Workers outlive a supervisor killed too early: end the whole group for sure.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.process = None

    def is_idle(self, window: float = 0.3, busy_pct: float = 10.0) -> bool:
        """The workers used less than ``busy_pct`` of a core over ``window`` seconds."""
        before = self.worker_cpu()
        time.sleep(window)
        after = self.worker_cpu()
        used = sum(after.get(pid, 0.0) - t for pid, t in before.items())
        return 100 * used / window < busy_pct

    def log_offset(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_errors(self, offset: int = 0, examples: int = 2) -> dict[str, Any]:
        """The server log's exceptions (from ``offset`` on): how often each one happened, and
        whole tracebacks of a few; plus the 5xx lines of the access log."""
        try:
            with self.log_path.open("rb") as file:
                file.seek(offset)
                lines = file.read().decode(errors="replace").splitlines()
        except OSError:
            return {}
        counts: dict[str, int] = {}
        tracebacks: list[list[str]] = []
        current: list[str] | None = None
        for line in lines:
            if line.startswith("Traceback (most recent call last)"):
                current = [line]
                continue
            if current is None:
                continue
            current.append(line)
            if line and not line[0].isspace():  # the exception line ends the traceback
                counts[line[:300]] = counts.get(line[:300], 0) + 1
                if len(tracebacks) < examples:
                    tracebacks.append(current)
                current = None
        status_5xx = sum(1 for line in lines if re.search(r'HTTP/1\.1" 5\d\d', line))
        if not counts and not status_5xx:
            return {}
        return {
            "access_log_5xx": status_5xx,
            "exceptions": counts,
            "tracebacks": ["\n".join(t) for t in tracebacks],
        }
