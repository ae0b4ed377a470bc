"""The demo museum's guided tours: a public tour with a price per person, and a school tour with a
group price and a Sunday surcharge; three guides with their languages and days, and audio guides
to lend."""

from __future__ import annotations

from typing import Any

from kasse.catalog.demo_events import EVENT_TAGS
from kasse.catalog.demo_parts import picture
from kasse.catalog.demo_parts import texts as _texts

TOUR_TAGS: dict[str, list[dict[str, Any]]] = {
    **EVENT_TAGS,
    "categories": [
        {"id": 1, "name": _texts("Öffentliche Führung", "Public tour")},
        {"id": 2, "name": _texts("Gruppenführung", "Group tour")},
    ],
}

GUIDES: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "Anna Becker",
        "language_ids": [1, 2],
        "hours": {d: "10:00-18:00" for d in ("tue", "wed", "thu", "fri", "sat")},
    },
    {
        "id": 2,
        "name": "Jonas Weber",
        "language_ids": [1],
        "hours": {d: "10:00-18:00" for d in ("wed", "thu", "fri", "sat", "sun")},
    },
    {
        "id": 3,
        "name": "Claire Martin",
        "language_ids": [2],
        "hours": {"sat": "10:00-16:00", "sun": "10:00-16:00"},
    },
]

EQUIPMENT: list[dict[str, Any]] = [
    {
        "id": 1,
        "museum_id": 1,
        "title": _texts("Audioguide", "Audio guide"),
        "description": _texts("Mit Kopfhörer", "With headphones"),
        "stock": 20,
    }
]


def demo_tours() -> dict[str, Any]:
    """The tours sections of the demo catalog file."""
    return {
        "tour_tags": TOUR_TAGS,
        "guides": GUIDES,
        "equipment": EQUIPMENT,
        "tours": [
            {
                "id": 1,
                "museum_id": 1,
                "exhibition_id": 1,
                "title": _texts(
                    "Gold der Anden | Öffentliche Führung", "Gold of the Andes | Public tour"
                ),
                "sub_title": _texts("60 Minuten, 5 EUR pro Person", "60 minutes, 5 EUR a person"),
                "description": _texts(
                    "Eine Kuratorin führt durch die Sonderausstellung.",
                    "A curator guides you through the special exhibition.",
                ),
                "featured": True,
                "picture": picture("tour", "Führung im Goldsaal", "A tour in the gold room"),
                "category_id": 1,
                "audience_ids": [2],
                "language_ids": [1, 2],
                "duration": 60,
                "max_participants": 25,
                "start_times": {"first": "11:00", "last": "16:00", "every": 60},
                "prices": [
                    {
                        "title": _texts("Teilnahme", "Participation"),
                        "group": False,
                        "price_cents": 500,
                    }
                ],
                "equipment_ids": [1],
            },
            {
                "id": 2,
                "museum_id": 1,
                "title": _texts("Schulklassen-Führung", "Tour for school classes"),
                "sub_title": _texts("90 Minuten, bis 30 Personen", "90 minutes, up to 30 people"),
                "description": _texts(
                    "Für Klassen aller Stufen, auf Wunsch mit Audioguides für alle.",
                    "For classes of every year, with audio guides for everyone if you wish.",
                ),
                "picture": picture("school_tour", "Eine Klasse im Museum", "A class in the museum"),
                "category_id": 2,
                "age_group_ids": [1, 2],
                "proposal_category_ids": [1],
                "grade_ids": [1, 2, 3],
                "language_ids": [1, 2],
                "duration": 90,
                "min_participants": 5,
                "max_participants": 30,
                "start_times": {"first": "10:00", "last": "15:30", "every": 30},
                "lead_days": 2,
                "vat_pct": 0.0,
                "prices": [
                    {
                        "title": _texts("Entgelt", "Fee"),
                        "description": _texts("Gruppenpreis", "Group price"),
                        "group": True,
                        "price_cents": 9000,
                    }
                ],
                "surcharges": [
                    {
                        "id": 1,
                        "title": _texts("Zuschlag", "Surcharge"),
                        "description": _texts("für Sonntage", "for Sundays"),
                        "group": True,
                        "price_cents": 3000,
                        "weekdays": ["sun"],
                    },
                    {
                        "id": 2,
                        "title": _texts("Fremdsprachenzuschlag", "Foreign language surcharge"),
                        "description": _texts("für Führungen auf Englisch", "for tours in English"),
                        "group": True,
                        "price_cents": 2000,
                        "language_ids": [2],
                    },
                ],
                "equipment_ids": [1],
            },
        ],
    }
