"""The demo museum: realistic data that exercises every kind of ticket kasse sells.

Built in code rather than shipped as a file so that its dates always lie around today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kasse.catalog.demo_events import demo_events
from kasse.catalog.demo_parts import picture as _picture
from kasse.catalog.demo_parts import shop_texts as _shop_texts
from kasse.catalog.demo_parts import texts as _texts
from kasse.catalog.demo_tours import demo_tours

BERLIN_HOURS = {
    "tue": "10:00-18:00",
    "wed": "10:00-18:00",
    "thu": "10:00-20:00",
    "fri": "10:00-18:00",
    "sat": "10:00-18:00",
    "sun": "10:00-18:00",
}


def _museum_content(
    title: dict[str, str], text: dict[str, str], picture: dict[str, Any]
) -> dict[str, Any]:
    return {
        "cms_title": title,
        "cms_description": text,
        "shop_title": title,
        "shop_description": text,
        "picture_title": picture["title"],
        "picture_description": picture["description"],
        "picture_copyright_info": picture["copyright_info"],
    }


def _exhibition_content(
    title: dict[str, str], sub_title: dict[str, str], text: dict[str, str], picture: dict[str, Any]
) -> dict[str, Any]:
    return {
        **_museum_content(title, text, picture),
        "cms_sub_title": sub_title,
        "shop_sub_title": sub_title,
    }


TICKET_TEXTS = {
    1: _texts(
        "Einmal am Tag in die Sammlung, zu jeder Zeit.",
        "Entry to the collection once on the day, at any time.",
    ),
    2: _texts(
        "Für Schüler, Studierende und Schwerbehinderte, mit Nachweis am Eingang.",
        "For pupils, students and visitors with disabilities; show proof at the entrance.",
    ),
    3: _texts(
        "Einlass in die Sammlung im gewählten halbstündigen Zeitfenster.",
        "Entry to the collection in the half-hour slot you choose.",
    ),
    4: _texts(
        "Das Zeitfenster zum halben Preis, mit Nachweis am Eingang.",
        "The time slot at half price; show proof at the entrance.",
    ),
    5: _texts(
        "Die Sammlung und die Sonderausstellung „Gold der Anden“ im gewählten Zeitfenster.",
        "The collection and the special exhibition Gold of the Andes in the slot you choose.",
    ),
    6: _texts(
        "Museum und Panorama an einem Tag, jedes Haus mit eigenem Zeitfenster.",
        "The museum and the Panorama on one day, each house with its own slot.",
    ),
    61: _texts("Einlass ins Museum zur gewählten Zeit.", "Entry to the museum at the chosen time."),
    62: _texts(
        "Einlass ins Panorama zur gewählten Zeit.", "Entry to the Panorama at the chosen time."
    ),
    7: _texts(
        "Ein Besuch an einem Tag Ihrer Wahl innerhalb eines Jahres.",
        "One visit on a day of your choice within a year.",
    ),
    8: _texts(
        "Ein Jahr freier Eintritt in beide Häuser, so oft Sie möchten.",
        "A year of free entry to both houses, as often as you like.",
    ),
    9: _texts(
        "Eine Stunde durch die Sonderausstellung mit der Kuratorin.",
        "An hour through the special exhibition with the curator.",
    ),
    10: _texts(
        "Für Reisegruppen ab zehn Personen, nur über Reiseveranstalter.",
        "For groups of ten or more, through tour operators only.",
    ),
    11: _texts(
        "Einlass ins Panorama im gewählten Zeitfenster.",
        "Entry to the Panorama in the slot you choose.",
    ),
}


def _described(ticket: dict[str, Any]) -> dict[str, Any]:
    """A ticket (and its sub tickets) with its description and the shop's content block."""
    text = TICKET_TEXTS[ticket["id"]]
    sub_title = ticket.get("sub_title", _texts("", ""))
    described = {
        **ticket,
        "description": text,
        "content": _shop_texts(ticket["title"], sub_title, text),
    }
    if "sub_tickets" in ticket:
        described["sub_tickets"] = [_described(sub) for sub in ticket["sub_tickets"]]
    return described


