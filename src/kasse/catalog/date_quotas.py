"""The quotas of events and tours, which the loader makes from their own rules: file quotas have
positive ids, these negative ones.

An event date's places are the quota ``-date_id`` at a fixed start: the date's real start is not
part of the key, so that a date moved by a later catalog load keeps what it sold. A tour's
participants are the quota ``-(TOUR_QUOTAS + tour_id)``, one slot per start time, like a time-slot
ticket's.

Counting, holding, locking, selling and giving back are then ``availability/capacity.py``'s one
mechanism, and ``booked + held <= max`` is the quota invariant.
"""

from __future__ import annotations

from datetime import UTC, datetime

DATE_SLOT_START = datetime(2000, 1, 1, tzinfo=UTC)
# date ids lie below, tour quotas above (both far from PostgreSQL's smallest integer)
TOUR_QUOTAS = 1_000_000_000


def date_quota_id(date_id: int) -> int:
    return -date_id


def date_slot(date_id: int) -> tuple[int, datetime]:
    """The date's places as ``availability/capacity.py`` keys a slot: (quota, start)."""
    return (date_quota_id(date_id), DATE_SLOT_START)


def is_date_quota(quota_id: int) -> bool:
    return -TOUR_QUOTAS < quota_id < 0


def tour_quota_id(tour_id: int) -> int:
    return -(TOUR_QUOTAS + tour_id)


def tour_slot(tour_id: int, start_at: datetime) -> tuple[int, datetime]:
    """The participants of a tour's start time as ``availability/capacity.py`` keys a slot."""
    return (tour_quota_id(tour_id), start_at)


def is_tour_quota(quota_id: int) -> bool:
    return quota_id <= -TOUR_QUOTAS


def tour_id_of(quota_id: int) -> int:
    return -quota_id - TOUR_QUOTAS


def date_id_of(quota_id: int) -> int:
    """The date whose places a date quota counts."""
    return -quota_id
