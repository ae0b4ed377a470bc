"""The demo museum's events: a lecture with one price, a family workshop with scale prices and a
group price, and a concert in the hall with a seating plan (two seat categories, a blocked row),
all three to the exhibition "Gold der Anden".

Dates fall on the museum's open days over the coming weeks (it is closed on Mondays and on
Christmas Eve), in Berlin time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kasse.catalog.demo_parts import picture, shop_texts, texts

BERLIN = ZoneInfo("Europe/Berlin")
HALL_ID = 1
SEATS_PER_ROW = 8
# rows A-D in the stalls (category 1), E-F in the circle (category 2); row D is blocked (a
# camera platform stands there)
HALL_ROWS = (("A", 1), ("B", 1), ("C", 1), ("D", 1), ("E", 2), ("F", 2))
BLOCKED_ROW = "D"


def _tag_list(*names: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"id": i, "name": texts(de, en)} for i, (de, en) in enumerate(names, start=1)]


EVENT_TAGS: dict[str, list[dict[str, Any]]] = {
    "categories": _tag_list(
        ("Vortrag", "Lecture"),
        ("Kurs / Workshop", "Course / workshop"),
        ("Konzert", "Concert"),
        ("Öffentliche Führung", "Public tour"),
    ),
    "languages": _tag_list(("Deutsch", "German"), ("Englisch", "English")),
    "age_groups": _tag_list(
        ("Kinder bis 10 Jahre", "Children up to 10"),
        ("Kinder ab 10 Jahre", "Children from 10"),
        ("Erwachsene", "Adults"),
    ),
    "audiences": _tag_list(
        ("Jugendliche", "Young people"), ("Erwachsene", "Adults"), ("Familien", "Families")
    ),
    "catch_words": _tag_list(("Ägypten", "Egypt"), ("Mythologie", "Mythology"), ("Gold", "Gold")),
    "proposal_categories": _tag_list(
        ("Schulklasse", "School class"), ("Gruppe ohne Guide", "Group without a guide")
    ),
    "grades": _tag_list(
        ("Grundschule Klasse 1", "Primary school year 1"),
        ("Grundschule Klasse 2", "Primary school year 2"),
        ("Sekundarstufe II", "Upper secondary"),
    ),
    "disablements": _tag_list(("Rollstuhlgerecht", "Wheelchair accessible")),
}


def _hall() -> dict[str, Any]:
    seats = []
    blocked = []
    for row_number, (row, category) in enumerate(HALL_ROWS, start=1):
        # a gap between the stalls and the circle
        y = row_number - 1 + (1 if category == 2 else 0)
        for number in range(1, SEATS_PER_ROW + 1):
            seat_id = 1000 + (row_number - 1) * SEATS_PER_ROW + number
            seats.append(
                {
                    "id": seat_id,
                    "row_id": row_number,
                    "category_id": category,
                    # the outer seat of the front row takes a wheelchair
                    "type_id": 1 if (row == "A" and number == 1) else None,
                    "title": f"{row}{number}",
                    "x": number - 1,
                    "y": y,
                }
            )
            if row == BLOCKED_ROW:
                blocked.append(seat_id)
    return {
        "id": HALL_ID,
        "title": texts("Lichthof", "Atrium hall"),
        "categories": [
            {"id": 1, "title": "Parkett", "description": "Stalls", "color_code": "#4a7bb7"},
            {"id": 2, "title": "Rang", "description": "Circle", "color_code": "#b7864a"},
        ],
        "rows": [{"id": i, "title": row} for i, (row, _) in enumerate(HALL_ROWS, start=1)],
        "types": [{"id": 1, "title": "Rollstuhlplatz"}],
        "seats": seats,
        "blocked_seats": blocked,
    }


def _weekdays(today: date, weekday: int, count: int) -> list[date]:
    """The next ``count`` days with this weekday after today, Christmas Eve left out."""
    first = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    days = [first + timedelta(weeks=w) for w in range(count + 1)]
    return [d for d in days if (d.month, d.day) != (12, 24)][:count]


def _start(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), BERLIN).isoformat()


def _lecture(today: date) -> dict[str, Any]:
    thursdays = _weekdays(today, 3, 6)
    return {
        "id": 1,
        "museum_id": 1,
        "exhibition_id": 1,
        "title": texts("Das Gold der Inka", "The Gold of the Incas"),
        "sub_title": texts("Abendvortrag, 60 Minuten", "Evening lecture, 60 minutes"),
        "description": texts(
            "Eine Kuratorin erzählt, wie die Goldschmiede der Anden arbeiteten.",
            "A curator tells how the goldsmiths of the Andes worked.",
        ),
        "featured": True,
        "picture": picture("lecture", "Goldene Maske der Sicán", "Golden mask of the Sicán"),
        "content": shop_texts(
            texts("Das Gold der Inka", "The Gold of the Incas"),
            texts("Abendvortrag", "Evening lecture"),
            texts("Ein Abend über die Goldschmiede der Anden.", "An evening on Andean goldsmiths."),
        ),
        "category_id": 1,
        "audience_ids": [2],
        "catch_word_ids": [3],
        "disablement_ids": [1],
        "duration": 60,
        "language_id": 1,
        "max_seats": 60,
        "max_per_registration": 10,
        "prices": [{"price_cents": 800}],
        "dates": [
            {
                "id": 100 + n,
                "start": _start(day, 18, 30),
                # the last lecture of the series is held in English
                **({"language_id": 2} if n == len(thursdays) else {}),
            }
            for n, day in enumerate(thursdays, start=1)
        ],
    }


def _workshop(today: date) -> dict[str, Any]:
    return {
        "id": 2,
        "museum_id": 1,
        "exhibition_id": 1,
        "title": texts("Goldschmiede-Werkstatt", "Goldsmith's workshop"),
        "sub_title": texts("Für Familien, 2 Stunden", "For families, 2 hours"),
        "description": texts(
            "Kinder und Eltern treiben ihr eigenes Amulett aus Messingblech.",
            "Children and parents beat their own amulet from brass sheet.",
        ),
        "picture": picture("workshop", "Kinder an der Werkbank", "Children at the workbench"),
        "content": shop_texts(
            texts("Goldschmiede-Werkstatt", "Goldsmith's workshop"),
            texts("Für Familien", "For families"),
            texts("Ein eigenes Amulett treiben.", "Beat an amulet of your own."),
        ),
        "category_id": 2,
        "age_group_ids": [2, 3],
        "audience_ids": [3],
        "proposal_category_ids": [1],
        "grade_ids": [3],
        "duration": 120,
        "language_id": 1,
        "max_seats": 12,
        "max_per_registration": 6,
        "vat_pct": 19.0,
        "scale_prices": [
            {"id": 11, "title": texts("Regulär", "Regular"), "price_cents": 2500},
            {
                "id": 12,
                "title": texts("Ermäßigt", "Reduced"),
                "description": texts("Kinder bis 14 Jahre", "Children up to 14"),
                "price_cents": 1500,
            },
            {
                "id": 13,
                "title": texts("Gruppenpreis", "Group price"),
                "description": texts("Für die ganze Gruppe", "For the whole group"),
                "group": True,
                "price_cents": 12000,
            },
        ],
        "dates": [
            {"id": 200 + n, "start": _start(day, 11)}
            for n, day in enumerate(_weekdays(today, 5, 6), start=1)
        ],
    }


def _concert(today: date) -> dict[str, Any]:
    return {
        "id": 3,
        "museum_id": 1,
        # music of the Andes' baroque missions, to the exhibition "Gold der Anden"
        "exhibition_id": 1,
        "title": texts("Barockmusik der Anden", "Baroque music of the Andes"),
        "sub_title": texts("Kammerkonzert im Lichthof", "Chamber concert in the atrium"),
        "description": texts(
            "Musik aus den Jesuitenmissionen Südamerikas, gespielt auf historischen Instrumenten.",
            "Music from the Jesuit missions of South America, played on period instruments.",
        ),
        "picture": picture("concert", "Der Lichthof", "The atrium hall"),
        "content": shop_texts(
            texts("Barockmusik der Anden", "Baroque music of the Andes"),
            texts("Kammerkonzert", "Chamber concert"),
            texts(
                "Zipoli und Araujo auf historischen Instrumenten.",
                "Zipoli and Araujo on period instruments.",
            ),
        ),
        "category_id": 3,
        "audience_ids": [2],
        "disablement_ids": [1],
        "duration": 90,
        "language_id": 1,
        "seating_id": HALL_ID,
        "max_per_registration": 8,
        "scale_prices": [
            {
                "id": 21,
                "seat_category_id": 1,
                "title": texts("Parkett", "Stalls"),
                "price_cents": 3500,
            },
            {
                "id": 22,
                "seat_category_id": 1,
                "title": texts("Parkett ermäßigt", "Stalls, reduced"),
                "price_cents": 2500,
            },
            {
                "id": 23,
                "seat_category_id": 2,
                "title": texts("Rang", "Circle"),
                "price_cents": 2500,
            },
            {
                "id": 24,
                "seat_category_id": 2,
                "title": texts("Rang ermäßigt", "Circle, reduced"),
                "price_cents": 1800,
            },
        ],
        "dates": [
            {"id": 300 + n, "start": _start(day, 17)}
            for n, day in enumerate(_weekdays(today, 6, 4), start=1)
        ],
    }


def demo_events(today: date) -> dict[str, Any]:
    """The events sections of the demo catalog file."""
    return {
        "event_tags": EVENT_TAGS,
        "seatings": [_hall()],
        "events": [_lecture(today), _workshop(today), _concert(today)],
    }
