"""GET/PUT /api/v4/entry/scans/:scan and GET /api/v4/entry/config, as the entry reference shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from kasse.core.errors import Unprocessable
from tests.conftest import Kasse
from tests.entry.support import admit, at, buy, check, error_of, leave, message_of, scans

SCANS = "/api/v4/entry/scans"
ZONES = {
    "entry_zones": [
        {
            "id": "RW50cnlab25lLTAyUmhtWP==",
            "name": "Haupthaus",
            "museum_id": 1,
            "settings": {"headline": "Willkommen", "primary_color": "#003366"},
        },
        {"id": "kiosk", "name": "Kiosk am Park"},
    ]
}
SCAN_KEYS = [
    "id",
    "barcode",
    "entry_at",
    "position",
    "device",
    "people_count",
    "is_valid",
    "is_entry",
    "updated_at",
    "created_at",
]


def scan_id_of(response: httpx.Response) -> int:
    return int(response.headers["X-Scan-Id"])


async def test_every_scan_names_its_event_and_shows_it(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    admitted = await admit(kasse, code, "1")
    message_of(admitted)
    refused = await admit(kasse, code, "1")
    error_of(refused)
    left = await leave(kasse, code)
    logged = await scans(kasse)
    assert [scan_id_of(r) for r in (admitted, refused, left)] == [s.id for s in logged]
    r = await kasse.client.get(f"{SCANS}/{scan_id_of(admitted)}", headers=kasse.auth("cashpoint"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["scan"]
    scan = body["scan"]
    assert list(scan) == SCAN_KEYS
    assert scan == {
        "id": scan_id_of(admitted),
        "barcode": code,
        "entry_at": kasse.local(day, "10:00"),
        "position": "1",
        "device": str(logged[0].api_token_id),
        "people_count": 1,
        "is_valid": True,
        "is_entry": True,
        "updated_at": kasse.local(day, "10:00"),
        "created_at": kasse.local(day, "10:00"),
    }
    r = await kasse.client.get(f"{SCANS}/{scan_id_of(refused)}", headers=kasse.auth("cashpoint"))
    assert r.json()["scan"]["is_valid"] is False
    r = await kasse.client.get(f"{SCANS}/{scan_id_of(left)}", headers=kasse.auth("cashpoint"))
    assert (r.json()["scan"]["is_entry"], r.json()["scan"]["position"]) == (False, None)


@pytest.mark.parametrize(
    ("body", "kind"),
    [({"scan[people_count]": "3"}, "form"), ({"scan": {"people_count": 3}}, "json")],
)
async def test_a_scanner_counts_the_people_of_a_group(
    kasse: Kasse, day: date, body: dict[str, Any], kind: str
) -> None:
    code, *_ = await buy(kasse, 3, 3, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    scan_id = scan_id_of(await admit(kasse, code))
    kasse.clock.set(at(kasse, day, "10:02"))
    sent = {"data": body} if kind == "form" else {"json": body}
    r = await kasse.client.put(f"{SCANS}/{scan_id}", headers=kasse.auth("cashpoint"), **sent)
    assert r.status_code == 200, r.text
    scan = r.json()["scan"]
    assert scan["people_count"] == 3
    assert scan["updated_at"] == kasse.local(day, "10:02")
    assert scan["created_at"] == kasse.local(day, "10:00")
    [logged] = await scans(kasse)
    assert logged.people_count == 3


@pytest.mark.parametrize(
    "sent",
    [
        {"data": {"scan[people_count]": "0"}},
        {"data": {"scan[people_count]": "three"}},
        {"data": {"people_count": "3"}},
        {"json": {"scan": {"people_count": "3"}}},
        {"json": {"scan": {"people_count": 10_001}}},
        {"json": {"people_count": 3}},
        {"json": [1]},
    ],
)
async def test_a_bad_count_is_422_and_changes_nothing(
    kasse: Kasse, day: date, sent: dict[str, Any]
) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    scan_id = scan_id_of(await check(kasse, code))
    r = await kasse.client.put(f"{SCANS}/{scan_id}", headers=kasse.auth("cashpoint"), **sent)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid request"
    [logged] = await scans(kasse)
    assert (logged.people_count, logged.updated_at) == (1, None)


async def test_malformed_json_is_400(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    scan_id = scan_id_of(await check(kasse, code))
    r = await kasse.client.put(
        f"{SCANS}/{scan_id}",
        content=b"{not json",
        headers={**kasse.auth("cashpoint"), "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert r.json() == {"error": "malformed JSON body"}


async def test_a_scanner_sees_only_its_own_scans(kasse: Kasse, day: date) -> None:
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    scan_id = scan_id_of(await check(kasse, code))
    other = {"Authorization": f"Bearer {await kasse.new_token('cashpoint')}"}
    limited_user = {"Authorization": f"Bearer {await kasse.new_token('user', [1])}"}
    for headers in (other, limited_user):
        r = await kasse.client.get(f"{SCANS}/{scan_id}", headers=headers)
        assert error_of(r, 404) == f"scan {scan_id} not found"
        r = await kasse.client.put(
            f"{SCANS}/{scan_id}", json={"scan": {"people_count": 2}}, headers=headers
        )
        assert error_of(r, 404) == f"scan {scan_id} not found"
    # A user token of every museum sees every scan.
    assert (await kasse.client.get(f"{SCANS}/{scan_id}", headers=kasse.auth("user"))).is_success
    r = await kasse.client.get(f"{SCANS}/{scan_id + 1000}", headers=kasse.auth("cashpoint"))
    assert error_of(r, 404) == f"scan {scan_id + 1000} not found"
    assert error_of(await kasse.client.get(f"{SCANS}/{scan_id}"), 401)
    r = await kasse.client.get(f"{SCANS}/{scan_id}", headers=kasse.auth("reseller"))
    assert error_of(r, 403) == "a reseller token may not do this"


# --- entry zones: the scanner configuration and locations by zone ------------------------------


async def test_the_scanner_configuration_of_an_entry_zone(kasse: Kasse) -> None:
    await kasse.load(ZONES)
    r = await kasse.client.get(
        "/api/v4/entry/config?entry_zone=RW50cnlab25lLTAyUmhtWP%3D%3D",
        headers=kasse.auth("cashpoint"),
    )
    assert r.status_code == 200, r.text
    config = r.json()["config"]
    assert list(r.json()) == ["config"]
    assert (config["id"], config["name"]) == ("RW50cnlab25lLTAyUmhtWP==", "Haupthaus")
    settings = config["settings"]
    assert len(settings) == 15
    assert settings["headline"] == "Willkommen"
    assert settings["primary_color"] == "#003366"
    assert settings["background_color_valid"] == "#1CAC26"
    assert all(isinstance(v, str) and v for v in settings.values())
    kiosk = await kasse.client.get(
        "/api/v4/entry/config?entry_zone=kiosk", headers=kasse.auth("user")
    )
    assert kiosk.json()["config"]["settings"]["headline"] == "kasse"


async def test_an_unknown_or_foreign_entry_zone_is_404(kasse: Kasse) -> None:
    await kasse.load(ZONES)
    r = await kasse.client.get("/api/v4/entry/config?entry_zone=nope", headers=kasse.auth("user"))
    assert error_of(r, 404) == "entry zone nope not found"
    panorama = {"Authorization": f"Bearer {await kasse.new_token('cashpoint', [2])}"}
    r = await kasse.client.get(
        "/api/v4/entry/config?entry_zone=RW50cnlab25lLTAyUmhtWP%3D%3D", headers=panorama
    )
    assert error_of(r, 404) == "entry zone RW50cnlab25lLTAyUmhtWP== not found"
    assert (
        await kasse.client.get("/api/v4/entry/config?entry_zone=kiosk", headers=panorama)
    ).is_success
    r = await kasse.client.get("/api/v4/entry/config", headers=kasse.auth("user"))
    assert r.status_code == 422
    assert r.json()["error"] == "invalid request"


async def test_a_location_may_name_an_entry_zone(kasse: Kasse, day: date) -> None:
    await kasse.load(ZONES)
    [code] = await buy(kasse, 3, 1, kasse.local(day, "10:00"))
    kasse.clock.set(at(kasse, day, "10:00"))
    # A zone without a museum names no museum: the scan is as without a location.
    message_of(await check(kasse, code, "kiosk"))
    message_of(await admit(kasse, code, "Haupthaus"))
    assert [scan.location for scan in await scans(kasse)] == [None, "1"]


async def test_a_catalog_file_with_a_bad_entry_zone_is_refused(kasse: Kasse) -> None:
    for zone, problem in (
        ({"id": "a b", "name": "x"}, "entry_zones[0] (id a b).id"),
        ({"id": "z", "name": "x", "settings": {"colour": "red"}}, "unknown scanner settings"),
        ({"id": "z", "name": "x", "museum_id": 99}, "unknown museum 99"),
    ):
        with pytest.raises(Unprocessable) as refused:
            await kasse.load({"entry_zones": [zone]})
        assert any(problem in p for p in refused.value.errors or []), refused.value.errors
