"""Parameter types shared by the domains: strict days and moments within a sane range."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

# Far enough for any museum, near enough that time-zone arithmetic never overflows.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    # Pydantic would read a bare number as a Unix timestamp; the API speaks YYYY-MM-DD only.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


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
    WithJsonSchema({"type": "string", "format": "date"}),
]
Moment = Annotated[datetime, AfterValidator(_sane_moment)]