MUSEUM_PICTURE = _picture("museum-1", "Säulenhalle", "Colonnade")
PANORAMA_PICTURE = _picture("panorama", "Das Rundbild", "The panorama")
GOLD_PICTURE = _picture("gold", "Goldmaske", "Gold mask")
PERGAMON_PICTURE = _picture("pergamon", "Der Altar im Rundbild", "The altar in the panorama")


def _museums(christmas_eve: date) -> list[dict[str, Any]]:
    museum_text = _texts(
        "Fünftausend Jahre Kunst auf der Museumsinsel.",
        "Five thousand years of art on Museum Island.",
    )
    panorama_text = _texts(
        "Ein Rundbild der antiken Metropole.", "A panoramic view of the ancient city."
    )
    museum_title = _texts("Museum für Kunst und Geschichte", "Museum of Art and History")
    panorama_title = _texts("Das Panorama", "The Panorama")
    return [
        {
            "id": 1,
            "title": museum_title,
            "sub_title": _texts("Die Sammlung", "The collection"),
            "description": museum_text,
            "content": _museum_content(museum_title, museum_text, MUSEUM_PICTURE),
            "picture": MUSEUM_PICTURE,
            "location": {
                "name": "Museum für Kunst und Geschichte",
                "street": "Bodestraße",
                "zip": "10178",
                "city": "Berlin",
                "country": "Deutschland",
                "latitude": 52.5211,
                "longitude": 13.3969,
            },
            "opening_hours": BERLIN_HOURS,
            "closed_on": [christmas_eve.isoformat()],
        },
        {
            "id": 2,
            "title": panorama_title,
            "sub_title": _texts("Die antike Stadt in 360°", "The ancient city in 360°"),
            "description": panorama_text,
            "content": _museum_content(panorama_title, panorama_text, PANORAMA_PICTURE),
            "picture": PANORAMA_PICTURE,
            "location": {
                "name": "Das Panorama",
                "street": "Am Kupfergraben",
                "zip": "10117",
                "city": "Berlin",
                "country": "Deutschland",
                "latitude": 52.5216,
                "longitude": 13.3955,
            },
            "opening_hours": BERLIN_HOURS,
            "closed_on": [christmas_eve.isoformat()],
        },
    ]


def _exhibitions(today: date) -> list[dict[str, Any]]:
    gold_title = _texts("Gold der Anden", "Gold of the Andes")
    gold_sub_title = _texts("Sonderausstellung", "Special exhibition")
    gold_text = _texts(
        "Schmuck und Masken aus drei Jahrtausenden südamerikanischer Goldschmiedekunst.",
        "Jewellery and masks from three thousand years of South American goldsmithing.",
    )
    pergamon_title = _texts("Pergamon 360°", "Pergamon 360°")
    pergamon_sub_title = _texts("Dauerausstellung", "Permanent exhibition")
    pergamon_text = _texts(
        "Die antike Stadt Pergamon im Jahr 129 nach Christus, rundum gemalt.",
        "The ancient city of Pergamon in the year 129 AD, painted all around.",
    )
    return [
        {
            "id": 1,
            "museum_id": 1,
            "title": gold_title,
            "sub_title": gold_sub_title,
            "slider_description": _texts("Nur bis zum Herbst", "Until the autumn only"),
            "description": gold_text,
            "content": _exhibition_content(gold_title, gold_sub_title, gold_text, GOLD_PICTURE),
            "picture": GOLD_PICTURE,
            "featured": True,
            "start_date": (today - timedelta(days=30)).isoformat(),
            "end_date": (today + timedelta(days=180)).isoformat(),
            # in the museum's east wing, which has its own entrance
            "location": {
                "name": "Museum für Kunst und Geschichte, Ostflügel",
                "street": "Am Lustgarten",
                "zip": "10178",
                "city": "Berlin",
                "country": "Deutschland",
                "latitude": 52.5199,
                "longitude": 13.3985,
            },
        },
        {
            "id": 2,
            "museum_id": 2,
            "title": pergamon_title,
            "sub_title": pergamon_sub_title,
            "slider_description": _texts("Die Stadt von oben", "The city from above"),
            "description": pergamon_text,
            "content": _exhibition_content(
                pergamon_title, pergamon_sub_title, pergamon_text, PERGAMON_PICTURE
            ),
            "picture": PERGAMON_PICTURE,
            "featured": False,
        },
    ]


