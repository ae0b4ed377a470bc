"""GET /api/v4/seatings/:id.svg: the plan a shop draws and clicks, parsed as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest

from tests.events.support import BLOCKED_ROW, HALL, V4, event_date, seated_event, take_places

NS = {"svg": "http://www.w3.org/2000/svg"}


async def _plan(kasse, path: str = f"/seatings/{HALL}.svg", **params: Any) -> ET.Element:
    r = await kasse.client.get(f"{V4}{path}", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/svg+xml"
    assert "cache-control" not in r.headers
    return ET.fromstring(r.content)


def _seats(svg: ET.Element) -> dict[int, ET.Element]:
    seats = [e for e in svg.iter() if e.get("data-seat-id") is not None]
    by_id = {int(e.get("data-seat-id", "")): e for e in seats}
    assert len(by_id) == len(seats)
    return by_id


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


async def test_one_element_per_seat_drawn_where_the_file_places_it(kasse):
    svg = await _plan(kasse)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.findtext("svg:title", namespaces=NS) == "Lichthof"
    seats = _seats(svg)
    assert sorted(seats) == list(range(1001, 1049))
    a2 = seats[1002]
    assert a2.tag == "{http://www.w3.org/2000/svg}rect"
    assert (a2.get("id"), a2.get("data-category-id"), a2.get("data-row")) == ("seat-1002", "1", "A")
    assert a2.get("fill") == "#4a7bb7"
    assert a2.findtext("svg:title", namespaces=NS) == "Reihe A, Platz A2 (Parkett)"
    f8 = seats[1048]
    assert (f8.get("data-row"), f8.get("fill")) == ("F", "#b7864a")
    # A2 sits one seat width right of A1's column, F8 below the gap before the circle
    assert float(seats[1003].get("x", "")) - float(a2.get("x", "")) == 32
    assert float(f8.get("y", "")) - float(seats[1040].get("y", "")) == 32  # E8 -> F8
    assert float(seats[1033].get("y", "")) - float(seats[1025].get("y", "")) == 64  # D1 -> E1
    # the wheelchair place is a circle
    a1 = seats[1001]
    assert a1.tag == "{http://www.w3.org/2000/svg}circle"
    assert a1.get("data-type-id") == "1"
    width, height = float(svg.get("width", "")), float(svg.get("height", ""))
    for seat in seats.values():
        x = float(seat.get("x") or float(seat.get("cx", "")) - 13)
        y = float(seat.get("y") or float(seat.get("cy", "")) - 13)
        assert 0 <= x <= width - 26
        assert 0 <= y <= height - 26


async def test_row_labels(kasse):
    svg = await _plan(kasse)
    labels = [e for e in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert [label.text for label in labels] == list("ABCDEF")
    assert all("row-label" in _classes(label) for label in labels)


async def test_blocked_seats_are_marked(kasse):
    seats = _seats(await _plan(kasse))
    blocked = sorted(i for i, e in seats.items() if "blocked" in _classes(e))
    assert blocked == BLOCKED_ROW
    assert all(_classes(seats[i]) == {"seat"} for i in seats if i not in BLOCKED_ROW)
    assert (
        seats[1025].findtext("svg:title", namespaces=NS) == "Reihe D, Platz D1 (Parkett), gesperrt"
    )


async def test_taken_seats_of_a_date(kasse):
    await take_places(kasse, 301, seats=[1001], held_seats=[1010])
    await take_places(kasse, 302, seats=[1020])
    seats = _seats(await _plan(kasse, date_id=301, locale="en"))
    taken = sorted(i for i, e in seats.items() if "taken" in _classes(e))
    assert taken == [1001, 1010]
    assert seats[1010].findtext("svg:title", namespaces=NS) == "Row B, seat B2 (Parkett), taken"
    # without a date: no seat is taken
    assert not any("taken" in _classes(e) for e in _seats(await _plan(kasse)).values())


async def test_a_dates_own_blocked_seats(kasse):
    start = kasse.clock.now() + timedelta(days=3)
    concert = seated_event(90, event_date(901, start, blocked_seat_ids=[1004]))
    await kasse.load({"events": [concert]})
    seats = _seats(await _plan(kasse, date_id=901))
    assert sorted(i for i, e in seats.items() if "blocked" in _classes(e)) == [1004, *BLOCKED_ROW]
    seats = _seats(await _plan(kasse))
    assert "blocked" not in _classes(seats[1004])


async def test_texts_of_the_file_are_escaped(kasse):
    hall = {
        "id": 7,
        "title": '<Saal & "Bühne">',
        "categories": [{"id": 1, "title": "A<b>", "color_code": "#123456"}],
        "rows": [{"id": 1, "title": "</text><script>x</script>"}],
        "seats": [{"id": 7001, "row_id": 1, "category_id": 1, "title": "1&2", "x": 0, "y": 0}],
    }
    await kasse.load({"seatings": [hall]})
    svg = await _plan(kasse, "/seatings/7.svg")
    assert svg.findtext("svg:title", namespaces=NS) == '<Saal & "Bühne">'
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))
    (seat,) = _seats(svg).values()
    assert seat.get("data-row") == "</text><script>x</script>"
    assert seat.findtext("svg:title", namespaces=NS) == (
        "Reihe </text><script>x</script>, Platz 1&2 (A<b>)"
    )


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/seatings/99.svg", 404, "seating 99 not found"),
        ("/seatings/1.svg?date_id=999", 404, "date 999 not found"),
        ("/seatings/1.svg?date_id=101", 422, "date_id: date 101 is not held in seating 1"),
    ],
)
async def test_refusals(kasse, path, status, says):
    r = await kasse.client.get(f"{V4}{path}")
    assert r.status_code == status
    assert r.json() == {"error": says}
