"""How long an annual pass is valid: whole calendar months from the local day it starts."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kasse.core.times import local_date, local_day_bounds


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the 31st becomes the month's last day where it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_end(start_at: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The first moment a pass starting at ``start_at`` is no longer valid (exclusive end).

    A pass bought for 15 March is valid up to and including 14 March of the next year.
    """
    last_day_exclusive = add_months(local_date(start_at, tz), months)
    return local_day_bounds(last_day_exclusive, tz)[0]


def last_valid_day(valid_until: datetime, tz: ZoneInfo) -> date:
    """The last local day a pass is valid on: the day before its exclusive end."""
    return local_date(valid_until - timedelta(microseconds=1), tz)
