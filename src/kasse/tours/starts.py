"""The one computation of a tour's start times: the start-time list, the day list, the equipment
answers and (later) the Tour item kind all ask it.

A candidate start comes from the tour's ``start_rule`` on its weekdays, on the 15-minute grid,
inside the museum's opening hours and the caller's ``window`` (the whole tour, start to end), not
before the earliest bookable day (today + ``lead_days``) and not in the past. A candidate is a
start the caller can book when

- it already has a booking (an active guide claim of this tour at this very start): that guide
  leads it, and a language-bound tour asked in a language needs the booking's language; or
- some guide can lead it: works at the museum, speaks the language (the asked one on a
  language-bound tour, else any of the tour's), works during the whole tour (their hours, else
  the museum's opening hours) and leads nothing else then (no active claim overlapping it);

and it has room for ``participants``. Live data costs two statements whatever the range: the tour
slots' usage (``usage_of``) and the guide claims of the days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.availability.capacity import free_places, usage_of
from kasse.catalog.date_quotas import tour_slot
from kasse.catalog.snapshot import Catalog
from kasse.catalog.tour_snapshot import GuideData, TourData
from kasse.core.sql import run, table_of
from kasse.core.times import local_minute, today
from kasse.models import EquipmentClaim, GuideClaim

GRID = 15  # minutes: start times lie on quarter hours
DEFAULT_WINDOW = (8 * 60, 22 * 60)


@dataclass(frozen=True)
class StartOption:
    start_at: datetime
    bookable: int  # participants left
    # the guides that could lead it, or the guide already leading it
    guide_ids: tuple[int, ...]


@dataclass(frozen=True)
class _Claim:
    guide_id: int
    tour_id: int
    start_at: datetime
    end_at: datetime
    language_id: int | None


def candidate_starts(
    catalog: Catalog,
    tour: TourData,
    day: date,
    now: datetime,
    tz: ZoneInfo,
    window: tuple[int, int] = DEFAULT_WINDOW,
) -> list[datetime]:
    """The starts (UTC) the tour's rules allow on ``day``, whoever guides and however full."""
    row, rule = tour.row, tour.row.start_rule
    museum = catalog.museums.get(row.museum_id)
    opening = museum.opening(day) if museum else None
    if (
        opening is None
        or day.weekday() not in rule["weekdays"]
        or day < today(now, tz) + timedelta(days=row.lead_days)
    ):
        return []
    earliest, latest = max(opening[0], window[0]), min(opening[1], window[1])
    starts = (
        local_minute(day, minute, tz)
        for minute in range(rule["first"], rule["last"] + 1, rule["every"])
        if minute % GRID == 0 and earliest <= minute and minute + row.duration <= latest
    )
    return [start for start in starts if start > now]


_claims = table_of(GuideClaim).c
# The active guide claims touching a range, built once (see core/sql.py on building statements).
GUIDE_CLAIMS = select(
    _claims.guide_id, _claims.tour_id, _claims.start_at, _claims.end_at, _claims.language_id
).where(
    _claims.start_at < bindparam("last"),
    _claims.end_at > bindparam("first"),
    or_(_claims.valid_until.is_(None), _claims.valid_until > bindparam("now")),
    _claims.order_item_id.not_in(bindparam("ignore", expanding=True)),
)


async def _guide_claims(
    session: AsyncSession,
    first: datetime,
    last: datetime,
    now: datetime,
    ignore_order_items: Iterable[int],
) -> list[_Claim]:
    parameters: dict[str, Any] = {
        "first": first,
        "last": last,
        "now": now,
        "ignore": list(ignore_order_items),
    }
    return [_Claim(*row) for row in await run(session, GUIDE_CLAIMS, parameters)]


def _speaks(guide: GuideData, tour: TourData, language_id: int | None) -> bool:
    if tour.row.language_bound and language_id is not None:
        return guide.speaks(language_id)
    return any(guide.speaks(i) for i in tour.row.language_ids)


def _works_through(
    guide: GuideData,
    opening: tuple[int, int] | None,
    day: date,
    minute: int,
    duration: int,
) -> bool:
    hours = guide.hours.get(day.weekday()) if guide.hours else opening
    return hours is not None and hours[0] <= minute and minute + duration <= hours[1]


