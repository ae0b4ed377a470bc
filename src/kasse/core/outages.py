"""Telling an outage (the database does not answer, the disk is full or read-only) from a bug.

An outage is not the request's fault and passes by itself: it is answered 503 with
``Retry-After`` and logged in one line, where a bug gets a 500 and its traceback.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# SQLSTATE classes (PostgreSQL, any driver): connection exception, insufficient resources (disk
# full, out of memory, too many connections), shutting down or starting up, I/O error, and a
# read-only transaction (a standby answered, e.g. during a failover), and a row lock that did not
# come within the lock timeout (core/locking.py: the rows are that busy; a retry may well succeed).
UNAVAILABLE_SQLSTATES = ("08", "53", "57P", "58", "25006", "55P03")
# SQLite primary result codes: busy beyond the busy timeout, read-only, I/O error, disk full,
# cannot open the file.
UNAVAILABLE_SQLITE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
    }
)
UNAVAILABLE_ERRNOS = frozenset(
    {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENOSPC, errno.EROFS}
)
MAX_REASON_CHARS = 200


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__, getattr(current, "orig", None)]


def _is_outage(exc: BaseException) -> bool:
    if isinstance(exc, PoolTimeoutError):
        return True  # no pooled connection came free: the database is too slow or gone
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", 0) & 0xFF in UNAVAILABLE_SQLITE_CODES
    if isinstance(exc, OSError):
        return isinstance(exc, ConnectionError | TimeoutError) or exc.errno in UNAVAILABLE_ERRNOS
    sqlstate = getattr(exc, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(UNAVAILABLE_SQLSTATES)


def _describe(exc: BaseException) -> str:
    # The driver's own message: SQLAlchemy's carries the statement and its parameters.
    error = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first_line = next(iter(str(error).splitlines()), "")
    return f"{type(error).__name__}: {first_line}"[:MAX_REASON_CHARS]


def outage_reason(exc: BaseException) -> str | None:
    """A one-line description of the outage ``exc`` stands for, or None when it is none."""
    return next((_describe(cause) for cause in _causes(exc) if _is_outage(cause)), None)


def log_failure(log: logging.Logger, exc: BaseException, what: str, *args: object) -> None:
    """Log a failed piece of work: one line for an outage, the traceback for anything else."""
    reason = outage_reason(exc)
    if reason is None:
        log.error(what, *args, exc_info=exc)
    else:
        log.warning(what + ": database unavailable (%s)", *args, reason)