def demo_catalog(today: date) -> dict[str, Any]:
    """Two museums (closed on Mondays and on Christmas Eve), six quotas, every kind of ticket,
    three coupons, three events (``demo_events.py``) and two tours (``demo_tours.py``). Every field the API serves has data, pictures and content blocks included."""
    christmas_eve = date(today.year, 12, 24)
    return {
        "museums": _museums(christmas_eve),
        "exhibitions": _exhibitions(today),
        "quotas": [
            {"id": 1, "title": "Sammlung Zeitfenster", "capacity": 50},
            {"id": 2, "title": "Sonderausstellung", "capacity": 30},
            {"id": 3, "title": "Tageskarten", "capacity": 500},
            {"id": 4, "title": "Panorama Zeitfenster", "capacity": 40},
            {"id": 5, "title": "Kombiticket", "capacity": 100},
            {"id": 6, "title": "Kuratorenführung", "capacity": 20},
        ],
        "tickets": [_described(ticket) for ticket in _tickets(today)],
        "coupons": _COUPONS,
        **demo_events(today),
        **demo_tours(),
    }


def _tickets(today: date) -> list[dict[str, Any]]:
    return [
        {
            "id": 1,
            "title": _texts("Tageskarte regulär", "Day ticket regular"),
            "ticket_type": "normal",
            "price_cents": 1200,
            "vat_pct": 7.0,
            "museum_ids": [1],
            "quota_ids": [3],
            "max_persons": 20,
            "after_sale_information": _texts(
                "Bitte halten Sie Ihr Ticket am Eingang bereit.",
                "Please have your ticket ready at the entrance.",
            ),
        },
        {
            "id": 2,
            "title": _texts("Tageskarte ermäßigt", "Day ticket reduced"),
            "ticket_type": "normal",
            "price_cents": 1200,
            "discount": 50,
            "vat_pct": 7.0,
            "museum_ids": [1],
            "quota_ids": [3],
            "identification": "required",
        },
        {
            "id": 3,
            "title": _texts("Zeitfenster regulär", "Time slot regular"),
            "ticket_type": "time_slot",
            "entry_duration": 30,
            "first_entry": "10:00",
            "last_entry": "17:00",
            "price_cents": 1400,
            "vat_pct": 7.0,
            "museum_ids": [1],
            "quota_ids": [1],
        },
        {
            "id": 4,
            "title": _texts("Zeitfenster ermäßigt", "Time slot reduced"),
            "ticket_type": "time_slot",
            "entry_duration": 30,
            "first_entry": "10:00",
            "last_entry": "17:00",
            "price_cents": 1400,
            "discount": 50,
            "vat_pct": 7.0,
            "museum_ids": [1],
            "quota_ids": [1],
        },
        {
            "id": 5,
            "title": _texts("Sammlung + Sonderausstellung", "Collection + special exhibition"),
            "sub_title": _texts("Mit „Gold der Anden“", "With Gold of the Andes"),
            "ticket_type": "time_slot",
            "entry_duration": 30,
            "first_entry": "10:00",
            "last_entry": "17:00",
            "price_cents": 1800,
            "vat_pct": 7.0,
            "museum_ids": [1],
            "exhibition_ids": [1],
            "quota_ids": [1, 2],
        },
        {
            "id": 6,
            "title": _texts("Museum + Das Panorama regulär", "Museum + The Panorama regular"),
            "ticket_type": "time_slot",
            "entry_duration": 30,
            "first_entry": "10:00",
            "last_entry": "16:00",
            "price_cents": 1900,
            "vat_pct": 7.0,
            "museum_ids": [1, 2],
            "exhibition_ids": [2],
            "quota_ids": [5],
            "sub_ticket_min_gap": 90,
            "sub_tickets": [
                {
                    "id": 61,
                    "title": _texts("Subticket Museum", "Sub ticket museum"),
                    "ticket_type": "time_slot",
                    "entry_duration": 30,
                    "first_entry": "10:00",
                    "last_entry": "17:00",
                    "museum_ids": [1],
                    "quota_ids": [1],
                },
                {
                    "id": 62,
                    "title": _texts("Subticket Das Panorama", "Sub ticket The Panorama"),
                    "ticket_type": "time_slot",
                    "entry_duration": 30,
                    "first_entry": "10:00",
                    "last_entry": "17:00",
                    "museum_ids": [2],
                    "quota_ids": [4],
                },
            ],
        },
        {
            "id": 7,
            "title": _texts("Flexticket", "Flex ticket"),
            "sub_title": _texts("Ohne festes Datum", "No fixed date"),
            "ticket_type": "normal",
            "free_timing": True,
            "price_cents": 1500,
            "vat_pct": 7.0,
            "museum_ids": [1, 2],
            "valid_from": today.isoformat(),
            "valid_to": (today + timedelta(days=365)).isoformat(),
        },
        {
            "id": 8,
            "title": _texts("Jahreskarte", "Annual pass"),
            "ticket_type": "annual",
            "price_cents": 4500,
            "vat_pct": 7.0,
            "museum_ids": [1, 2],
            "personalizeable": True,
            "max_persons": 5,
        },
        {
            "id": 9,
            "title": _texts("Kuratorenführung", "Curator's tour"),
            "sub_title": _texts("Mit Namensliste", "Names of all visitors required"),
            "ticket_type": "time_slot",
            "entry_duration": 60,
            "first_entry": "11:00",
            "last_entry": "16:00",
            "price_cents": 2400,
            "vat_pct": 19.0,
            "museum_ids": [1],
            "exhibition_ids": [1],
            "quota_ids": [6],
            "attendees": "required",
            "max_persons": 5,
        },
        {
            "id": 10,
            "title": _texts("Reiseveranstalter-Tageskarte", "Tour operator day ticket"),
            "ticket_type": "normal",
            "price_cents": 1000,
            "vat_pct": 7.0,
            "museum_ids": [1],
            "quota_ids": [3],
            "bookable": False,
            "bookable_reseller": True,
            "min_persons": 10,
            "max_persons": 50,
        },
        {
            "id": 11,
            "title": _texts("Das Panorama Zeitfenster", "The Panorama time slot"),
            "ticket_type": "time_slot",
            "entry_duration": 30,
            "first_entry": "10:00",
            "last_entry": "17:00",
            "price_cents": 1000,
            "vat_pct": 7.0,
            "museum_ids": [2],
            "exhibition_ids": [2],
            "quota_ids": [4],
        },
    ]


_COUPONS: list[dict[str, Any]] = [
    {
        "id": 1,
        "title": _texts("Gutschein 25 €", "Gift voucher 25 €"),
        "description": _texts(
            "Einlösbar für alle Tickets beider Häuser.",
            "Redeemable for every ticket of both houses.",
        ),
        "museum_ids": [1, 2],
        "price_cents": 2500,
        "value_cents": 2500,
    },
    {
        "id": 2,
        "title": _texts("Gutschein 50 € zum Sonderpreis", "Gift voucher 50 € on offer"),
        "description": _texts("50 € Guthaben für 45 €.", "A value of 50 € for the price of 45 €."),
        "museum_ids": [1, 2],
        "price_cents": 4500,
        "value_cents": 5000,
        "max_quantity": 5,
    },
    {
        "id": 3,
        "title": _texts("Panorama-Gutschein 20 €", "Panorama voucher 20 €"),
        "description": _texts("Nur an der Kasse erhältlich.", "Sold at the desk only."),
        "museum_ids": [2],
        "price_cents": 2000,
        "value_cents": 2000,
        "bookable_reseller": False,
    },
]
