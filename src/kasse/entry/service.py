"""Entry rules: may a barcode enter here and now, admitting it once per scope, and the scan log.

A barcode enters once per *scope*: ``main`` for a plain ticket and for a participant or seat of an
event booking, ``sub:<id>`` for each sub ticket of a combined ticket (one barcode, one entry at every
sub ticket's museum at its own time), and ``visit:<n>`` for the n-th visit of an annual pass, which
enters again and again (``passes.py``). Tickets and event bookings take one path: the barcode's
``Holding`` names the item and order it belongs to, ``Entry`` what it may enter, where and when.

Single admission rests on the unique constraint (barcode_id, scope) of ``entry_admissions``: the
admission is an ``INSERT ... ON CONFLICT DO NOTHING RETURNING id``, so of two turnstiles that scan
the same barcode at once exactly one gets a row back, on SQLite and PostgreSQL alike. The lookup
of an earlier admission before it only picks the clearest message; it is not what guarantees it.

Every scan is logged, refused ones too. Refusals are therefore not raised out of the request
(that would roll the log back): the rules raise the usual domain errors, and the entry points
here turn them into an ``Outcome`` that the route renders as the error response.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kasse.annual.validity import last_valid_day
from kasse.catalog.snapshot import Catalog, TicketData
from kasse.core.auth import Principal
from kasse.core.db import Instance
from kasse.core.errors import Forbidden, KasseError, Unprocessable
from kasse.core.i18n import translate
from kasse.core.sql import upsert
from kasse.core.times import local_date, local_day_bounds, render
from kasse.entry import passes
from kasse.models import (
    Barcode,
    EntryAdmission,
    EntryScan,
    EventBooking,
    Order,
    OrderItem,
    TicketSale,
)
from kasse.settings import Settings

ENTRY_ACCESS: frozenset[str] = frozenset({"user", "cashpoint"})
MAIN_SCOPE = "main"
ScanKind = Literal["check", "admit", "exit"]


@dataclass(frozen=True)
class Scan:
    """One scan as the scanner sent it, with what the rules need to judge it."""

    barcode: str
    location: str | None  # the museum id the scanner's location named (zones.resolve_location)
    principal: Principal
    catalog: Catalog
    settings: Settings
    now: datetime
    tz: ZoneInfo

    @property
    def museum_id(self) -> int | None:
        return int(self.location) if self.location is not None else None


@dataclass(frozen=True)
class Outcome:
    status_code: int
    message: str
    scan_id: int | None = None  # the scan event it was logged as

    @property
    def accepted(self) -> bool:
        return self.status_code == 200


@dataclass(frozen=True)
class Holding:
    """A barcode with the item and order it belongs to, and what holds it there: a ticket sale or
    an event booking (exactly one, as the barcode names one)."""

    barcode: Barcode
    item: OrderItem
    order: Order
    sale: TicketSale | None = None
    booking: EventBooking | None = None

    @property
    def title(self) -> str:
        holder = self.sale or self.booking
        assert holder is not None  # a barcode has one holder (check constraint one_holder)
        return holder.title


@dataclass(frozen=True)
class Entry:
    """The admission a scan asks for: which scope, under which rules, where and from when."""

    scope: str
    title: str
    start_at: datetime | None
    museum_ids: tuple[int, ...]
    ticket: TicketData | None = None  # None: an event booking
    valid_until: datetime | None = None  # annual passes: the end of their validity
    # the first and last moment of entry where they are fixed: a time slot, an event's date
    window: tuple[datetime, datetime] | None = None

    @property
    def location(self) -> str | None:
        """Where the entry happens when the scanner did not say: known only for one museum."""
        return str(self.museum_ids[0]) if len(self.museum_ids) == 1 else None

    @property
    def is_annual(self) -> bool:
        return self.ticket is not None and self.ticket.row.ticket_type == "annual"


# --- entry points: one per endpoint ---------------------------------------------------------


async def check(session: AsyncSession, instance: Instance, scan: Scan) -> Outcome:
    """May the barcode enter now? Never admits.

    On PostgreSQL the request's transaction may write, and logs the scan. On SQLite it is a
    deferred read transaction on the read engine, so the scan is logged in a short write
    transaction of its own. (Taking a second connection while holding the first would, on
    PostgreSQL, let a burst of checks exhaust the pool, each waiting for its second connection.)
    """
    scan.principal.require(ENTRY_ACCESS)
    holding = await _find_holding(session, scan.barcode)
    outcome = await _judge(_check_rules(session, scan, holding))
    if not instance.is_sqlite:
        return await _log(session, scan, "check", holding, outcome)
    async with instance.write_sessions() as log_session, log_session.begin():
        return await _log(log_session, scan, "check", holding, outcome)


async def admit(session: AsyncSession, scan: Scan) -> Outcome:
    """Admit (void) the barcode once per scope.

    Logged in the request's own write transaction: a refusal writes nothing but the log (the
    admission is the rules' last step), so the route answers it without raising and it commits.
    """
    scan.principal.require(ENTRY_ACCESS)
    holding = await _find_holding(session, scan.barcode)
    outcome = await _judge(_admit_rules(session, scan, holding))
    return await _log(session, scan, "admit", holding, outcome)


async def record_exit(session: AsyncSession, scan: Scan) -> Outcome:
    """Record that the visitor left: closes the barcode's latest admission."""
    scan.principal.require(ENTRY_ACCESS)
    holding = await _find_holding(session, scan.barcode)
    outcome = await _judge(_exit_rules(session, scan, holding))
    return await _log(session, scan, "exit", holding, outcome)


