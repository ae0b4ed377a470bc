"""Answers of availability, lookups, entry and scanner endpoints against the reference's examples.

The examples are copied from the public API reference (``shared/spec/reference``: ``_tickets.md``,
``_version.md``, ``_authentication.md``, ``entry_api.html.md``). An answer matches when it has the
example's keys (maps keyed by ids, days or timestamps match by their values), the same JSON types
and timestamps in the example's format. The contract test over every endpoint lives in
tests/contract (it parses the reference itself); these cover the endpoints of issue 14's
sections 4, 5 and 7 on their own.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from tests.conftest import Kasse
from tests.entry.support import at, buy

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
SPACED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DYNAMIC_KEY = (re.compile(r"^\d+$"), ISO, SPACED, DAY)

CAPACITY = {"data": {"2016-07-06T11:00:00+02:00": 15, "2016-07-06T11:30:00+02:00": 21}}
CAPACITIES = {
    "data": {
        "19": {
            "tickets": [247, 248],
            "capacities": {"2016-07-06T16:15:00+02:00": 0},
            "total_capacities": {"2016-07-06T16:15:00+02:00": 30},
        }
    }
}
CALENDAR_ANY = {"data": {"2016-05-27": False, "2016-05-28": True}}
CALENDAR_ALL = {
    "data": {
        "2016-07-06": [
            {
                "quota": {
                    "id": 3,
                    "tickets": [261, 262],
                    "capacities": [{"2016-07-06 11:00:00 +0200": 100}],
                }
            }
        ]
    }
}
VERSION = {
    "version": {
        "system": "2.9.1",
        "api": "4.4",
        "release": "Bubbles",
        "time": "2017-12-03T10:49:15+02:00",
        "zone": "Europe/Berlin",
        "currency": "EUR",
        "per_page": 25,
    }
}
WHOAMI_RESELLER = {"access": "reseller", "museums": [5]}
ENTRY_OK = {"message": "Eintritte: 1"}
ENTRY_REFUSED = {"error": "Barcode wurde schon eingelöst am 13.03.2017"}
SCAN = {
    "scan": {
        "id": 3,
        "barcode": "111yxqgyxGWWVmXEg",
        "entry_at": "2019-09-03T12:55:53+02:00",
        "position": None,
        "device": "3",
        "people_count": 3,
        "is_valid": True,
        "is_entry": True,
        "updated_at": "2019-09-03T21:53:20+02:00",
        "created_at": "2019-09-03T12:55:53+02:00",
    }
}
CONFIG = {
    "config": {
        "id": "RW50cnlab25lLTAyUmhtWP==",
        "name": "B7D",
        "settings": {
            "primary_color": "#1AB394",
            "headline": "go~mus",
            "background_color": "#F5F5F5",
            "background_color_valid": "#1CAC26",
            "background_color_warning": "#F8C81C",
            "default_panel_color": "#FFFFFF",
            "warning_panel_color": "#AE0015",
            "warning_text_color": "#FFFFFF",
            "text_color": "#4A4A4A",
            "button_default_color": "#4A4A4A",
            "button_default_filling": "#F5F5F5",
            "button_info_color": "#00608",
            "button_info_filling": "#F5F5F5",
            "button_warning_color": "#AE0015",
            "button_warning_filling": "#F5F5F5",
        },
    }
}


def differences(answer: Any, example: Any, where: str = "") -> list[str]:
    """Where ``answer`` departs from ``example`` in keys, JSON types or timestamp formats."""
    if example is None:
        return []  # null in an example: the field may hold a value
    if isinstance(example, dict):
        if not isinstance(answer, dict):
            return [f"{where}: {type(answer).__name__} instead of an object"]
        if example and all(any(p.match(k) for p in DYNAMIC_KEY) for k in example):
            model_key, model = next(iter(example.items()))
            problems = [
                f"{where}: key {k!r} is not like {model_key!r}"
                for k in answer
                if not next(p for p in DYNAMIC_KEY if p.match(model_key)).match(k)
            ]
            for key, value in answer.items():
                problems += differences(value, model, f"{where}.{key}")
            return problems
        if set(answer) != set(example):
            return [f"{where}: keys {sorted(answer)} instead of {sorted(example)}"]
        return [p for k in example for p in differences(answer[k], example[k], f"{where}.{k}")]
    if isinstance(example, list):
        if not isinstance(answer, list):
            return [f"{where}: {type(answer).__name__} instead of an array"]
        return [
            p for i, v in enumerate(answer) for p in differences(v, example[0], f"{where}[{i}]")
        ]
    if isinstance(example, bool) or isinstance(answer, bool):
        return (
            []
            if type(answer) is type(example)
            else [f"{where}: {answer!r} is not like {example!r}"]
        )
    if isinstance(example, int | float):
        return [] if isinstance(answer, int | float) else [f"{where}: {answer!r} is not a number"]
    if not isinstance(answer, str):
        return [f"{where}: {answer!r} is not a string"]
    for pattern in (ISO, SPACED, DAY):
        if pattern.match(example) and not pattern.match(answer):
            return [f"{where}: {answer!r} is not written like {example!r}"]
    return []


async def matches(kasse: Kasse, example: dict[str, Any], method: str, url: str, **kw: Any) -> Any:
    response = await kasse.client.request(method, url, **kw)
    body = response.json()
    assert differences(body, example) == [], (response.status_code, body)
    return body


async def test_availability_answers_as_the_reference_shows(kasse: Kasse, day: date) -> None:
    await matches(kasse, CAPACITY, "GET", f"/api/v4/tickets/3/capacity?date={day}")
    await matches(
        kasse,
        CAPACITIES,
        "GET",
        f"/api/v4/tickets/capacities?ticket_ids[]=3&ticket_ids[]=5&date={day}",
    )
    week = f"start_at={day}&end_at={day + timedelta(days=6)}"
    await matches(kasse, CALENDAR_ANY, "GET", f"/api/v4/tickets/calendar?by_ticket_ids[]=3&{week}")
    body = await matches(
        kasse, CALENDAR_ALL, "GET", f"/api/v4/tickets/calendar?by_ticket_ids[]=3&{week}&depth=all"
    )
    assert body["data"][day.isoformat()][0]["quota"]["capacities"]


async def test_version_and_whoami_as_the_reference_shows(kasse: Kasse) -> None:
    await matches(kasse, VERSION, "GET", "/api/v4/version")
    await matches(kasse, WHOAMI_RESELLER, "GET", "/api/v4/whoami", headers=kasse.auth("reseller"))
    assert (await kasse.client.get("/api/v4/whoami")).json() == {"access": "public"}


async def test_entry_answers_as_the_reference_shows(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    cashpoint = kasse.auth("cashpoint")
    await matches(kasse, ENTRY_OK, "GET", f"/api/v3/barcodes/{code}", headers=cashpoint)
    admitted = await kasse.client.put(f"/api/v3/barcodes/{code}?location=1", headers=cashpoint)
    assert differences(admitted.json(), ENTRY_OK) == []
    for method in ("GET", "PUT"):
        response = await kasse.client.request(method, f"/api/v3/barcodes/{code}", headers=cashpoint)
        assert response.status_code == 422
        assert differences(response.json(), ENTRY_REFUSED) == []
    scan = f"/api/v4/entry/scans/{admitted.headers['X-Scan-Id']}"
    await matches(kasse, SCAN, "GET", scan, headers=cashpoint)
    await matches(kasse, SCAN, "PUT", scan, data={"scan[people_count]": "3"}, headers=cashpoint)
    await kasse.load({"entry_zones": [{"id": "RW50cnlab25lLTAyUmhtWP==", "name": "B7D"}]})
    await matches(
        kasse,
        CONFIG,
        "GET",
        "/api/v4/entry/config?entry_zone=RW50cnlab25lLTAyUmhtWP%3D%3D",
        headers=cashpoint,
    )


def test_the_comparison_finds_what_departs_from_an_example() -> None:
    assert differences({"data": {"2016-05-27": "yes"}}, CALENDAR_ANY) == [
        ".data.2016-05-27: 'yes' is not like False"
    ]
    assert differences({"data": {"27.05.2016": True}}, CALENDAR_ANY)
    assert differences({"access": "reseller"}, WHOAMI_RESELLER)
    assert differences({"access": "reseller", "museums": ["5"]}, WHOAMI_RESELLER)
    capacities = {"data": {"2016-07-06 11:00:00 +0200": 15}}
    assert differences(capacities, CAPACITY) == [
        ".data: key '2016-07-06 11:00:00 +0200' is not like '2016-07-06T11:00:00+02:00'"
    ]
    assert differences({"scan": {**SCAN["scan"], "entry_at": "2019-09-03"}}, SCAN)
    assert differences({"scan": {**SCAN["scan"], "position": "1"}}, SCAN) == []
