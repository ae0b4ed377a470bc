"""An event date's places are a quota slot of their own: the quota ``-date_id`` (file quotas have
positive ids) at a fixed start. The date's real start is not part of the key, so that a date moved
by a later catalog load keeps what it sold.

Counting, holding, locking, selling and giving back are then ``availability/capacity.py``'s one
mechanism, and ``booked + held <= max_seats`` is the quota invariant.
"""

from __future__ import annotations

from datetime import UTC, datetime

DATE_SLOT_START = datetime(2000, 1, 1, tzinfo=UTC)


def date_quota_id(date_id: int) -> int:
    return -date_id


def date_slot(date_id: int) -> tuple[int, datetime]:
    """The date's places as ``availability/capacity.py`` keys a slot: (quota, start)."""
    return (date_quota_id(date_id), DATE_SLOT_START)


def is_date_quota(quota_id: int) -> bool:
    return quota_id < 0


def date_id_of(quota_id: int) -> int:
    """The date whose places a date quota counts."""
    return -quota_id