async def _judge(rules: Awaitable[str]) -> Outcome:
    try:
        return Outcome(200, await rules)
    except KasseError as exc:
        return Outcome(exc.status_code, exc.message)


async def _log(
    session: AsyncSession, scan: Scan, kind: ScanKind, holding: Holding | None, outcome: Outcome
) -> Outcome:
    """Log the scan; the outcome names the scan event, which a scanner may correct later."""
    event = EntryScan(
        barcode=scan.barcode,
        barcode_id=holding.barcode.id if holding else None,
        kind=kind,
        location=scan.location,
        accepted=outcome.accepted,
        message=outcome.message,
        api_token_id=scan.principal.token_id,
        scanned_at=scan.now,
    )
    session.add(event)
    await session.flush()
    return replace(outcome, scan_id=event.id)


# --- the rules of each endpoint ---------------------------------------------------------------


async def _check_rules(session: AsyncSession, scan: Scan, holding: Holding | None) -> str:
    holding, entry = _admissible_entry(scan, holding)
    await _refuse_if_used(session, holding, entry, scan)
    _require_window(scan, entry)
    return f"valid: {await _describe(session, holding, entry, scan.tz)}"


async def _admit_rules(session: AsyncSession, scan: Scan, holding: Holding | None) -> str:
    holding, entry = _admissible_entry(scan, holding)
    if entry.is_annual:
        await passes.lock_pass(session, holding.barcode.id, scan.settings)
    await _refuse_if_used(session, holding, entry, scan)
    _require_window(scan, entry)
    if not await _insert_admission(session, holding, entry, scan):
        # Another turnstile admitted it between our lookup and our insert.
        await _refuse_if_used(session, holding, entry, scan)
        raise Unprocessable("already used")
    return f"admitted: {await _describe(session, holding, entry, scan.tz)}"


async def _exit_rules(session: AsyncSession, scan: Scan, holding: Holding | None) -> str:
    _require_location_permission(scan)
    if holding is None:
        raise Unprocessable(f"barcode {scan.barcode} not found")
    admission = await _latest_admission(session, holding, scan.location)
    if admission is None:
        raise Unprocessable("not admitted yet: an exit needs an entry first")
    museum = int(admission.location) if admission.location is not None else None
    if museum is not None and not scan.principal.may_see_museums((museum,)):
        raise Unprocessable(f"not valid here: entered at museum {museum}")
    if admission.exited_at is None:
        # Conditional, so that two exit scans at once cannot both close it.
        closed = await session.scalar(
            update(EntryAdmission)
            .where(EntryAdmission.id == admission.id, EntryAdmission.exited_at.is_(None))
            .values(exited_at=scan.now)
            .returning(EntryAdmission.id)
            .execution_options(synchronize_session=False)
        )
        if closed is not None:
            return f"exit recorded: {holding.title}"
        await session.refresh(admission)
    raise Unprocessable(f"already exited on {render(admission.exited_at, scan.tz)}")


