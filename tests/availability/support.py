"""What the availability tests share: a tiny museum, slot lists, buying as a reseller."""

from __future__ import annotations

from datetime import date
from typing import Any

WEEK = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

# A museum open every day with two tiny quotas: a day ticket (500) and two hourly slots (501).
TINY = {
    "museums": [
        {
            "id": 50,
            "title": "Kleines Haus",
            "opening_hours": dict.fromkeys(WEEK, "09:00-17:00"),
        }
    ],
    "quotas": [
        {"id": 50, "title": "winzig", "capacity": 3},
        {"id": 51, "title": "winzig Zeitfenster", "capacity": 2},
    ],
    "tickets": [
        {
            "id": 500,
            "title": "Tageskarte klein",
            "ticket_type": "normal",
            "price_cents": 500,
            "museum_ids": [50],
            "quota_ids": [50],
        },
        {
            "id": 501,
            "title": "Zeitfenster klein",
            "ticket_type": "time_slot",
            "entry_duration": 60,
            "first_entry": "09:00",
            "last_entry": "10:00",
            "price_cents": 300,
            "museum_ids": [50],
            "quota_ids": [51],
        },
    ],
}

PRICES = {1: 1200, 2: 600, 3: 1400, 4: 700, 5: 1800, 6: 1900, 7: 1500, 9: 2400, 10: 1000, 11: 1000}


def slots(kasse: Any, day: date, first: str, last: str, step: int = 30) -> list[str]:
    h, m = (int(p) for p in first.split(":"))
    end = tuple(int(p) for p in last.split(":"))
    out = []
    while (h, m) <= end:
        out.append(kasse.local(day, f"{h:02d}:{m:02d}"))
        m += step
        h, m = h + m // 60, m % 60
    return out


async def buy(kasse: Any, *items: tuple[int, int, str | None], who: str = "reseller") -> Any:
    """One order of ``(ticket_id, quantity, time)`` items; returns the order."""
    body = {
        "items": [
            {"type": "Ticket", "attributes": {"id": t, "quantity": q, "time": when}}
            for t, q, when in items
        ],
        "total": sum(PRICES[t] * q for t, q, _ in items),
    }
    r = await kasse.client.post("/api/v4/orders", json=body, headers=kasse.auth(who))
    assert r.status_code == 200, r.text
    return r.json()["order"]
