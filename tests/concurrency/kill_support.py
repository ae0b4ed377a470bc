"""Support for the kill test: a server that can be SIGKILLed like a power cut, a load of order
writes with a record of every answer, and a checker of every order's consistency in the database.

The checker reads the whole database in one snapshot and reports every broken invariant as a
line of text, so that a test can assert that there are none, and a unit test can corrupt one row
and assert that the checker notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from kasse.catalog.loader import load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.db import open_instance
from kasse.models import (
    Barcode,
    CapacityDraw,
    EventBooking,
    InvoiceCounter,
    Order,
    OrderItem,
    Quota,
    QuotaSlot,
    ReservationHold,
    SeatClaim,
    TicketSale,
)
from kasse.settings import Settings
from tests.concurrency.server import start_server_process, wait_until_ready

TZ = ZoneInfo("Europe/Berlin")
ALL_WEEK = {d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

# Tickets; the quotas they draw from are shared: FAMILY and SINGLE share the hall, the combined
# ticket's first sub ticket shares the garden with FAMILY, and SCARCE sells out on purpose.
SINGLE, FAMILY, COMBINED, SUB_GARDEN, SUB_TOWER, SCARCE = 700, 701, 710, 711, 712, 720
HALL, GARDEN, CHAPEL, TOWER, CELLAR = 71, 72, 73, 74, 75
CAPACITY = {HALL: 600, GARDEN: 600, CHAPEL: 600, TOWER: 600, CELLAR: 12}
PRICE = {SINGLE: 1000, FAMILY: 2500, COMBINED: 3000, SCARCE: 500}
# quota slots taken per place: FAMILY draws two quotas, COMBINED its own and one per sub ticket
PLACES_PER_TICKET = {SINGLE: 1, FAMILY: 2, COMBINED: 3, SCARCE: 1}
HOURS = (10, 11, 12, 13, 14)
# Events: a concert in a hall of 24 seats (orders take two seats at random, so they collide) and a
# lecture with 60 places.
CONCERT_DATE, LECTURE_DATE, CONCERT_PRICE, SEAT_PRICE, LECTURE_PRICE = 760, 770, 769, 800, 600
HALL_SEATS = tuple(range(7501, 7525))
LECTURE_PLACES = 60


def _kill_events(day: date) -> dict[str, Any]:
    start = datetime(day.year, day.month, day.day, 19, tzinfo=TZ).isoformat()
    return {
        "seatings": [
            {
                "id": 75,
                "title": "Saal",
                "categories": [{"id": 1, "title": "Parkett"}],
                "rows": [{"id": 1, "title": "1"}],
                "seats": [
                    {"id": s, "row_id": 1, "category_id": 1, "title": str(s), "x": i, "y": 0}
                    for i, s in enumerate(HALL_SEATS)
                ],
            }
        ],
        "events": [
            {
                "id": 76,
                "museum_id": 70,
                "title": "concert",
                "seating_id": 75,
                "scale_prices": [
                    {
                        "id": CONCERT_PRICE,
                        "seat_category_id": 1,
                        "title": "Parkett",
                        "price_cents": SEAT_PRICE,
                    }
                ],
                "dates": [{"id": CONCERT_DATE, "start": start}],
            },
            {
                "id": 77,
                "museum_id": 70,
                "title": "lecture",
                "max_seats": LECTURE_PLACES,
                "prices": [{"price_cents": LECTURE_PRICE}],
                "dates": [{"id": LECTURE_DATE, "start": start}],
            },
        ],
    }


def kill_catalog(day: date) -> dict[str, Any]:
    slot = {"ticket_type": "time_slot", "entry_duration": 60, "museum_ids": [70]}
    return {
        **_kill_events(day),
        "museums": [{"id": 70, "title": "Kill museum", "opening_hours": ALL_WEEK}],
        "quotas": [{"id": q, "title": f"q{q}", "capacity": c} for q, c in CAPACITY.items()],
        "tickets": [
            {
                "id": SINGLE,
                "title": "single",
                "price_cents": PRICE[SINGLE],
                "quota_ids": [HALL],
                **slot,
            },
            {
                "id": FAMILY,
                "title": "family",
                "price_cents": PRICE[FAMILY],
                "quota_ids": [HALL, GARDEN],
                **slot,
            },
            {
                "id": COMBINED,
                "title": "combined",
                "price_cents": PRICE[COMBINED],
                "quota_ids": [CHAPEL],
                "sub_ticket_min_gap": 60,
                "sub_tickets": [
                    {"id": SUB_GARDEN, "title": "garden", "quota_ids": [GARDEN], **slot},
                    {"id": SUB_TOWER, "title": "tower", "quota_ids": [TOWER], **slot},
                ],
                **slot,
            },
            {
                "id": SCARCE,
                "title": "scarce",
                "price_cents": PRICE[SCARCE],
                "quota_ids": [CELLAR],
                **slot,
            },
        ],
    }


@dataclass(frozen=True)
class Tokens:
    two_phase: str
    direct: str


async def prepare_kill_database(url: str, day: date) -> Tokens:
    """The kill catalog, a two-phase reseller and a direct reseller (the database must be empty)."""
    instance = open_instance("kill", url, Settings(database_url=url))
    try:
        async with instance.write_sessions() as session, session.begin():
            await load_catalog_data(session, kill_catalog(day), locale="de")
            now = datetime.now(UTC)
            return Tokens(
                two_phase=await create_api_token(
                    session,
                    access="reseller",
                    museum_ids=[],
                    name="kill two-phase",
                    now=now,
                    flow="two-phase",
                ),
                direct=await create_api_token(
                    session, access="reseller", museum_ids=[], name="kill direct", now=now
                ),
            )
    finally:
        await instance.dispose()


# -- a server that dies like a power cut -----------------------------------------------------------


@dataclass
class KillableServer:
    base_url: str
    process: subprocess.Popen[bytes]
    killed: bool = False

    def kill(self, *, reap: bool = True) -> None:
        """SIGKILL the supervisor and every worker at once (they share one process group)."""
        if not self.killed:
            self.killed = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        if reap and self.process.returncode is None:
            self.process.wait(timeout=10)
            # The workers died with the supervisor; give the kernel a moment to close their
            # sockets and release their file locks (zombies may linger without a reaping init).
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _group_alive(self.process.pid):
                time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Only zombies left? Those hold no sockets and no locks any more.
    return any(_is_live_member(pid, pgid) for pid in _pids())


def _pids() -> list[int]:
    try:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []


def _is_live_member(pid: int, pgid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return int(fields[2]) == pgid and fields[0] != "Z"


@contextmanager
def killable_server(
    database_url: str, *, workers: int = 2, **settings: str
) -> Iterator[KillableServer]:
    """Like ``run_server``, but in a process group of its own, so that :meth:`KillableServer.kill`
    takes the supervisor and every worker down at once. Stopped normally on exit if still alive."""
    process, base_url = start_server_process(database_url, workers, settings, own_session=True)
    server = KillableServer(base_url=base_url, process=process)
    try:
        wait_until_ready(server.base_url, process, workers)
        yield server
    finally:
        if not server.killed:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            # never leave a worker behind
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


async def wait_for_dead_transactions(url: str, patience: float = 30) -> None:
    """PostgreSQL: wait until no other session of this database is inside a transaction.

    A killed server's backends notice the closed socket and roll back (one waiting for a lock does
    so once it gets the lock); after that, what is committed is final and can be checked.
    """
    if not url.startswith("postgresql"):
        return
    instance = open_instance("wait", url, Settings(database_url=url))
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
        "AND xact_start IS NOT NULL"
    )
    try:
        deadline = time.monotonic() + patience
        while True:
            async with instance.write_engine.connect() as conn:
                busy = (await conn.execute(query)).scalar_one()
            if not busy:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{busy} transactions of the killed server never ended")
            await asyncio.sleep(0.1)
    finally:
        await instance.dispose()


@contextlib.asynccontextmanager
async def transaction_probe(
    url: str, server: KillableServer
) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """The kill, and a look at the write transactions it cut.

    PostgreSQL, just after the SIGKILL (before the backends have noticed): the sessions inside a
    transaction, by state. SQLite, just before: whether a writer holds the write lock (a
    ``BEGIN IMMEDIATE`` that may not wait fails then).
    """
    if url.startswith("sqlite"):
        path = make_url(url).database or ""

        async def sqlite_kill() -> str:
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                seen = "no write transaction open"
            except sqlite3.OperationalError:
                seen = "a write transaction open"
            finally:
                probe.close()
            server.kill()
            return seen

        yield sqlite_kill
        return
    instance = open_instance("probe", url, Settings(database_url=url))
    query = text(
        "SELECT state, count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
        "AND xact_start IS NOT NULL GROUP BY state ORDER BY state"
    )
    try:
        async with instance.write_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))  # connected before the kill, not after
            await conn.rollback()

            async def postgres_kill() -> str:
                server.kill(reap=False)
                rows = (await conn.execute(query)).all()
                await conn.rollback()
                server.kill()
                states = ", ".join(f"{n} {state}" for state, n in rows)
                return f"{sum(n for _, n in rows)} transactions cut ({states})"

            yield postgres_kill
    finally:
        await instance.dispose()


# -- the load --------------------------------------------------------------------------------------

Kind = Literal["create", "finalize", "cancel", "cancel_items"]


@dataclass
class Call:
    """One POST of the load, and what became of it."""

    kind: Kind
    path: str
    body: dict[str, Any] | None
    token: str
    order_id: int | None = None
    item_ids: list[int] = field(default_factory=list)
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: int | None = None
    answer: dict[str, Any] | None = None
    error: str | None = None  # the exception when no answer came
    replayed: bool = False

    @property
    def lost(self) -> bool:
        """Sent, but no (whole) answer came: the server died. Without a status line the call
        may or may not have been committed; with a 200 status line it was, only the body is gone."""
        return self.error is not None


@dataclass
class LoadResult:
    answered: int = 0
    lost: int = 0
    unsent: int = 0
    in_flight_at_kill: int = 0
    statuses: Counter[int] = field(default_factory=Counter)


async def fire(
    base_url: str,
    calls: list[Call],
    *,
    clients: int = 32,
    kill_after: int | None = None,
    kill_delay: float = 0.0,
    kill: Callable[[], Awaitable[None]] | None = None,
    request_seconds: float = 30,
) -> LoadResult:
    """Send ``calls`` in order from ``clients`` concurrent clients; ``kill_delay`` seconds after
    the status line of answer number ``kill_after``, call ``kill()`` and stop taking new calls.
    Every call is sent at most once."""
    result = LoadResult()
    queue = iter(calls)
    killed = asyncio.Event()
    kill_tasks: list[asyncio.Task[None]] = []
    in_flight = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def power_cut() -> None:
        if kill_delay:
            await asyncio.sleep(kill_delay)
        result.in_flight_at_kill = in_flight
        if kill is not None:
            await kill()
        killed.set()

    async with httpx.AsyncClient(
        base_url=base_url, timeout=request_seconds, limits=limits
    ) as client:

        async def send(call: Call) -> None:
            nonlocal in_flight
            headers = {"Authorization": f"Bearer {call.token}", "Idempotency-Key": call.key}
            in_flight += 1
            try:
                async with client.stream("POST", call.path, json=call.body, headers=headers) as r:
                    call.status = r.status_code
                    result.answered += 1
                    result.statuses[r.status_code] += 1
                    if kill_after is not None and result.answered == kill_after:
                        if kill_delay:
                            kill_tasks.append(asyncio.create_task(power_cut()))
                        else:
                            # At once, on the status line: the answer was sent a moment ago,
                            # so the kill lands as close to the server's commit as it can.
                            await power_cut()
                    call.replayed = r.headers.get("Idempotent-Replayed") == "true"
                    raw = await r.aread()
            except httpx.HTTPError as exc:
                call.error = type(exc).__name__
                if call.status is None:
                    result.lost += 1
                return
            finally:
                in_flight -= 1
            try:
                call.answer = json.loads(raw)
            except ValueError:
                call.answer = {"raw": raw[:300].decode(errors="replace")}

        async def worker() -> None:
            while not killed.is_set():
                call = next(queue, None)
                if call is None:
                    return
                await send(call)

        await asyncio.gather(*(worker() for _ in range(clients)))
        await asyncio.gather(*kill_tasks)
    result.unsent = sum(1 for c in calls if c.status is None and c.error is None)
    return result


def local_time(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).isoformat()


def seats_item(rng: random.Random) -> tuple[dict[str, Any], int]:
    """Two seats of the concert, at random."""
    seats = [{"seat_id": s, "scale_price_id": CONCERT_PRICE} for s in rng.sample(HALL_SEATS, 2)]
    return {"type": "Event", "attributes": {"id": CONCERT_DATE, "seats": seats}}, 2 * SEAT_PRICE


def random_item(rng: random.Random, day: date) -> tuple[dict[str, Any], int]:
    """One item of the kill catalog (a ticket, two seats, places of the lecture) and its price."""
    kind = rng.choices(["ticket", "seats", "places"], weights=[6, 2, 1])[0]
    if kind == "seats":
        return seats_item(rng)
    if kind == "places":
        quantity = rng.randint(1, 3)
        item = {"type": "Event", "attributes": {"id": LECTURE_DATE, "quantity": quantity}}
        return item, LECTURE_PRICE * quantity
    ticket = rng.choices([SINGLE, FAMILY, COMBINED, SCARCE], weights=[4, 2, 2, 1])[0]
    hour = rng.choice(HOURS)
    quantity = 1 if ticket == SCARCE else rng.randint(1, 3)
    attributes: dict[str, Any] = {
        "id": ticket,
        "quantity": quantity,
        "time": local_time(day, hour),
    }
    if ticket == COMBINED:
        attributes["sub_ticket_times"] = {
            str(SUB_GARDEN): local_time(day, hour),
            str(SUB_TOWER): local_time(day, hour + 1),
        }
    return {"type": "Ticket", "attributes": attributes}, PRICE[ticket] * quantity


def create_call(rng: random.Random, day: date, token: str, items: int) -> Call:
    body_items = [random_item(rng, day) for _ in range(items)]
    # one seats item per order: two could want one seat, a plain 422 that tells nothing
    seated = [i for i, (item, _) in enumerate(body_items) if "seats" in item["attributes"]]
    body_items = [b for i, b in enumerate(body_items) if i not in seated[1:]]
    body = {"items": [i for i, _ in body_items], "total": sum(p for _, p in body_items)}
    return Call("create", "/api/v4/orders", body, token)


def finalize_call(order_id: int, token: str) -> Call:
    body = {"order": {"completed": True}}
    return Call("finalize", f"/api/v4/orders/{order_id}/finalize", body, token, order_id)


def cancel_call(order_id: int, token: str, item_ids: list[int] | None = None) -> Call:
    path = f"/api/v4/orders/{order_id}/cancellations"
    if item_ids is None:
        return Call("cancel", path, None, token, order_id)
    return Call("cancel_items", path, {"order_item_ids": item_ids}, token, order_id, item_ids)


# -- what the clients were told ---------------------------------------------------------------------


@dataclass
class Seen:
    """Facts the clients learned from 200 answers: each must hold in the database for good."""

    created: dict[int, set[int]] = field(default_factory=dict)  # order -> its item ids
    finalized: set[int] = field(default_factory=set)
    cancelled: set[int] = field(default_factory=set)
    cancelled_items: set[int] = field(default_factory=set)
    barcodes: dict[str, int] = field(default_factory=dict)  # barcode -> order

    def absorb(self, calls: list[Call]) -> None:
        for call in calls:
            if call.status != 200:
                continue
            order_id = call.order_id
            if call.answer is not None:
                order = call.answer["order"]
                order_id = int(order["id"])
                for item in order["items"]:
                    for code in item["attributes"]["barcodes"]:
                        self.barcodes[code["barcode"]] = order_id
                if call.kind == "create":
                    self.created[order_id] = {int(i["id"]) for i in order["items"]}
                    if order["status"] == "finalized":
                        self.finalized.add(order_id)
            if order_id is None:
                continue  # a new order whose answer was cut off: its retry will tell
            if call.kind == "finalize":
                self.finalized.add(order_id)
            elif call.kind == "cancel":
                self.cancelled.add(order_id)
            elif call.kind == "cancel_items":
                self.cancelled_items.update(call.item_ids)


# -- the consistency checker -----------------------------------------------------------------------


@dataclass
class Snapshot:
    """Every row the invariants talk about, read in one transaction."""

    now: datetime
    orders: dict[int, Any]
    items: dict[int, Any]
    sales: dict[int, Any]  # ticket sales by order item id
    barcodes: dict[int, list[str]]  # by ticket sale id
    bookings: dict[int, Any]  # event bookings by order item id
    booking_barcodes: dict[int, list[str]]  # by event booking id
    seat_claims: list[Any]
    holds: list[Any]
    draws: list[Any]
    slots: dict[tuple[int, datetime], int]
    capacity: dict[int, int]
    invoice_counter: int


async def _read(conn: AsyncConnection) -> Snapshot:
    orders = {r.id: r for r in await conn.execute(select(Order.__table__))}
    items = {r.id: r for r in await conn.execute(select(OrderItem.__table__))}
    sales = {r.order_item_id: r for r in await conn.execute(select(TicketSale.__table__))}
    bookings = {r.order_item_id: r for r in await conn.execute(select(EventBooking.__table__))}
    barcodes: dict[int, list[str]] = defaultdict(list)
    booking_barcodes: dict[int, list[str]] = defaultdict(list)
    for sale_id, booking_id, code in await conn.execute(
        select(Barcode.ticket_sale_id, Barcode.event_booking_id, Barcode.barcode)
    ):
        if sale_id is not None:
            barcodes[sale_id].append(code)
        else:
            booking_barcodes[booking_id].append(code)
    seat_claims = list(await conn.execute(select(SeatClaim.__table__)))
    holds = list(await conn.execute(select(ReservationHold.__table__)))
    draws = list(await conn.execute(select(CapacityDraw.__table__)))
    slots = {
        (q, s): sold
        for q, s, sold in await conn.execute(
            select(QuotaSlot.quota_id, QuotaSlot.start_at, QuotaSlot.sold)
        )
    }
    capacity = {q: c for q, c in await conn.execute(select(Quota.id, Quota.capacity))}
    counter = (
        await conn.execute(select(InvoiceCounter.last_number).where(InvoiceCounter.id == 1))
    ).scalar_one_or_none()
    return Snapshot(
        now=datetime.now(UTC),
        orders=orders,
        items=items,
        sales=sales,
        barcodes=barcodes,
        bookings=bookings,
        booking_barcodes=booking_barcodes,
        seat_claims=seat_claims,
        holds=holds,
        draws=draws,
        slots=slots,
        capacity=capacity,
        invoice_counter=counter or 0,
    )


async def read_snapshot(url: str) -> Snapshot:
    instance = open_instance("check", url, Settings(database_url=url))
    try:
        async with instance.read_engine.connect() as conn:
            if not instance.is_sqlite:
                # One snapshot for every query (SQLite's read transaction is one already).
                conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                return await _read(conn)
    finally:
        await instance.dispose()


@dataclass
class Report:
    problems: list[str]
    statuses: Counter[str]
    items: int
    cancelled_items: int
    active_holds: int
    sold: int

    def summary(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"orders: {states}; items {self.items} ({self.cancelled_items} cancelled); "
            f"sold {self.sold}, held {self.active_holds}"
        )


SlotKey = tuple[int, datetime]


def _key(row: Any) -> SlotKey:
    return (int(row.quota_id), row.start_at)


def _check_order(
    snap: Snapshot,
    order: Any,
    items: list[Any],
    holds_of: Mapping[int, Counter[SlotKey]],
    draws_of: Mapping[int, Counter[SlotKey]],
) -> list[str]:
    problems: list[str] = []
    name = f"order {order.id} ({order.status})"
    if not items:
        problems.append(f"{name}: has no items (half-created)")
    for item in items:
        sale = snap.sales.get(item.id) or snap.bookings.get(item.id)
        if sale is None:
            problems.append(f"{name}: item {item.id} has no ticket sale or event booking")
            continue
        codes = len(
            snap.barcodes.get(sale.id, [])
            if item.id in snap.sales
            else snap.booking_barcodes.get(sale.id, [])
        )
        holds = holds_of.get(item.id, Counter())
        draws = draws_of.get(item.id, Counter())
        active = item.cancelled_at is None
        label = f"{name}: item {item.id}{'' if active else ' (cancelled)'}"
        if not draws:
            problems.append(f"{label}: no capacity draws")
        if order.status == "cancelled" and active:
            problems.append(f"{label}: not cancelled in a cancelled order (half-cancelled)")
        if holds and (not active or order.status != "created"):
            problems.append(f"{label}: still holds {sum(holds.values())} places")
        if active and order.status == "finalized" and codes != sale.quantity:
            problems.append(f"{label}: {codes} barcodes for {sale.quantity} places")
        if active and order.status == "created":
            if codes:
                problems.append(f"{label}: {codes} barcodes before finalize")
            if holds != draws:
                problems.append(f"{label}: holds {dict(holds)} differ from its draws {dict(draws)}")
        if not active or order.status == "cancelled":
            allowed = {0} if order.finalized_at is None else {0, sale.quantity}
            if codes not in allowed:
                problems.append(f"{label}: {codes} barcodes for {sale.quantity} places")
    if order.status == "finalized" and (order.finalized_at is None or not order.is_valid):
        problems.append(f"{name}: finalized_at {order.finalized_at}, is_valid {order.is_valid}")
    if order.status == "cancelled" and (order.cancelled_at is None or order.is_valid):
        problems.append(f"{name}: cancelled_at {order.cancelled_at}, is_valid {order.is_valid}")
    if order.status == "created" and (order.finalized_at is not None or order.expires_at is None):
        problems.append(f"{name}: finalized_at {order.finalized_at}, expires {order.expires_at}")
    if order.status not in ("created", "finalized", "cancelled"):
        problems.append(f"{name}: unknown status")
    return problems


def _check_holds_of_created(snap: Snapshot, hold: Any) -> list[str]:
    item = snap.items.get(hold.order_item_id)
    if item is None:
        return [f"hold {hold.id}: its order item {hold.order_item_id} does not exist"]
    order = snap.orders[item.order_id]
    if order.status == "created" and hold.valid_until != order.expires_at:
        return [f"hold {hold.id}: valid until {hold.valid_until}, order expires {order.expires_at}"]
    return []


def _check_capacity(
    snap: Snapshot, draws_of: Mapping[int, Counter[SlotKey]], active_held: Counter[SlotKey]
) -> list[str]:
    problems: list[str] = []
    expected: Counter[SlotKey] = Counter()
    for item in snap.items.values():
        if item.cancelled_at is None and snap.orders[item.order_id].status == "finalized":
            expected.update(draws_of.get(item.id, Counter()))
    for key in sorted(set(expected) | set(snap.slots) | set(active_held)):
        sold = snap.slots.get(key, 0)
        quota, start = key
        where = f"quota {quota} at {start.isoformat()}"
        if sold != expected[key]:
            problems.append(
                f"{where}: sold {sold}, but the finalized active items drew {expected[key]}"
            )
        if sold < 0 or sold + active_held[key] > snap.capacity.get(quota, 0):
            problems.append(
                f"{where}: sold {sold} + held {active_held[key]} "
                f"exceeds the capacity {snap.capacity.get(quota, 0)}"
            )
    return problems


def _check_seats(snap: Snapshot) -> list[str]:
    """A seat is claimed once; by every active item of a live order exactly for its booked seats
    (sold: no end; held: until the order expires); by nothing else."""
    problems: list[str] = []
    claims_of: dict[int, dict[int, Any]] = defaultdict(dict)
    for (date_id, seat_id), n in Counter((c.date_id, c.seat_id) for c in snap.seat_claims).items():
        if n > 1:
            problems.append(f"date {date_id}: seat {seat_id} is claimed {n} times")
    for claim in snap.seat_claims:
        if claim.order_item_id is None or claim.order_item_id not in snap.bookings:
            problems.append(f"seat claim {claim.id}: no event booking owns it")
        else:
            claims_of[claim.order_item_id][claim.seat_id] = claim
    for item_id, booking in sorted(snap.bookings.items()):
        item = snap.items[item_id]
        order = snap.orders[item.order_id]
        live = item.cancelled_at is None and order.status in ("created", "finalized")
        booked = {s["seat_id"] for s in booking.seats} if live else set()
        claimed = claims_of.get(item_id, {})
        label = f"order {order.id} ({order.status}): item {item_id}"
        if set(claimed) != booked:
            problems.append(f"{label}: claims seats {sorted(claimed)}, booked {sorted(booked)}")
        until = order.expires_at if order.status == "created" else None
        wrong = sorted(s for s, c in claimed.items() if c.valid_until != until)
        if wrong:
            problems.append(f"{label}: seats {wrong} claimed until other than {until}")
    return problems


def _check_invoices(snap: Snapshot) -> list[str]:
    numbers = sorted(
        int(o.invoice_number.rsplit("-", 1)[1])
        for o in snap.orders.values()
        if o.invoice_number is not None
    )
    if numbers != list(range(1, snap.invoice_counter + 1)):
        shown = numbers if len(numbers) < 20 else f"{len(numbers)} numbers up to {numbers[-1:]}"
        return [f"invoice numbers {shown} are not 1..{snap.invoice_counter} without gaps"]
    return []


def _check_seen(snap: Snapshot, seen: Seen) -> list[str]:
    problems: list[str] = []
    for order_id, item_ids in sorted(seen.created.items()):
        have = {i.id for i in snap.items.values() if i.order_id == order_id}
        if order_id not in snap.orders or have != item_ids:
            problems.append(f"order {order_id}: answered 200 with items {item_ids}, has {have}")
    for order_id in sorted(seen.finalized):
        order = snap.orders.get(order_id)
        if order is None or order.finalized_at is None:
            problems.append(f"order {order_id}: finalize answered 200, but it is not finalized")
    for order_id in sorted(seen.cancelled):
        order = snap.orders.get(order_id)
        if order is None or order.status != "cancelled":
            problems.append(f"order {order_id}: cancel answered 200, but it is not cancelled")
    for item_id in sorted(seen.cancelled_items):
        item = snap.items.get(item_id)
        if item is None or item.cancelled_at is None:
            problems.append(f"item {item_id}: cancel answered 200, but it is not cancelled")
    owner = {
        code: snap.items[sale.order_item_id].order_id
        for sale in snap.sales.values()
        for code in snap.barcodes.get(sale.id, [])
    }
    owner |= {
        code: snap.items[booking.order_item_id].order_id
        for booking in snap.bookings.values()
        for code in snap.booking_barcodes.get(booking.id, [])
    }
    for code, order_id in sorted(seen.barcodes.items()):
        if owner.get(code) != order_id:
            problems.append(f"barcode {code} of order {order_id} was answered but is not stored")
    return problems


def check_snapshot(
    snap: Snapshot, seen: Seen | None = None, places_per_ticket: Mapping[int, int] | None = None
) -> Report:
    """Every invariant that must hold after a crash, whatever the crash interrupted."""
    holds_of: dict[int, Counter[SlotKey]] = defaultdict(Counter)
    active_held: Counter[SlotKey] = Counter()
    problems: list[str] = []
    for hold in snap.holds:
        if hold.valid_until > snap.now:
            active_held[_key(hold)] += hold.quantity
        if hold.order_item_id is not None:
            holds_of[hold.order_item_id][_key(hold)] += hold.quantity
            problems += _check_holds_of_created(snap, hold)
    draws_of: dict[int, Counter[SlotKey]] = defaultdict(Counter)
    for draw in snap.draws:
        draws_of[draw.order_item_id][_key(draw)] += draw.quantity
    items_of: dict[int, list[Any]] = defaultdict(list)
    for item in snap.items.values():
        items_of[item.order_id].append(item)
    for order_id in sorted(snap.orders):
        problems += _check_order(
            snap, snap.orders[order_id], items_of[order_id], holds_of, draws_of
        )
    if places_per_ticket is not None:
        for item_id, sale in snap.sales.items():
            drawn = sum(draws_of[item_id].values())
            want = sale.quantity * places_per_ticket.get(sale.ticket_id, 0)
            if drawn != want:
                problems.append(f"item {item_id}: drew {drawn} places, its tickets need {want}")
        for item_id, booking in snap.bookings.items():
            drawn = sum(draws_of[item_id].values())
            if drawn != booking.quantity:
                problems.append(f"item {item_id}: drew {drawn} places for {booking.quantity}")
    problems += _check_capacity(snap, draws_of, active_held)
    problems += _check_seats(snap)
    problems += _check_invoices(snap)
    if seen is not None:
        problems += _check_seen(snap, seen)
    return Report(
        problems=problems,
        statuses=Counter(o.status for o in snap.orders.values()),
        items=len(snap.items),
        cancelled_items=sum(1 for i in snap.items.values() if i.cancelled_at is not None),
        active_holds=sum(active_held.values()),
        sold=sum(snap.slots.values()),
    )


async def check_database(
    url: str, seen: Seen | None = None, places_per_ticket: Mapping[int, int] | None = None
) -> Report:
    return check_snapshot(await read_snapshot(url), seen, places_per_ticket)