async def _latest_admission(
    session: AsyncSession, holding: Holding, location: str | None
) -> EntryAdmission | None:
    """The admission an exit closes: the latest at the exit's location, else the latest of all.

    A pass can be inside two museums' records at once (an annual pass admitted at one and then
    at the other); the exit scanner's location says which of them the holder leaves.
    """
    query = (
        select(EntryAdmission)
        .where(EntryAdmission.barcode_id == holding.barcode.id)
        .order_by(EntryAdmission.admitted_at.desc(), EntryAdmission.id.desc())
        .limit(1)
    )
    here = None
    if location is not None:
        here = await session.scalar(query.where(EntryAdmission.location == location))
    return here or await session.scalar(query)


# --- which entry, and may it happen ----------------------------------------------------------


async def _find_holding(session: AsyncSession, code: str) -> Holding | None:
    """The barcode with its holder, item and order, in one statement for either kind."""
    row = (
        await session.execute(
            select(Barcode, TicketSale, EventBooking, OrderItem, Order)
            .outerjoin(TicketSale, TicketSale.id == Barcode.ticket_sale_id)
            .outerjoin(EventBooking, EventBooking.id == Barcode.event_booking_id)
            .join(
                OrderItem,
                or_(
                    OrderItem.id == TicketSale.order_item_id,
                    OrderItem.id == EventBooking.order_item_id,
                ),
            )
            .join(Order, Order.id == OrderItem.order_id)
            .where(Barcode.barcode == code)
        )
    ).one_or_none()
    if row is None:
        return None
    barcode, sale, booking, item, order = row
    return Holding(barcode=barcode, item=item, order=order, sale=sale, booking=booking)


def _admissible_entry(scan: Scan, holding: Holding | None) -> tuple[Holding, Entry]:
    """The entry this scan asks for, or why it cannot be had (all but "used" and "when")."""
    _require_location_permission(scan)
    if holding is None:
        raise Unprocessable(f"barcode {scan.barcode} not found")
    _require_binding(holding, scan.tz)
    entry = _resolve_entry(scan, holding)
    if not scan.principal.may_see_museums(entry.museum_ids):
        raise Unprocessable(f"not valid here: valid at museum {_museums(entry.museum_ids)}")
    return holding, entry


def _require_location_permission(scan: Scan) -> None:
    museums = scan.principal.museum_ids
    if scan.museum_id is not None and museums is not None and scan.museum_id not in museums:
        raise Forbidden(f"this token may not scan at location {scan.location}")


def _require_binding(holding: Holding, tz: ZoneInfo) -> None:
    """Only a binding order's live items enter."""
    item, order = holding.item, holding.order
    if item.cancelled_at is not None:
        raise Unprocessable(f"cancelled on {render(item.cancelled_at, tz)}")
    if order.status == "cancelled" or order.cancelled_at is not None:
        when = f" on {render(order.cancelled_at, tz)}" if order.cancelled_at else ""
        raise Unprocessable(f"order cancelled{when}")
    if not order.is_valid:
        raise Unprocessable("order is not valid")
    if order.status != "finalized":
        raise Unprocessable(f"order not binding yet (status {order.status})")
    if order.pay_by_link and order.paid_at is None:
        raise Unprocessable("order not paid yet")


def _resolve_entry(scan: Scan, holding: Holding) -> Entry:
    if holding.booking is not None:
        return _event_entry(scan, holding.booking, holding.barcode)
    sale = holding.sale
    assert sale is not None  # a barcode has one holder
    ticket = scan.catalog.ticket(sale.ticket_id)
    if ticket is None:
        raise Unprocessable(f"ticket {sale.ticket_id} is no longer in the catalog")
    if sale.sub_ticket_times:
        return _pick_sub_entry(scan, _sub_entries(scan, sale))
    _require_museum(scan, ticket.museum_ids)
    return Entry(
        scope=MAIN_SCOPE,
        title=sale.title,
        ticket=ticket,
        start_at=sale.start_at,
        museum_ids=ticket.museum_ids,
        valid_until=sale.valid_until,
        window=_slot_window(scan, ticket, sale.start_at),
    )