@dataclass(frozen=True)
class _Day:
    """What deciding a day's starts needs: the guides and their claims."""

    catalog: Catalog
    tour: TourData
    tz: ZoneInfo
    busy: dict[int, list[tuple[datetime, datetime]]]  # guide -> claimed spans
    booked: dict[datetime, list[_Claim]]  # this tour's starts with a booking

    def guides_for(self, start: datetime, language_id: int | None) -> tuple[int, ...]:
        """The guides that could lead a new tour at ``start``."""
        row = self.tour.row
        end = start + timedelta(minutes=row.duration)
        local = start.astimezone(self.tz)
        day = local.date()
        minute = local.hour * 60 + local.minute
        museum = self.catalog.museums[row.museum_id]
        return tuple(
            guide.id
            for guide in self.catalog.tours.guides.values()
            if guide.works_at(row.museum_id)
            and _speaks(guide, self.tour, language_id)
            and _works_through(guide, museum.opening(day), day, minute, row.duration)
            and not any(s < end and start < e for s, e in self.busy.get(guide.id, ()))
        )

    def leaders(self, start: datetime, language_id: int | None) -> tuple[int, ...]:
        """The guide already leading ``start``, or the guides that could."""
        claims = self.booked.get(start)
        if not claims:
            return self.guides_for(start, language_id)
        if (
            self.tour.row.language_bound
            and language_id is not None
            and any(c.language_id != language_id for c in claims)
        ):
            return ()
        return tuple(sorted({c.guide_id for c in claims}))


async def start_options(
    session: AsyncSession,
    catalog: Catalog,
    tour: TourData,
    days: list[date],
    now: datetime,
    tz: ZoneInfo,
    *,
    language_id: int | None,
    participants: int,
    window: tuple[int, int] = DEFAULT_WINDOW,
    ignore_order_items: Iterable[int] = (),
) -> dict[date, list[StartOption]]:
    """Per day, the starts of ``tour`` that can take ``participants`` more (see the module)."""
    candidates = {day: candidate_starts(catalog, tour, day, now, tz, window) for day in days}
    starts = [s for day_starts in candidates.values() for s in day_starts]
    if not starts:
        return {day: [] for day in days}
    ignored = list(ignore_order_items)
    usage = await usage_of(
        session, {tour_slot(tour.id, s) for s in starts}, now, ignore_order_items=ignored
    )
    duration = timedelta(minutes=tour.row.duration)
    claims = await _guide_claims(session, min(starts), max(starts) + duration, now, ignored)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    booked: dict[datetime, list[_Claim]] = defaultdict(list)
    for claim in claims:
        busy[claim.guide_id].append((claim.start_at, claim.end_at))
        if claim.tour_id == tour.id:
            booked[claim.start_at].append(claim)
    deciding = _Day(catalog=catalog, tour=tour, tz=tz, busy=busy, booked=booked)
    answer: dict[date, list[StartOption]] = {}
    for day, day_starts in candidates.items():
        options = []
        for start in day_starts:
            guides = deciding.leaders(start, language_id)
            slot = tour_slot(tour.id, start)
            left = free_places(catalog, slot, usage[slot]) if guides else 0
            if left >= participants:
                options.append(StartOption(start_at=start, bookable=left, guide_ids=guides))
        answer[day] = options
    return answer


_equipment = table_of(EquipmentClaim).c
EQUIPMENT_CLAIMS = select(
    _equipment.equipment_id, _equipment.start_at, _equipment.end_at, _equipment.quantity
).where(
    _equipment.equipment_id.in_(bindparam("equipment_ids", expanding=True)),
    _equipment.start_at < bindparam("last"),
    _equipment.end_at > bindparam("first"),
    or_(_equipment.valid_until.is_(None), _equipment.valid_until > bindparam("now")),
)


async def equipment_left(
    session: AsyncSession,
    catalog: Catalog,
    tour: TourData,
    equipment_ids: list[int],
    starts: list[datetime],
    now: datetime,
) -> dict[int, dict[datetime, int]]:
    """Per equipment and start: its stock less what active claims overlapping the tour take
    (never below 0); one statement."""
    if not starts or not equipment_ids:
        return {e: {} for e in equipment_ids}
    duration = timedelta(minutes=tour.row.duration)
    parameters: dict[str, Any] = {
        "equipment_ids": equipment_ids,
        "first": min(starts),
        "last": max(starts) + duration,
        "now": now,
    }
    taken: dict[int, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for equipment_id, start_at, end_at, quantity in await run(
        session, EQUIPMENT_CLAIMS, parameters
    ):
        taken[equipment_id].append((start_at, end_at, quantity))
    return {
        e: {
            start: max(
                0,
                catalog.tours.equipment[e].stock
                - sum(q for s, end, q in taken[e] if s < start + duration and start < end),
            )
            for start in starts
        }
        for e in equipment_ids
    }
