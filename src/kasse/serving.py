"""What ``kasse serve`` hands to uvicorn: the access log filter and the worker supervisor.

uvicorn pings every worker every half second and kills one that does not answer within
``timeout_worker_healthcheck`` seconds (``KASSE_WORKER_HEALTHCHECK_SECONDS``); it then logs only
"Child process [pid] died", at info level and without saying whether the worker exited or was
killed for not answering. A worker answers from a thread it starts only after multiprocessing's
``spawn`` has run the parent's ``__main__`` again and after the logging configuration is applied
(which imports the filter class named in it). Both used to import the whole CLI (the console
script; the filter lived in ``kasse.cli``): seconds on a busy host, in which uvicorn killed the
workers in a loop. Both now import this module, which imports little (no CLI, no app).
"""

from __future__ import annotations

import copy
import functools
import logging
import sys
from typing import TYPE_CHECKING, Any

import uvicorn
from uvicorn import Config
from uvicorn.supervisors import Multiprocess

if TYPE_CHECKING:
    from kasse.core.redaction import PathRedactor

log = logging.getLogger("uvicorn.error")

APP = "kasse.app:create_app"


@functools.cache
def _served_paths() -> PathRedactor:
    # Imported at the first access log line, not with the logging configuration: a worker must
    # answer uvicorn's health check before it spends seconds importing the app (see above). The
    # app is only built, never started: nothing is opened.
    from kasse.app import create_app
    from kasse.core.redaction import PathRedactor

    return PathRedactor(create_app().routes)


class RedactSecrets(logging.Filter):
    """Access log lines keep the path but neither the query string (tokens travel in query
    strings) nor the path segments that are secrets (order tokens, barcodes, coupon codes)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], _served_paths().redact_target(args[2]), *args[3:])
        return True


def uvicorn_log_config(level: str = "info") -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": f"{__name__}.RedactSecrets"}
    config["handlers"]["access"]["filters"] = ["redact_secrets"]
    # kasse's own lines (start-up, mail, housekeeping) beside uvicorn's
    config["loggers"]["kasse"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


class WorkerSupervisor(Multiprocess):
    def keep_subprocess_alive(self) -> None:
        watched = [(process, process.process.is_alive()) for process in self.processes]
        super().keep_subprocess_alive()
        for process, was_alive in watched:
            if process in self.processes:
                continue
            if was_alive:
                log.warning(
                    "worker [%s] did not answer the health check within %s s "
                    "(KASSE_WORKER_HEALTHCHECK_SECONDS): killed, starting another",
                    process.pid,
                    self.config.timeout_worker_healthcheck,
                )
            else:
                log.warning(
                    "worker [%s] exited with code %s: starting another",
                    process.pid,
                    process.exitcode,
                )


def run_workers(config: Config) -> None:
    """What ``uvicorn.run`` does for several workers, with the supervisor above."""
    # Workers start from this small module instead of the console script (see the docstring);
    # the parent has nothing left to do with its own __main__ but wait for the workers.
    sys.modules["__main__"] = sys.modules[__name__]
    WorkerSupervisor(config, sockets=[config.bind_socket()]).run()