def _event_entry(scan: Scan, booking: EventBooking, barcode: Barcode) -> Entry:
    """A participant or seat of an event booking: once, at its date (as the catalog has it now:
    a date moved by a later catalog load moves its entry too), at its event's museum."""
    date = scan.catalog.events.dates.get(booking.date_id)
    if date is None:
        raise Unprocessable(f"event date {booking.date_id} is no longer in the catalog")
    museum_ids = (date.museum_id,)
    _require_museum(scan, museum_ids)
    seat = date.seating.seats.get(barcode.seat_id) if date.seating and barcode.seat_id else None
    return Entry(
        scope=MAIN_SCOPE,
        title=f"{booking.title} (seat {seat['title']})" if seat else booking.title,
        start_at=date.start_at,
        museum_ids=museum_ids,
        window=entry_window(date.start_at, date.row.duration, scan.settings),
    )


def _require_museum(scan: Scan, museum_ids: tuple[int, ...]) -> None:
    if scan.museum_id is not None and scan.museum_id not in museum_ids:
        raise Unprocessable(
            f"not valid at location {scan.location}: valid at {_museums(museum_ids)}"
        )


def _sub_entries(scan: Scan, sale: TicketSale) -> list[Entry]:
    """One entry per sub ticket of a combined ticket, earliest first."""
    locale = scan.settings.default_locale
    entries: list[Entry] = []
    for key, start in sale.sub_ticket_times.items():
        sub = scan.catalog.ticket(int(key))
        if sub is None:
            continue
        title = translate(sub.row.title, locale, locale) or f"sub ticket {sub.id}"
        start_at = datetime.fromisoformat(start)
        entries.append(
            Entry(
                scope=f"sub:{sub.id}",
                title=f"{sale.title} ({title})",
                ticket=sub,
                start_at=start_at,
                museum_ids=sub.museum_ids[:1],
                window=_slot_window(scan, sub, start_at),
            )
        )
    return sorted(entries, key=lambda e: (e.start_at or datetime.min, e.scope))


def _pick_sub_entry(scan: Scan, entries: list[Entry]) -> Entry:
    """The sub ticket at the scanner's location; without one, the sub ticket due now."""
    if scan.museum_id is not None:
        here = [e for e in entries if scan.museum_id in e.museum_ids]
        if not here:
            where = _museums(tuple(m for e in entries for m in e.museum_ids))
            raise Unprocessable(f"not valid at location {scan.location}: valid at {where}")
        return _due_now(scan, here) or here[0]
    # A museum-limited turnstile needs no location: only its museums' sub tickets are candidates.
    allowed = [e for e in entries if scan.principal.may_see_museums(e.museum_ids)]
    if not allowed:
        where = _museums(tuple(m for e in entries for m in e.museum_ids))
        raise Unprocessable(f"not valid here: valid at museum {where}")
    due = _due_now(scan, allowed)
    if due is not None:
        return due
    if len(allowed) == 1:
        return allowed[0]  # its window check then says when it is due
    raise Unprocessable("location required: no sub ticket of this ticket is due now")


def _due_now(scan: Scan, entries: list[Entry]) -> Entry | None:
    for entry in entries:
        try:
            _require_window(scan, entry)
        except Unprocessable:
            continue
        return entry
    return None


def _admission_location(scan: Scan, entry: Entry) -> str | None:
    return scan.location or entry.location


async def _refuse_if_used(
    session: AsyncSession, holding: Holding, entry: Entry, scan: Scan
) -> None:
    if entry.is_annual:
        location = _admission_location(scan, entry)
        await passes.refuse_if_inside(session, holding.barcode.id, location, scan.now, scan.tz)
        return
    admitted_at = await session.scalar(
        select(EntryAdmission.admitted_at).where(
            EntryAdmission.barcode_id == holding.barcode.id, EntryAdmission.scope == entry.scope
        )
    )
    if admitted_at is not None:
        raise Unprocessable(f"already used on {render(admitted_at, scan.tz)}")


