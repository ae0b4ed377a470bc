"""Parameter types shared by the domains: strict days and moments within a sane range.

Their OpenAPI schemas state what is checked: the ``pattern`` carries the year range, so that a
client (and schemathesis) knows a day outside it is refused before it is sent.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

# Far enough for any museum, near enough that time-zone arithmetic never overflows.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)
_DAY = r"(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_HOUR_MINUTE = r"([01][0-9]|2[0-3]):?[0-5][0-9]"
_CLOCK = rf"[ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?(Z|[+-]{_HOUR_MINUTE})?"
DAY_PATTERN = f"^{_DAY}$"
# A day alone is its local midnight; a time without an offset is local time.
MOMENT_PATTERN = f"^{_DAY}({_CLOCK})?$"
_ISO_DAY = re.compile(DAY_PATTERN)
_ISO_MOMENT = re.compile(MOMENT_PATTERN)


def _iso_day(value: Any) -> Any:
    # Pydantic would read a bare number as a Unix timestamp; the API speaks YYYY-MM-DD only.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError(f"expected a date as YYYY-MM-DD, from {EARLIEST_DAY} to {LATEST_DAY}")


def _iso_moment(value: Any) -> Any:
    # As for days: no Unix timestamps, and nothing the pattern in the OpenAPI document refuses.
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_MOMENT.match(value)):
        return value
    raise ValueError(
        "expected a date (2026-06-01) or a timestamp (2026-06-01 10:00:00), "
        f"from {EARLIEST_DAY} to {LATEST_DAY}"
    )


def _in_range(day: date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(
            f"must lie between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}"
        )


def _sane_day(day: date) -> date:
    _in_range(day)
    return day


def _sane_moment(moment: datetime) -> datetime:
    _in_range(moment.date())
    return moment


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_day),
    AfterValidator(_sane_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
Moment = Annotated[
    datetime,
    BeforeValidator(_iso_moment),
    AfterValidator(_sane_moment),
    WithJsonSchema({"type": "string", "pattern": MOMENT_PATTERN}),
]
