"""A power cut in the middle of finalize and cancel traffic leaves every order consistent.

A real server (uvicorn, two workers, in a process group of its own) takes a load of finalize,
whole-order and item cancellations (and a few new orders) from many concurrent clients, and is
SIGKILLed, supervisor and workers at once, after a random share of the answers has arrived. Then
the database is checked, order by order and quota slot by quota slot (see ``kill_support``):

- finalized: no holds, one barcode per place of every active item;
- created: exactly its draws held for every active item, no barcodes;
- cancelled: every item cancelled (no half-cancelled order), no holds;
- every quota slot: ``sold`` equals the places drawn by the active items of finalized orders
  (nothing counted twice, nothing lost), and ``sold + active holds <= capacity``;
- invoice numbers without gaps; every 200 a client received is in the database.

The database is checked directly after every kill. This happens at least twice
(``KASSE_KILL_ROUNDS``) on one database, at different moments, with a restart on a new port in
between: the restarted server gets every call the kill left unanswered again, with the same
Idempotency-Key, must finalize or cancel every order the kill left open, and its capacity endpoint
must agree with the database. ``KASSE_KILL_SEED`` picks another load; the kill moments vary anyway.

The unit tests at the end corrupt one row at a time and show that the checker notices.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from kasse.app import create_app
from kasse.core.db import open_instance
from kasse.settings import Settings
from tests.concurrency.kill_support import (
    CAPACITY,
    COMBINED,
    CONCERT_DATE,
    CONCERT_PRICE,
    FAMILY,
    HALL_SEATS,
    PLACES_PER_TICKET,
    PRICE,
    SCARCE,
    SEAT_PRICE,
    SINGLE,
    SUB_TOWER,
    Call,
    KillableServer,
    LoadResult,
    Seen,
    Snapshot,
    Tokens,
    cancel_call,
    check_database,
    check_snapshot,
    create_call,
    finalize_call,
    fire,
    killable_server,
    prepare_kill_database,
    read_snapshot,
    transaction_probe,
    wait_for_dead_transactions,
)
from tests.helpers import IS_POSTGRES, postgres_only, truncate_all

KILLS = max(2, int(os.environ.get("KASSE_KILL_ROUNDS", "2")))
TWO_PHASE_ORDERS = 90  # per round, two to four items each
DIRECT_ORDERS = 40  # per round, one to three items each
CLIENTS = 24
SEED = int(os.environ.get("KASSE_KILL_SEED", "20240611"))


@pytest.fixture
async def kill_db(database_url: str) -> tuple[str, Tokens]:
    if IS_POSTGRES:
        instance = open_instance("reset", database_url, Settings(database_url=database_url))
        await truncate_all(instance)
        await instance.dispose()
    return database_url, await prepare_kill_database(database_url, sale_day())


def sale_day() -> date:
    return date.today() + timedelta(days=7)


@dataclass
class Book:
    """What the clients know: the token of each order, the facts of every 200, calls to retry."""

    tokens: Tokens
    day: date
    rng: random.Random
    mail_dir: Path
    token_of: dict[int, str] = field(default_factory=dict)
    seen: Seen = field(default_factory=Seen)
    lost: list[Call] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def learn(self, calls: list[Call]) -> None:
        self.seen.absorb(calls)
        for call in calls:
            if call.kind == "create" and call.status == 200 and call.answer is not None:
                self.token_of[int(call.answer["order"]["id"])] = call.token


def assert_clean(calls: list[Call], allowed: tuple[int, ...] = (200, 422)) -> None:
    bad = [(c.kind, c.path, c.status, c.answer) for c in calls if c.status not in (None, *allowed)]
    assert not bad, bad[:5]


def _sample(rng: random.Random, ids: list[int]) -> list[int]:
    """Some of ``ids``: all of them only when there is just one."""
    return rng.sample(ids, rng.randint(1, max(1, len(ids) - 1)))


def bundle_for(
    rng: random.Random, order_id: int, status: str, active: list[int], token: str
) -> list[Call]:
    """Calls for one order, sent next to each other so that they race."""
    if status == "created" and not active:  # every item was cancelled one by one
        return rng.choice([[finalize_call(order_id, token)], [cancel_call(order_id, token)]])
    if status == "created":
        part = _sample(rng, active)
        choices = [
            [finalize_call(order_id, token)],
            [finalize_call(order_id, token), finalize_call(order_id, token)],
            [finalize_call(order_id, token), cancel_call(order_id, token)],
            [cancel_call(order_id, token)],
            [cancel_call(order_id, token, part), finalize_call(order_id, token)],
            [finalize_call(order_id, token), cancel_call(order_id, token, part)],
            [cancel_call(order_id, token, part), cancel_call(order_id, token, part)],
            [
                finalize_call(order_id, token),
                cancel_call(order_id, token, part),
                cancel_call(order_id, token),
            ],
        ]
        return rng.choice(choices)
    if status == "finalized" and active:
        part = _sample(rng, active)
        choices = [
            [cancel_call(order_id, token)],
            [cancel_call(order_id, token, part)],
            [cancel_call(order_id, token, part), cancel_call(order_id, token)],
            [cancel_call(order_id, token), cancel_call(order_id, token)],
            [cancel_call(order_id, token, part), cancel_call(order_id, token, part)],
            [finalize_call(order_id, token), cancel_call(order_id, token, part)],
        ]
        # Leave most finalized orders alone, so that sold places pile up across rounds.
        return rng.choice(choices) if rng.random() < 0.5 else []
    if status == "cancelled" and rng.random() < 0.05:
        return [cancel_call(order_id, token)]  # a clean 422
    return []


def build_load(book: Book, snap: Snapshot) -> list[Call]:
    active: dict[int, list[int]] = {o: [] for o in snap.orders}
    for item in snap.items.values():
        if item.cancelled_at is None:
            active[item.order_id].append(item.id)
    bundles = [
        bundle_for(book.rng, order.id, order.status, sorted(active[order.id]), book.token_of[oid])
        for oid, order in sorted(snap.orders.items())
    ]
    for _ in range(len(bundles) // 10):
        two_phase = book.rng.random() < 0.7
        token = book.tokens.two_phase if two_phase else book.tokens.direct
        bundles.append([create_call(book.rng, book.day, token, book.rng.randint(1, 3))])
    book.rng.shuffle(bundles)
    return [call for bundle in bundles for call in bundle]


async def retry_lost(book: Book, server: KillableServer) -> str:
    """Send every call the last kill left unanswered again, with the same key and body."""
    retries = [replace(c, status=None, answer=None, error=None) for c in book.lost]
    committed = [c.status == 200 for c in book.lost]  # a 200 status line came, the body did not
    book.lost = []
    if not retries:
        return "no retries"
    await fire(server.base_url, retries, clients=CLIENTS)
    assert all(c.status is not None for c in retries), [c.error for c in retries]
    assert_clean(retries)
    for call, was_committed in zip(retries, committed, strict=True):
        assert call.replayed or not was_committed, (call.kind, call.path, call.answer)
    book.learn(retries)
    replayed = sum(c.replayed for c in retries)
    return (
        f"{len(retries)} retried: {replayed} had been committed (replayed), "
        f"{len(retries) - replayed} ran now"
    )


async def create_orders(book: Book, server: KillableServer) -> None:
    calls = [
        create_call(book.rng, book.day, book.tokens.two_phase, book.rng.randint(2, 4))
        for _ in range(TWO_PHASE_ORDERS)
    ] + [
        create_call(book.rng, book.day, book.tokens.direct, book.rng.randint(1, 3))
        for _ in range(DIRECT_ORDERS)
    ]
    await fire(server.base_url, calls, clients=CLIENTS)
    assert all(c.status is not None for c in calls), [c.error for c in calls if c.error]
    assert_clean(calls)
    # The cellar sells out on purpose; nothing else may be refused.
    refused = [c.answer for c in calls if c.status == 422]
    assert all("not enough places" in str(a) or "seats are taken" in str(a) for a in refused), (
        refused[:3]
    )
    book.learn(calls)


async def one_kill(url: str, book: Book, round_no: int) -> None:
    t0 = time.monotonic()
    with killable_server(url, workers=2, **server_settings(book.mail_dir)) as server:
        book.log.append(f"round {round_no}: started in {time.monotonic() - t0:.1f}s")
        if round_no > 1:
            await after_a_kill(url, book, server)
        t1 = time.monotonic()
        await create_orders(book, server)
        book.log.append(f"round {round_no}: orders created in {time.monotonic() - t1:.1f}s")
        calls = build_load(book, await read_snapshot(url))
        t2 = time.monotonic()
        kill_after = int(len(calls) * book.rng.uniform(0.2, 0.7))
        # Odd rounds kill on the status line of an answer, right after a commit; even rounds a
        # few milliseconds later, in the middle of whatever the server is doing then.
        kill_delay = 0.0 if round_no % 2 else book.rng.uniform(0.002, 0.04)
        async with transaction_probe(url, server) as kill:

            async def power_cut() -> None:
                book.log.append(f"round {round_no}: at the kill {await kill()}")

            result = await fire(
                server.base_url,
                calls,
                clients=CLIENTS,
                kill_after=kill_after,
                kill_delay=kill_delay,
                kill=power_cut,
            )
    book.log.append(f"round {round_no}: load until kill {time.monotonic() - t2:.1f}s")
    assert server.killed, "the load ended before the kill"
    assert_clean(calls)
    book.learn(calls)
    book.lost = [c for c in calls if c.lost]
    # The database as the power cut left it, opened directly (no server running).
    await wait_for_dead_transactions(url)
    report = await check_database(url, book.seen, PLACES_PER_TICKET)
    book.log.append(f"round {round_no}: {describe(result, len(calls), kill_after, kill_delay)}")
    book.log.append(f"round {round_no} after the kill: {report.summary()}")
    assert result.lost + result.unsent > 0
    assert not report.problems, "\n".join(report.problems[:30])


def describe(result: LoadResult, total: int, kill_after: int, kill_delay: float) -> str:
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
    return (
        f"{total} calls, killed {kill_delay * 1000:.0f} ms after answer {kill_after} "
        f"(answers {statuses}), "
        f"{result.in_flight_at_kill} in flight at the kill, {result.lost} lost, "
        f"{result.unsent} never sent"
    )


def server_settings(mail_dir: Path) -> dict[str, str]:
    # A small delay inside the capacity lock keeps transactions open long enough to be cut.
    return {"mail_url": f"file://{mail_dir}", "test_lock_delay_ms": "2"}


async def after_a_kill(url: str, book: Book, server: KillableServer) -> None:
    """On the restarted server: the lost calls retried, every order the kill left behind still
    finalizes and cancels (or is refused cleanly), and the capacity endpoint agrees with the DB."""
    book.log.append(f"restart: {await retry_lost(book, server)}")
    snap = await read_snapshot(url)
    unknown = set(snap.orders) - set(book.token_of)
    assert not unknown, f"orders committed but never answered, even on retry: {unknown}"
    active: Counter[int] = Counter(
        i.order_id for i in snap.items.values() if i.cancelled_at is None
    )
    finish: list[Call] = []
    refusals: list[Call] = []
    for order_id, order in sorted(snap.orders.items()):
        token = book.token_of[order_id]
        if order.status == "created":
            # most of them are finalized, some cancelled; none may be refused
            if book.rng.random() < 0.75:
                finish.append(finalize_call(order_id, token))
            else:
                finish.append(cancel_call(order_id, token))
        elif order.status == "finalized" and active[order_id] and book.rng.random() < 0.2:
            finish.append(cancel_call(order_id, token))
        elif order.status == "cancelled" and len(refusals) < 10:
            refusals += [cancel_call(order_id, token), finalize_call(order_id, token)]
    await fire(server.base_url, finish + refusals, clients=CLIENTS)
    assert [c.status for c in finish] == [200] * len(finish), [
        c.answer for c in finish if c.status != 200
    ][:3]
    assert [c.status for c in refusals] == [422] * len(refusals)
    book.learn(finish)
    snap = await read_snapshot(url)
    report = check_snapshot(snap, book.seen, PLACES_PER_TICKET)
    book.log.append(
        f"restart: {len(finish)} finalized or cancelled, {len(refusals)} refused; "
        f"{report.summary()}"
    )
    assert not report.problems, "\n".join(report.problems[:30])
    assert report.statuses["created"] == 0
    await compare_capacity_endpoint(server, book, snap)


async def compare_capacity_endpoint(server: KillableServer, book: Book, snap: Snapshot) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        response = await client.post(
            "/api/v4/tickets/capacities",
            json={
                "ticket_ids": [SINGLE, FAMILY, COMBINED, SCARCE, SUB_TOWER],
                "date": book.day.isoformat(),
            },
            headers={"Authorization": f"Bearer {book.tokens.direct}"},
        )
    assert response.status_code == 200, response.text
    held: Counter[tuple[int, datetime]] = Counter()
    for hold in snap.holds:
        if hold.valid_until > snap.now:
            held[(hold.quota_id, hold.start_at)] += hold.quantity
    compared = 0
    for quota, view in response.json()["data"].items():
        for moment, free in view["capacities"].items():
            key = (int(quota), datetime.fromisoformat(moment).astimezone(UTC))
            expected = max(0, CAPACITY[key[0]] - snap.slots.get(key, 0) - held[key])
            assert free == expected, (key, free, expected)
            compared += 1
    assert compared >= len(CAPACITY) * 5


async def run_scenario(url: str, tokens: Tokens, mail_dir: Path) -> list[str]:
    book = Book(tokens=tokens, day=sale_day(), rng=random.Random(SEED), mail_dir=mail_dir)
    try:
        for round_no in range(1, KILLS + 1):
            await one_kill(url, book, round_no)
    finally:
        print("\n".join([f"seed {SEED}", *book.log]))
    return book.log


@pytest.mark.slow
@postgres_only
async def test_killing_the_server_leaves_every_order_consistent_on_postgresql(
    kill_db: tuple[str, Tokens], tmp_path: Path
) -> None:
    await run_scenario(*kill_db, tmp_path / "mail")


@pytest.mark.slow
async def test_killing_the_server_leaves_every_order_consistent_on_sqlite(
    kill_db: tuple[str, Tokens], tmp_path: Path
) -> None:
    if IS_POSTGRES:
        pytest.skip("the SQLite case")
    await run_scenario(*kill_db, tmp_path / "mail")


# -- the checker finds what a broken server would leave behind -----------------------------------


@pytest.fixture
async def small_history(
    kill_db: tuple[str, Tokens], tmp_path: Path
) -> AsyncIterator[tuple[str, dict[str, int]]]:
    """A few orders in every state, made in-process: name -> order id."""
    url, tokens = kill_db
    app = create_app(
        Settings(database_url=url, instances={}, mail_url=f"file://{tmp_path / 'mail'}")
    )
    rng = random.Random(7)
    day = sale_day()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kasse") as client:

            async def post(call: Call) -> dict[str, Any]:
                headers = {"Authorization": f"Bearer {call.token}"}
                response = await client.post(call.path, json=call.body, headers=headers)
                assert response.status_code == 200, response.text
                answer: dict[str, Any] = response.json()["order"]
                return answer

            seats = iter(HALL_SEATS)

            async def new(token: str, items: int = 3) -> dict[str, Any]:
                """Random ticket items, and two seats of the concert no other order has."""
                while True:  # a random order may want the scarce ticket; that's fine
                    call = create_call(rng, day, token, items)
                    body = call.body or {}
                    body["items"] = [i for i in body["items"] if i["type"] == "Ticket"]
                    if body["items"] and all(
                        i["attributes"]["id"] != SCARCE for i in body["items"]
                    ):
                        break
                pair = [{"seat_id": next(seats), "scale_price_id": CONCERT_PRICE} for _ in range(2)]
                body["items"].append(
                    {"type": "Event", "attributes": {"id": CONCERT_DATE, "seats": pair}}
                )
                body["total"] = (
                    sum(
                        PRICE[i["attributes"]["id"]] * i["attributes"]["quantity"]
                        for i in body["items"]
                        if i["type"] == "Ticket"
                    )
                    + 2 * SEAT_PRICE
                )
                return await post(call)

            ids: dict[str, int] = {}
            created = await new(tokens.two_phase)
            ids["created"] = created["id"]
            finalized = await new(tokens.two_phase)
            await post(finalize_call(finalized["id"], tokens.two_phase))
            ids["finalized"] = finalized["id"]
            cancelled = await new(tokens.two_phase)
            await post(finalize_call(cancelled["id"], tokens.two_phase))
            await post(cancel_call(cancelled["id"], tokens.two_phase))
            ids["cancelled"] = cancelled["id"]
            partly = await new(tokens.direct)
            first_item = partly["items"][0]["id"]
            await post(cancel_call(partly["id"], tokens.direct, [first_item]))
            ids["partly"] = partly["id"]
            ids["partly_item"] = first_item
    report = await check_database(url, None, PLACES_PER_TICKET)
    assert not report.problems, report.problems
    assert report.statuses == Counter({"created": 1, "finalized": 2, "cancelled": 1})
    yield url, ids


CORRUPTIONS = {
    "sold counted twice": (
        "UPDATE quota_slots SET sold = sold + 1 WHERE id = (SELECT min(id) FROM quota_slots "
        "WHERE sold > 0)",
        "but the finalized active items drew",
    ),
    "sold released twice": (
        "UPDATE quota_slots SET sold = sold - 1 WHERE id = (SELECT min(id) FROM quota_slots "
        "WHERE sold > 0)",
        "but the finalized active items drew",
    ),
    "barcode missing": (
        "DELETE FROM barcodes WHERE id = (SELECT min(b.id) FROM barcodes b "
        "JOIN ticket_sales s ON s.id = b.ticket_sale_id "
        "JOIN order_items i ON i.id = s.order_item_id WHERE i.order_id = {finalized})",
        "barcodes for",
    ),
    "half-cancelled order": (
        "UPDATE order_items SET cancelled_at = NULL WHERE id = (SELECT min(id) FROM order_items "
        "WHERE order_id = {cancelled})",
        "half-cancelled",
    ),
    "hold left after finalize": (
        "INSERT INTO reservation_holds (order_item_id, quota_id, start_at, quantity, valid_until) "
        "SELECT d.order_item_id, d.quota_id, d.start_at, d.quantity, "
        "(SELECT max(valid_until) FROM reservation_holds) FROM capacity_draws d "
        "JOIN order_items i ON i.id = d.order_item_id WHERE i.order_id = {finalized}",
        "still holds",
    ),
    "hold lost on a created order": (
        "DELETE FROM reservation_holds WHERE id = (SELECT min(id) FROM reservation_holds)",
        "differ from its draws",
    ),
    "cancelled item still holding": (
        "UPDATE order_items SET cancelled_at = (SELECT max(created_at) FROM orders) "
        "WHERE id = (SELECT min(id) FROM order_items WHERE order_id = {created})",
        "still holds",
    ),
    "finalized without barcodes": (
        "UPDATE orders SET status = 'finalized', finalized_at = created_at WHERE id = {created}",
        "barcodes for",
    ),
    "seat of a created order sold": (
        "UPDATE seat_claims SET valid_until = NULL WHERE id = (SELECT min(c.id) FROM "
        "seat_claims c JOIN order_items i ON i.id = c.order_item_id WHERE i.order_id = {created})",
        "claimed until other than",
    ),
    "seat claim lost on a finalized order": (
        "DELETE FROM seat_claims WHERE id = (SELECT min(c.id) FROM seat_claims c "
        "JOIN order_items i ON i.id = c.order_item_id WHERE i.order_id = {finalized})",
        "claims seats",
    ),
    "seat still claimed by a cancelled order": (
        "INSERT INTO seat_claims (date_id, seat_id, order_item_id, valid_until) "
        "SELECT b.date_id, 7524, b.order_item_id, NULL FROM event_bookings b "
        "JOIN order_items i ON i.id = b.order_item_id WHERE i.order_id = {cancelled}",
        "claims seats",
    ),
    "event barcode missing": (
        "DELETE FROM barcodes WHERE id = (SELECT min(b.id) FROM barcodes b "
        "JOIN event_bookings e ON e.id = b.event_booking_id "
        "JOIN order_items i ON i.id = e.order_item_id WHERE i.order_id = {finalized})",
        "barcodes for",
    ),
    "invoice number skipped": (
        "UPDATE invoice_counters SET last_number = last_number + 1",
        "without gaps",
    ),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
async def test_the_checker_reports_a_corrupted_row(
    small_history: tuple[str, dict[str, int]], corruption: str
) -> None:
    url, ids = small_history
    statement, expected = CORRUPTIONS[corruption]
    instance = open_instance("corrupt", url, Settings(database_url=url))
    try:
        async with instance.write_engine.begin() as conn:
            result = await conn.execute(text(statement.format(**ids)))
            assert result.rowcount >= 1
    finally:
        await instance.dispose()
    problems = (await check_database(url, None, PLACES_PER_TICKET)).problems
    assert any(expected in p for p in problems), problems


async def test_the_checker_reports_answers_the_database_does_not_keep(
    small_history: tuple[str, dict[str, int]],
) -> None:
    url, ids = small_history
    seen = Seen(
        created={ids["created"]: {-1}},
        finalized={ids["created"]},
        cancelled={ids["finalized"]},
        cancelled_items={ids["partly_item"] + 1000},
        barcodes={"0000000000000": ids["finalized"]},
    )
    problems = (await check_database(url, seen, PLACES_PER_TICKET)).problems
    for expected in (
        "answered 200 with items",
        f"order {ids['created']}: finalize answered 200",
        f"order {ids['finalized']}: cancel answered 200",
        "item ",
        "was answered but is not stored",
    ):
        assert any(expected in p for p in problems), (expected, problems)
