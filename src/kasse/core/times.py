"""Store UTC, speak the instance's local time: parsing and rendering of the wire timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def render(moment: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 with the instance's UTC offset, e.g. ``2026-05-15T14:00:00+02:00``."""
    if moment is None:
        return None
    # Whole seconds, as go~mus writes them; clients compare these strings.
    return moment.astimezone(tz).replace(microsecond=0).isoformat()


def render_spaced(moment: datetime, tz: ZoneInfo) -> str:
    """``2026-05-15 14:00:00 +0200``: how the reference writes the slots of a calendar's quotas."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %z")


def to_utc(moment: datetime, tz: ZoneInfo) -> datetime:
    """A client's timestamp in UTC; one without an offset is read in the instance's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def local_minute(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC moment of ``minute`` minutes after local midnight of ``day``."""
    local = datetime.combine(day, time(0), tzinfo=tz) + timedelta(minutes=minute)
    # Re-attach the zone so that the offset of that very minute applies (DST days).
    return local.replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC)


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()
