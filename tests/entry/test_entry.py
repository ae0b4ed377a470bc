"""/api/v3/barcodes: check, admit once, exit; time windows, combined tickets, tokens, the scan log."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Kasse
from tests.entry.support import (
    admissions,
    admit,
    at,
    barcode_url,
    buy,
    buy_combined,
    cancel_items,
    change_orders,
    check,
    count_admissions,
    error_of,
    leave,
    message_of,
    scans,
)

# --- check and admit ---------------------------------------------------------------------------


async def test_a_check_never_admits_and_an_admission_happens_once(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:03"))
    valid = f"Zeitfenster regulär, {day.isoformat()} 10:00"
    assert message_of(await check(kasse, code)) == f"valid: {valid}"
    assert message_of(await check(kasse, code)) == f"valid: {valid}"
    assert await count_admissions(kasse) == 0

    assert message_of(await admit(kasse, code)) == f"admitted: {valid}"
    kasse.clock.set(at(kasse, day, "10:04"))
    used = f"already used on {kasse.local(day, '10:03')}"
    assert error_of(await admit(kasse, code)) == used
    assert error_of(await check(kasse, code)) == used
    [admission] = await admissions(kasse)
    assert (admission.scope, admission.location) == ("main", "1")
    assert admission.admitted_at == at(kasse, day, "10:03")


async def test_each_barcode_of_an_order_enters_once(kasse: Kasse, day: date) -> None:
    codes = await buy(kasse, 3, 3, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    for code in codes:
        message_of(await admit(kasse, code))
    for code in codes:
        assert error_of(await admit(kasse, code)).startswith("already used on ")
    assert await count_admissions(kasse) == 3


async def test_an_unknown_barcode_is_422_as_every_invalid_barcode(kasse: Kasse) -> None:
    for response in (
        await check(kasse, "4000000000006"),
        await admit(kasse, "4000000000006"),
        await leave(kasse, "4000000000006"),
    ):
        assert error_of(response, 422) == "barcode 4000000000006 not found"


# --- when a barcode may enter ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock_time", "expected"),
    [
        ("09:44", "not valid yet: entry from {09:45}"),
        ("09:45", None),  # the grace before the slot
        ("10:00", None),
        ("10:30", None),  # the slot is over, the grace after it is not
        ("11:00", None),
        ("11:01", "no longer valid: entry until {11:00}"),
    ],
)
async def test_a_time_slot_enters_from_its_grace_before_until_its_grace_after(
    kasse: Kasse, day: date, clock_time: str, expected: str | None
) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, clock_time))
    if expected is None:
        message_of(await check(kasse, code))
        message_of(await admit(kasse, code))
        assert await count_admissions(kasse) == 1
    else:
        reason = expected.replace("{09:45}", kasse.local(day, "09:45"))
        reason = reason.replace("{11:00}", kasse.local(day, "11:00"))
        assert error_of(await check(kasse, code)) == reason
        assert error_of(await admit(kasse, code)) == reason
        assert await count_admissions(kasse) == 0


async def test_a_day_ticket_enters_on_its_whole_day(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 1, 1, kasse.local(day, "12:00"))
    for moment in ("00:00", "08:00", "23:59"):
        kasse.clock.set(at(kasse, day, moment))
        assert message_of(await check(kasse, code)) == f"valid: Tageskarte regulär, {day}"
    kasse.clock.set(at(kasse, day, "00:00") - timedelta(seconds=1))
    assert error_of(await check(kasse, code)) == f"not valid yet: valid on {day}"
    kasse.clock.set(at(kasse, day + timedelta(days=1), "00:00"))
    assert error_of(await admit(kasse, code)) == f"no longer valid: was valid on {day}"
    kasse.clock.set(at(kasse, day, "17:59"))
    message_of(await admit(kasse, code))


async def test_a_flex_ticket_enters_on_any_day_of_its_validity(kasse: Kasse) -> None:
    [code] = await buy(kasse, 7, 1)
    assert message_of(await check(kasse, code)) == "valid: Flexticket"
    kasse.clock.advance(timedelta(days=400))
    assert error_of(await check(kasse, code)).startswith("no longer valid: valid until ")
    kasse.clock.advance(timedelta(days=-300))
    assert message_of(await admit(kasse, code)) == "admitted: Flexticket"


# --- orders that are not binding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        ({"status": "created"}, "order not binding yet (status created)"),
        ({"status": "cancelled"}, "order cancelled"),
        ({"is_valid": False}, "order is not valid"),
        ({"pay_by_link": True}, "order not paid yet"),
    ],
)
async def test_orders_that_are_not_binding_do_not_enter(
    kasse: Kasse, day: date, order: dict[str, Any], reason: str
) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    await change_orders(kasse, **order)
    kasse.clock.set(at(kasse, day, "10:00"))
    assert error_of(await check(kasse, code)) == reason
    assert error_of(await admit(kasse, code)) == reason
    assert await count_admissions(kasse) == 0


async def test_a_paid_pay_by_link_order_enters(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    await change_orders(kasse, pay_by_link=True, paid_at=kasse.clock.now())
    kasse.clock.set(at(kasse, day, "10:00"))
    message_of(await admit(kasse, code))


async def test_a_cancelled_item_does_not_enter(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    cancelled = kasse.clock.now()
    await cancel_items(kasse, cancelled)
    kasse.clock.set(at(kasse, day, "10:00"))
    reason = f"cancelled on {cancelled.astimezone(kasse.instance.tz).isoformat()}"
    assert error_of(await check(kasse, code)) == reason
    assert error_of(await admit(kasse, code)) == reason


# --- locations and combined tickets -----------------------------------------------------------


async def test_a_plain_ticket_enters_only_at_its_museums(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    assert error_of(await admit(kasse, code, "2")) == "not valid at location 2: valid at 1"
    assert error_of(await admit(kasse, code, "99")) == "not valid at location 99: valid at 1"
    message_of(await admit(kasse, code, "1"))
    [admission] = await admissions(kasse)
    assert admission.location == "1"


@pytest.mark.parametrize(
    "location", ["1", "Museum für Kunst und Geschichte", "museum FÜR kunst und geschichte"]
)
async def test_a_location_names_a_museum_by_id_or_name(
    kasse: Kasse, day: date, location: str
) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    assert error_of(await admit(kasse, code, "Das Panorama")) == (
        "not valid at location 2: valid at 1"
    )
    message_of(await admit(kasse, code, location))
    [admission] = await admissions(kasse)
    assert admission.location == "1"


@pytest.mark.parametrize("location", ["abc", "-1", "1.5", "Haupthaus"])
async def test_a_location_kasse_does_not_know_is_422_and_logs_nothing(
    kasse: Kasse, day: date, location: str
) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    for response in (
        await check(kasse, code, location),
        await admit(kasse, code, location),
        await leave(kasse, code, location),
    ):
        assert error_of(response) == (
            f"unknown location {location!r}: give a museum's id or name, or an entry zone's"
        )
    assert await scans(kasse) == []
    assert await count_admissions(kasse) == 0


async def test_an_empty_location_is_no_location(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    message_of(await admit(kasse, code, ""))
    [admission] = await admissions(kasse)
    assert admission.location == "1"  # the ticket's only museum


async def test_a_too_long_barcode_is_refused(kasse: Kasse) -> None:
    response = await check(kasse, "1" * 101)
    assert response.status_code == 422


async def test_a_combined_ticket_enters_once_at_each_location_at_its_own_time(
    kasse: Kasse, day: date
) -> None:
    [code] = await buy_combined(kasse, day)
    museum = f"Museum + Das Panorama regulär (Subticket Museum), {day} 10:00"
    panorama = f"Museum + Das Panorama regulär (Subticket Das Panorama), {day} 11:30"

    kasse.clock.set(at(kasse, day, "10:05"))
    assert message_of(await check(kasse, code, "1")) == f"valid: {museum}"
    assert message_of(await admit(kasse, code, "1")) == f"admitted: {museum}"
    used_at_museum = f"already used on {kasse.local(day, '10:05')}"
    assert error_of(await admit(kasse, code, "1")) == used_at_museum
    too_early = f"not valid yet: entry from {kasse.local(day, '11:15')}"
    assert error_of(await admit(kasse, code, "2")) == too_early
    assert error_of(await admit(kasse, code, "3")) == "not valid at location 3: valid at 1, 2"

    kasse.clock.set(at(kasse, day, "11:35"))
    assert message_of(await admit(kasse, code, "2")) == f"admitted: {panorama}"
    assert error_of(await admit(kasse, code, "2")) == f"already used on {kasse.local(day, '11:35')}"
    assert error_of(await admit(kasse, code, "1")) == used_at_museum

    entered = {(a.scope, a.location) for a in await admissions(kasse)}
    assert entered == {("sub:61", "1"), ("sub:62", "2")}


async def test_without_location_a_combined_ticket_enters_where_it_is_due(
    kasse: Kasse, day: date
) -> None:
    [code] = await buy_combined(kasse, day)
    kasse.clock.set(at(kasse, day, "10:05"))
    assert "(Subticket Museum)" in message_of(await admit(kasse, code))
    # Between the two windows neither sub ticket is due: the scanner must say where it stands.
    kasse.clock.set(at(kasse, day, "11:10"))
    assert error_of(await check(kasse, code)).startswith("location required")
    kasse.clock.set(at(kasse, day, "11:40"))
    assert "(Subticket Das Panorama)" in message_of(await admit(kasse, code))
    assert error_of(await admit(kasse, code)).startswith("already used on ")
    assert {a.scope for a in await admissions(kasse)} == {"sub:61", "sub:62"}


# --- exit ----------------------------------------------------------------------------------------


async def test_an_exit_closes_the_admission_once(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    assert error_of(await leave(kasse, code)) == "not admitted yet: an exit needs an entry first"
    message_of(await admit(kasse, code))
    kasse.clock.set(at(kasse, day, "12:30"))
    assert message_of(await leave(kasse, code)) == "exit recorded: Zeitfenster regulär"
    [admission] = await admissions(kasse)
    assert admission.exited_at == at(kasse, day, "12:30")
    kasse.clock.set(at(kasse, day, "12:31"))
    assert error_of(await leave(kasse, code)) == f"already exited on {kasse.local(day, '12:30')}"
    assert error_of(await admit(kasse, code)).startswith("already used on ")


async def test_a_combined_ticket_exits_from_its_latest_entry(kasse: Kasse, day: date) -> None:
    [code] = await buy_combined(kasse, day)
    kasse.clock.set(at(kasse, day, "10:05"))
    message_of(await admit(kasse, code, "1"))
    kasse.clock.set(at(kasse, day, "11:00"))
    message_of(await leave(kasse, code, "1"))
    kasse.clock.set(at(kasse, day, "11:30"))
    message_of(await admit(kasse, code, "2"))
    kasse.clock.set(at(kasse, day, "13:00"))
    message_of(await leave(kasse, code, "2"))
    exits = {a.scope: a.exited_at for a in await admissions(kasse)}
    assert exits == {"sub:61": at(kasse, day, "11:00"), "sub:62": at(kasse, day, "13:00")}


# --- who may scan ------------------------------------------------------------------------------


async def test_scanning_needs_a_user_or_cashpoint_token(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    for url in (barcode_url(code), barcode_url(code, exit=True)):
        for method in ("GET", "PUT"):
            if method == "GET" and url.endswith("/exit"):
                continue
            response = await kasse.client.request(method, url)
            assert error_of(response, 401).startswith("authentication required")
            bad = {"Authorization": "Bearer not-a-token"}
            assert error_of(await kasse.client.request(method, url, headers=bad), 401)
            for access in ("reseller", "customer"):
                response = await kasse.client.request(method, url, headers=kasse.auth(access))
                assert error_of(response, 403) == f"a {access} token may not do this"
    assert await scans(kasse) == []  # not scans by a scanner: nothing logged
    message_of(await check(kasse, code, access="user"))
    message_of(await admit(kasse, code, access="user"))


async def test_a_museum_limited_token_scans_only_at_its_museums(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    panorama = {"Authorization": f"Bearer {await kasse.new_token('cashpoint', [2])}"}
    museum = {"Authorization": f"Bearer {await kasse.new_token('cashpoint', [1])}"}
    kasse.clock.set(at(kasse, day, "10:00"))
    client = kasse.client
    # Another museum's ticket is an invalid barcode for this scanner: 422, as the reference says.
    response = await client.put(barcode_url(code), headers=panorama)
    assert error_of(response) == "not valid here: valid at museum 1"
    response = await client.put(barcode_url(code, "1"), headers=panorama)
    assert error_of(response, 403) == "this token may not scan at location 1"
    response = await client.put(barcode_url("4000000000006", "1"), headers=panorama)
    assert error_of(response, 403) == "this token may not scan at location 1"
    assert await count_admissions(kasse) == 0
    message_of(await client.put(barcode_url(code), headers=museum))
    response = await client.put(barcode_url(code, exit=True), headers=panorama)
    assert error_of(response) == "not valid here: entered at museum 1"
    message_of(await client.put(barcode_url(code, exit=True), headers=museum))
    refused = [s for s in await scans(kasse) if not s.accepted]
    assert len(refused) == 4  # refusals of a real scanner are logged


async def test_a_museum_limited_turnstile_needs_no_location_for_a_combined_ticket(
    kasse: Kasse, day: date
) -> None:
    [code] = await buy_combined(kasse, day)
    panorama = {"Authorization": f"Bearer {await kasse.new_token('user', [2])}"}
    kasse.clock.set(at(kasse, day, "10:05"))
    response = await kasse.client.put(barcode_url(code), headers=panorama)
    assert error_of(response) == f"not valid yet: entry from {kasse.local(day, '11:15')}"
    kasse.clock.set(at(kasse, day, "11:30"))
    response = await kasse.client.put(barcode_url(code), headers=panorama)
    assert "(Subticket Das Panorama)" in message_of(response)
    [admission] = await admissions(kasse)
    assert (admission.scope, admission.location) == ("sub:62", "2")


# --- the scan log ------------------------------------------------------------------------------


async def test_every_scan_is_logged_accepted_or_refused(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "09:00"))
    expected = [
        (await check(kasse, "4000000000006"), "check", None, False),
        (await check(kasse, code, "1"), "check", "1", False),  # too early
        (await admit(kasse, code, "1"), "admit", "1", False),  # too early
        (await leave(kasse, code), "exit", None, False),  # never entered
    ]
    kasse.clock.set(at(kasse, day, "10:00"))
    expected += [
        (await check(kasse, code), "check", None, True),
        (await admit(kasse, code, "1"), "admit", "1", True),
        (await admit(kasse, code, "1"), "admit", "1", False),  # already used
        (await admit(kasse, code, "2"), "admit", "2", False),  # not valid there
        (await leave(kasse, code), "exit", None, True),
    ]
    logged = await scans(kasse)
    assert len(logged) == len(expected)
    for scan, (response, kind, location, accepted) in zip(logged, expected, strict=True):
        body = response.json()
        assert (scan.kind, scan.location, scan.accepted) == (kind, location, accepted)
        assert scan.message == (body["message"] if accepted else body["error"])
        assert scan.api_token_id is not None
    assert logged[0].barcode == "4000000000006" and logged[0].barcode_id is None
    assert {s.barcode for s in logged[1:]} == {code}
    assert all(s.barcode_id is not None for s in logged[1:])
    assert logged[1].scanned_at == at(kasse, day, "09:00")


# --- concurrency (in process; tests/entry/test_entry_races.py does it over HTTP on PostgreSQL) -------


async def test_concurrent_admissions_of_one_barcode_admit_it_once(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    responses = await asyncio.gather(*(admit(kasse, code) for _ in range(20)))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 422: 19}, [r.text for r in responses]
    used = f"already used on {kasse.local(day, '10:00')}"
    assert all(r.json()["error"] == used for r in responses if r.status_code == 422)
    assert await count_admissions(kasse) == 1
    logged = await scans(kasse)
    assert len(logged) == 20 and sum(s.accepted for s in logged) == 1


async def test_concurrent_admissions_of_many_barcodes_admit_each_once(
    kasse: Kasse, day: date
) -> None:
    codes = await buy(kasse, 3, 5, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    requests = [code for code in codes for _ in range(4)]
    responses = await asyncio.gather(*(admit(kasse, code) for code in requests))
    admitted = Counter(c for c, r in zip(requests, responses, strict=True) if r.status_code == 200)
    assert admitted == dict.fromkeys(codes, 1)
    assert all(r.status_code in (200, 422) for r in responses)
    assert await count_admissions(kasse) == 5
