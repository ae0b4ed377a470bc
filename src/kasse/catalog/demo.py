"""The demo museum: realistic data that exercises every kind of ticket kasse sells.

Built in code rather than shipped as a file so that its dates always lie around today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

BERLIN_HOURS = {
    "tue": "10:00-18:00",
    "wed": "10:00-18:00",
    "thu": "10:00-20:00",
    "fri": "10:00-18:00",
    "sat": "10:00-18:00",
    "sun": "10:00-18:00",
}


def _texts(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


def demo_catalog(today: date) -> dict[str, Any]:
    """Two museums (closed on Mondays and on Christmas Eve), six quotas, every kind of ticket and
    three coupons."""
    christmas_eve = date(today.year, 12, 24)
    return {
        "museums": [
            {
                "id": 1,
                "title": _texts("Museum für Kunst und Geschichte", "Museum of Art and History"),
                "sub_title": _texts("Die Sammlung", "The collection"),
                "description": _texts(
                    "Fünftausend Jahre Kunst auf der Museumsinsel.",
                    "Five thousand years of art on Museum Island.",
                ),
                "picture": {"url": "/static/museum-1.jpg", "title": "Säulenhalle"},
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
                "title": _texts("Das Panorama", "The Panorama"),
                "sub_title": _texts("Die antike Stadt in 360°", "The ancient city in 360°"),
                "description": _texts(
                    "Ein Rundbild der antiken Metropole.", "A panoramic view of the ancient city."
                ),
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
        ],
        "exhibitions": [
            {
                "id": 1,
                "museum_id": 1,
                "title": _texts("Gold der Anden", "Gold of the Andes"),
                "sub_title": _texts("Sonderausstellung", "Special exhibition"),
                "featured": True,
                "start_date": (today - timedelta(days=30)).isoformat(),
                "end_date": (today + timedelta(days=180)).isoformat(),
            },
            {
                "id": 2,
                "museum_id": 2,
                "title": _texts("Pergamon 360°", "Pergamon 360°"),
                "sub_title": _texts("Dauerausstellung", "Permanent exhibition"),
                "featured": False,
            },
        ],
        "quotas": [
            {"id": 1, "title": "Sammlung Zeitfenster", "capacity": 50},
            {"id": 2, "title": "Sonderausstellung", "capacity": 30},
            {"id": 3, "title": "Tageskarten", "capacity": 500},
            {"id": 4, "title": "Panorama Zeitfenster", "capacity": 40},
            {"id": 5, "title": "Kombiticket", "capacity": 100},
            {"id": 6, "title": "Kuratorenführung", "capacity": 20},
        ],
        "tickets": [
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
        ],
        "coupons": [
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
                "description": _texts(
                    "50 € Guthaben für 45 €.", "A value of 50 € for the price of 45 €."
                ),
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
        ],
    }