async def _insert_admission(
    session: AsyncSession, holding: Holding, entry: Entry, scan: Scan
) -> bool:
    """True when this scan made the admission, False when one already existed."""
    scope = (
        await passes.next_visit_scope(session, holding.barcode.id)
        if entry.is_annual
        else entry.scope
    )
    values = {
        "barcode_id": holding.barcode.id,
        "scope": scope,
        "location": _admission_location(scan, entry),
        "admitted_at": scan.now,
    }
    admission = (
        upsert(session, EntryAdmission)
        .values(values)
        .on_conflict_do_nothing(index_elements=[EntryAdmission.barcode_id, EntryAdmission.scope])
        .returning(EntryAdmission.id)
    )
    return await session.scalar(admission) is not None


# --- when an entry is valid ------------------------------------------------------------------


def entry_window(start: datetime, minutes: int, settings: Settings) -> tuple[datetime, datetime]:
    """First and last moment of entry to what begins at ``start`` and lasts ``minutes`` (a time
    slot, an event): widened by the grace times before and after."""
    return (
        start - timedelta(minutes=settings.entry_grace_before_minutes),
        start + timedelta(minutes=minutes + settings.entry_grace_after_minutes),
    )


def _slot_window(
    scan: Scan, ticket: TicketData, start: datetime | None
) -> tuple[datetime, datetime] | None:
    """A time-slot ticket enters around its slot; other tickets have no fixed window."""
    slot = ticket.row.entry_duration
    if start is None or ticket.row.ticket_type != "time_slot" or not slot:
        return None
    return entry_window(start, slot, scan.settings)


def _require_window(scan: Scan, entry: Entry) -> None:
    if entry.window is not None:
        _require_in_window(scan, entry.window)
    elif entry.start_at is None:
        assert entry.ticket is not None  # only tickets have no date: flex tickets
        _require_valid_today(scan, entry.ticket)
    elif entry.is_annual:
        passes.require_in_validity(scan.now, entry.start_at, entry.valid_until, scan.tz)
    else:
        _require_on_day(scan, entry.start_at)


def _require_in_window(scan: Scan, window: tuple[datetime, datetime]) -> None:
    begin, end = window
    if scan.now < begin:
        raise Unprocessable(f"not valid yet: entry from {render(begin, scan.tz)}")
    if scan.now > end:
        raise Unprocessable(f"no longer valid: entry until {render(end, scan.tz)}")


def _require_on_day(scan: Scan, start: datetime) -> None:
    day = local_date(start, scan.tz)
    begin, end = local_day_bounds(day, scan.tz)
    if scan.now < begin:
        raise Unprocessable(f"not valid yet: valid on {day.isoformat()}")
    if scan.now >= end:
        raise Unprocessable(f"no longer valid: was valid on {day.isoformat()}")


def _require_valid_today(scan: Scan, ticket: TicketData) -> None:
    """A flex ticket enters on any day of its validity."""
    today = local_date(scan.now, scan.tz)
    if ticket.valid_on(today):
        return
    row = ticket.row
    if row.valid_from is not None and today < row.valid_from:
        raise Unprocessable(f"not valid yet: valid from {row.valid_from.isoformat()}")
    until = row.valid_to.isoformat() if row.valid_to else "?"
    raise Unprocessable(f"no longer valid: valid until {until}")


async def _describe(session: AsyncSession, holding: Holding, entry: Entry, tz: ZoneInfo) -> str:
    """What the scanner shows; for an annual pass the holder's name, to compare with the photo."""
    if entry.is_annual:
        holder = await passes.holder_name(session, holding.barcode)
        title = f"{entry.title} ({holder})" if holder else entry.title
        if entry.valid_until is None:
            return title
        return f"{title}, valid until {last_valid_day(entry.valid_until, tz).isoformat()}"
    if entry.start_at is None:
        return entry.title
    local = entry.start_at.astimezone(tz)
    if entry.window is not None:
        return f"{entry.title}, {local:%Y-%m-%d %H:%M}"
    return f"{entry.title}, {local:%Y-%m-%d}"


def _museums(museum_ids: tuple[int, ...]) -> str:
    return ", ".join(str(m) for m in sorted(set(museum_ids))) or "no museum"
