"""Annual passes at the entrance: every day of their validity, once per day and museum unless the
holder left, each visit recorded."""

from __future__ import annotations

from datetime import date, timedelta

from kasse.annual.validity import add_months
from tests.annual.support import (
    annual_order,
    bind,
    card_ids,
    created_customer,
    move,
    passes_with_token,
)
from tests.conftest import Kasse
from tests.entry.support import (
    admissions,
    admit,
    at,
    cancel_items,
    change_orders,
    check,
    error_of,
    leave,
    message_of,
    scans,
)


async def pass_codes(kasse: Kasse, day: date, quantity: int = 1) -> tuple[list[str], str]:
    order, token = await passes_with_token(kasse, day, quantity)
    [item] = order["items"]
    return [c["barcode"] for c in item["attributes"]["barcodes"]], token


async def test_a_pass_enters_on_every_day_from_its_start_to_its_end(
    kasse: Kasse, day: date
) -> None:
    [code], _ = await pass_codes(kasse, day)
    end = add_months(day, 12)
    last = end - timedelta(days=1)
    valid = f"Jahreskarte, valid until {last.isoformat()}"

    kasse.clock.set(at(kasse, day, "00:00") - timedelta(seconds=1))
    assert error_of(await check(kasse, code)) == f"not valid yet: valid from {day.isoformat()}"
    assert error_of(await admit(kasse, code, "1")) == f"not valid yet: valid from {day.isoformat()}"
    for moment in (at(kasse, day, "00:00"), at(kasse, day + timedelta(days=100), "12:00"),
                   at(kasse, last, "23:59")):  # fmt: skip
        kasse.clock.set(moment)
        assert message_of(await check(kasse, code)) == f"valid: {valid}"
        assert message_of(await admit(kasse, code, "1")) == f"admitted: {valid}"
    kasse.clock.set(at(kasse, end, "00:00"))
    gone = f"no longer valid: was valid until {last.isoformat()}"
    assert error_of(await check(kasse, code)) == gone
    assert error_of(await admit(kasse, code, "1")) == gone

    visits = await admissions(kasse)
    assert [(a.scope, a.location) for a in visits] == [
        ("visit:1", "1"),
        ("visit:2", "1"),
        ("visit:3", "1"),
    ]


async def test_a_pass_enters_a_museum_again_the_same_day_only_after_an_exit(
    kasse: Kasse, day: date
) -> None:
    [code], _ = await pass_codes(kasse, day)
    kasse.clock.set(at(kasse, day, "10:00"))
    message_of(await admit(kasse, code, "1"))

    kasse.clock.set(at(kasse, day, "10:05"))
    inside = f"already admitted on {kasse.local(day, '10:00')}: enters again after an exit scan, or tomorrow"
    assert error_of(await check(kasse, code, "1")) == inside
    assert error_of(await admit(kasse, code, "1")) == inside
    # the other museum of the pass is another visit
    message_of(await admit(kasse, code, "2"))

    kasse.clock.set(at(kasse, day, "12:00"))
    assert message_of(await leave(kasse, code, "1")).startswith("exit recorded")
    kasse.clock.set(at(kasse, day, "14:00"))
    message_of(await check(kasse, code, "1"))
    message_of(await admit(kasse, code, "1"))
    kasse.clock.set(at(kasse, day, "14:01"))
    assert error_of(await admit(kasse, code, "1")).startswith("already admitted on ")

    # without exit scanners: the next day it enters anew
    kasse.clock.set(at(kasse, day + timedelta(days=1), "10:00"))
    message_of(await admit(kasse, code, "1"))
    assert [(a.scope, a.location) for a in await admissions(kasse)] == [
        ("visit:1", "1"),
        ("visit:2", "2"),
        ("visit:3", "1"),
        ("visit:4", "1"),
    ]
    refused = [s for s in await scans(kasse) if not s.accepted]
    assert [s.kind for s in refused] == ["check", "admit", "admit"]


async def test_a_scanner_without_location_counts_as_one_place(kasse: Kasse, day: date) -> None:
    [code], _ = await pass_codes(kasse, day)
    kasse.clock.set(at(kasse, day, "10:00"))
    message_of(await admit(kasse, code))
    assert error_of(await admit(kasse, code)).startswith("already admitted on ")
    [admission] = await admissions(kasse)
    assert admission.location is None  # the pass is valid at two museums


async def test_each_card_of_a_family_pass_enters_on_its_own(kasse: Kasse, day: date) -> None:
    codes, _ = await pass_codes(kasse, day, 3)
    kasse.clock.set(at(kasse, day, "10:00"))
    for code in codes:
        message_of(await admit(kasse, code, "1"))
    assert len(await admissions(kasse)) == 3


async def test_the_scanner_shows_the_holders_name(kasse: Kasse, day: date) -> None:
    codes, token = await pass_codes(kasse, day, 2)
    first, second = card_ids(await annual_order(kasse, token))
    peter = await created_customer(kasse, token)
    assert (await bind(kasse, token, second, peter)).status_code == 200
    kasse.clock.set(at(kasse, day, "10:00"))
    last = add_months(day, 12) - timedelta(days=1)
    # card n goes with barcode n: the second barcode is Peter's
    assert message_of(await check(kasse, codes[1])) == (
        f"valid: Jahreskarte (Peter Pan), valid until {last.isoformat()}"
    )
    assert message_of(await check(kasse, codes[0])) == (
        f"valid: Jahreskarte, valid until {last.isoformat()}"
    )
    assert first != second


async def test_a_moved_start_moves_the_days_it_enters(kasse: Kasse, day: date) -> None:
    [code], token = await pass_codes(kasse, day)
    sale_id = (await annual_order(kasse, token))["ticket_sales"][0]["id"]
    later = day + timedelta(days=30)
    assert (await move(kasse, token, sale_id, later.isoformat())).status_code == 200
    kasse.clock.set(at(kasse, day, "10:00"))
    assert error_of(await admit(kasse, code, "1")) == f"not valid yet: valid from {later}"
    kasse.clock.set(at(kasse, later, "10:00"))
    message_of(await admit(kasse, code, "1"))


async def test_a_cancelled_pass_never_enters(kasse: Kasse, day: date) -> None:
    [code], _ = await pass_codes(kasse, day)
    kasse.clock.set(at(kasse, day, "10:00"))
    await cancel_items(kasse, at(kasse, day, "09:00"))
    assert error_of(await admit(kasse, code, "1")).startswith("cancelled on ")
    [other], _ = await pass_codes(kasse, day)
    await change_orders(kasse, status="cancelled", is_valid=False)
    assert error_of(await admit(kasse, other, "1")).startswith("order cancelled")
    assert await admissions(kasse) == []
