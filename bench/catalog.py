"""The benchmark catalog and the request data derived from it.

One museum, open every day around the clock (so that "today" is always an open day, whenever the
benchmark runs), with:

- ``SLOT_TICKETS`` time-slot tickets, each with its own quota of ``SLOT_CAPACITY`` places per slot,
  24 half-hour slots a day (08:00-19:30): order creation "spread over many slots" picks among
  tickets x days x slots (over 100 000 slots), so that buyers rarely meet on one row;
- a hot ticket whose quota's capacity the runner sets right before each hot-slot run (calibrated
  from the measured rate, so that about twice as many buyers arrive as there are places), and a
  calibration twin with a capacity that never runs out;
- a day ticket for entry (barcodes valid today) and a day ticket for the PDF scenarios.

Slot times are rendered with the instance's UTC offset, the way the API itself writes them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

MUSEUM_ID = 1
EXHIBITION_ID = 1
SLOT_TICKETS = 100
FIRST_SLOT_TICKET = 1001  # ticket ids 1001..1100, each with the quota of the same id
SLOT_CAPACITY = 100
SLOT_PRICE_CENTS = 1200
SLOT_MINUTES = 30
FIRST_SLOT = time(8, 0)
SLOTS_PER_DAY = 24  # 08:00 .. 19:30
SPREAD_DAYS = 60  # order creation spreads over tomorrow .. tomorrow + 59

HOT_TICKET = 2001  # its quota (same id) gets the capacity the runner computes per run
HOT_CAL_TICKET = 2002  # calibration twin: same shape, capacity that never runs out
HOT_PRICE_CENTS = 1500
HOT_SLOT_MINUTES = 60

ENTRY_TICKET = 3001  # a day ticket bought for today; its barcodes are scanned in
PDF_TICKET = 3002  # a day ticket whose orders' PDFs are rendered
DAY_PRICE_CENTS = 800
HUGE_CAPACITY = 1_000_000


def slot_ticket_ids() -> list[int]:
    return list(range(FIRST_SLOT_TICKET, FIRST_SLOT_TICKET + SLOT_TICKETS))


def _ticket_text(ticket_id: int) -> dict[str, str]:
    return {
        "de": f"Zeitfenster-Ticket {ticket_id} Sonderausstellung",
        "en": f"Time-slot ticket {ticket_id} special exhibition",
    }


def _slot_ticket(ticket_id: int, price: int, minutes: int, last: str) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "title": _ticket_text(ticket_id),
        "sub_title": {"de": "Mit Audioguide", "en": "With audio guide"},
        "description": {
            "de": "Einlass im gebuchten Zeitfenster. " * 4,
            "en": "Entry in the booked time slot. " * 4,
        },
        "after_sale_information": {
            "de": "Bitte halten Sie das Ticket am Einlass bereit.",
            "en": "Please have your ticket ready at the entrance.",
        },
        "ticket_type": "time_slot",
        "entry_duration": minutes,
        "first_entry": FIRST_SLOT.strftime("%H:%M"),
        "last_entry": last,
        "price_cents": price,
        "vat_pct": 7.0,
        "museum_ids": [MUSEUM_ID],
        "exhibition_ids": [EXHIBITION_ID],
        "quota_ids": [ticket_id],
        "max_persons": 10,
    }


def _day_ticket(ticket_id: int, title: str, max_persons: int) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "title": {"de": title, "en": title},
        "after_sale_information": {
            "de": "Gültig am gebuchten Tag. Kein Umtausch, keine Erstattung.",
            "en": "Valid on the booked day. No exchange, no refund.",
        },
        "ticket_type": "normal",
        "price_cents": DAY_PRICE_CENTS,
        "vat_pct": 7.0,
        "museum_ids": [MUSEUM_ID],
        "quota_ids": [ticket_id],
        "max_persons": max_persons,
    }


def benchmark_catalog(hot_capacity: int = 100) -> dict[str, Any]:
    """The catalog file (``kasse load`` format) every phase starts from."""
    last_slot = (
        datetime.combine(date.min, FIRST_SLOT)
        + timedelta(minutes=SLOT_MINUTES * (SLOTS_PER_DAY - 1))
    ).strftime("%H:%M")
    always_open = {day: "00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    quotas = [
        {"id": t, "title": f"Zeitfenster {t}", "capacity": SLOT_CAPACITY} for t in slot_ticket_ids()
    ]
    quotas += [
        {"id": HOT_TICKET, "title": "Heißer Slot", "capacity": hot_capacity},
        {"id": HOT_CAL_TICKET, "title": "Heißer Slot (Kalibrierung)", "capacity": HUGE_CAPACITY},
        {"id": ENTRY_TICKET, "title": "Tageskarten Einlass", "capacity": HUGE_CAPACITY},
        {"id": PDF_TICKET, "title": "Tageskarten PDF", "capacity": HUGE_CAPACITY},
    ]
    tickets = [
        _slot_ticket(t, SLOT_PRICE_CENTS, SLOT_MINUTES, last_slot) for t in slot_ticket_ids()
    ]
    tickets += [
        _slot_ticket(HOT_TICKET, HOT_PRICE_CENTS, HOT_SLOT_MINUTES, "19:00"),
        _slot_ticket(HOT_CAL_TICKET, HOT_PRICE_CENTS, HOT_SLOT_MINUTES, "19:00"),
        _day_ticket(ENTRY_TICKET, "Tageskarte Einlass", 1000),
        _day_ticket(PDF_TICKET, "Tageskarte Museum am Markt", 10),
    ]
    return {
        "museums": [
            {
                "id": MUSEUM_ID,
                "title": {"de": "Benchmark-Museum", "en": "Benchmark museum"},
                "location": {
                    "name": "Benchmark-Museum",
                    "street": "Am Markt 1",
                    "zip": "04109",
                    "city": "Leipzig",
                    "country": "Deutschland",
                },
                "opening_hours": always_open,
                "barcode_method": "ean",
            }
        ],
        "exhibitions": [
            {"id": EXHIBITION_ID, "museum_id": MUSEUM_ID, "title": "Sonderausstellung"}
        ],
        "quotas": quotas,
        "tickets": tickets,
    }


def hot_quota_file(capacity: int) -> dict[str, Any]:
    """A catalog file that only changes the hot quota's capacity (``kasse load`` upserts by id)."""
    return {"quotas": [{"id": HOT_TICKET, "title": "Heißer Slot", "capacity": capacity}]}


@dataclass(frozen=True)
class Clocked:
    """Renders local slot times the way the API does: ISO 8601 with the instance's offset."""

    tz: ZoneInfo

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def at(self, day: date, clock: time) -> str:
        return datetime.combine(day, clock, tzinfo=self.tz).isoformat()

    def slot(self, day: date, index: int, minutes: int = SLOT_MINUTES) -> str:
        start = datetime.combine(day, FIRST_SLOT) + timedelta(minutes=minutes * index)
        return start.replace(tzinfo=self.tz).isoformat()


def spread_slots(clock: Clocked, seed: int = 5) -> list[tuple[int, str]]:
    """Every (ticket, slot start) of the spread range, shuffled: request i takes slot i."""
    first = clock.today() + timedelta(days=1)
    slots = [
        (ticket_id, clock.slot(first + timedelta(days=d), s))
        for ticket_id in slot_ticket_ids()
        for d in range(SPREAD_DAYS)
        for s in range(SLOTS_PER_DAY)
    ]
    random.Random(seed).shuffle(slots)
    return slots


def availability_days(clock: Clocked, count: int = 30) -> list[date]:
    first = clock.today() + timedelta(days=1)
    return [first + timedelta(days=d) for d in range(count)]


def capacity_paths(clock: Clocked) -> list[str]:
    """One ticket's capacity on one day, cycling over tickets and days (a shop's slot picker)."""
    days = availability_days(clock)
    return [
        f"/api/v4/tickets/{t}/capacity?date={days[i % len(days)].isoformat()}"
        for i, t in enumerate(slot_ticket_ids() * 3)
    ]


def capacities_paths(clock: Clocked) -> list[str]:
    """Capacities of 5 tickets on one day."""
    days = availability_days(clock)
    ids = slot_ticket_ids()
    paths = []
    for i in range(len(ids)):
        group = [ids[(i + k) % len(ids)] for k in range(5)]
        query = "&".join(f"ticket_ids[]={t}" for t in group)
        paths.append(f"/api/v4/tickets/capacities?{query}&date={days[i % len(days)].isoformat()}")
    return paths


def calendar_paths(clock: Clocked) -> list[str]:
    """A 31-day calendar of one ticket (a shop's date picker)."""
    first = clock.today() + timedelta(days=1)
    last = first + timedelta(days=30)
    return [
        f"/api/v4/tickets/calendar?ticket_ids[]={t}&start_at={first.isoformat()}"
        f"&end_at={last.isoformat()}"
        for t in slot_ticket_ids()
    ]


def order_body(ticket_id: int, moment: str, quantity: int, price_cents: int) -> dict[str, Any]:
    return {
        "items": [
            {
                "type": "Ticket",
                "attributes": {"id": ticket_id, "quantity": quantity, "time": moment},
            }
        ],
        "total": price_cents * quantity,
    }


# -- events -----------------------------------------------------------------------------------------

LECTURE_EVENT = 4001  # places without a seating plan; dates 40001.. spread over the days
SEATED_EVENT = 4002  # a hall of HALL_SEATS seats; dates 42001..
FIRST_LECTURE_DATE, FIRST_SEATED_DATE = 40001, 42001
LECTURE_DATES_PER_DAY = 4
SEATED_DATES = SPREAD_DAYS
HALL_SEATS, SEATS_PER_ROW = 500, 25
FIRST_SEAT = 400001
EVENT_PRICE_CENTS, SEAT_PRICE_ID = 900, 4901
EVENT_PLACES = 100_000


def lecture_date_ids() -> list[int]:
    return list(range(FIRST_LECTURE_DATE, FIRST_LECTURE_DATE + SPREAD_DAYS * LECTURE_DATES_PER_DAY))


def seated_date_ids() -> list[int]:
    return list(range(FIRST_SEATED_DATE, FIRST_SEATED_DATE + SEATED_DATES))


def hall_seat_ids() -> list[int]:
    return list(range(FIRST_SEAT, FIRST_SEAT + HALL_SEATS))


def events_file(clock: Clocked) -> dict[str, Any]:
    """A lecture with four dates a day and a concert a day in a hall of 500 seats, over the spread
    range (a catalog file loaded after ``benchmark_catalog``)."""
    first = clock.today() + timedelta(days=1)
    lecture_dates = [
        {
            "id": date_id,
            "start": clock.at(
                first + timedelta(days=i // LECTURE_DATES_PER_DAY),
                time(10 + 2 * (i % LECTURE_DATES_PER_DAY)),
            ),
        }
        for i, date_id in enumerate(lecture_date_ids())
    ]
    seated_dates = [
        {"id": date_id, "start": clock.at(first + timedelta(days=i), time(19))}
        for i, date_id in enumerate(seated_date_ids())
    ]
    rows = HALL_SEATS // SEATS_PER_ROW
    return {
        "event_tags": {
            "categories": [{"id": 1, "name": "Vortrag"}],
            "languages": [{"id": 1, "name": "Deutsch"}],
        },
        "seatings": [
            {
                "id": 1,
                "title": "Großer Saal",
                "categories": [{"id": 1, "title": "Parkett"}],
                "rows": [{"id": r + 1, "title": str(r + 1)} for r in range(rows)],
                "seats": [
                    {
                        "id": seat_id,
                        "row_id": n // SEATS_PER_ROW + 1,
                        "category_id": 1,
                        "title": f"{n // SEATS_PER_ROW + 1}-{n % SEATS_PER_ROW + 1}",
                        "x": n % SEATS_PER_ROW,
                        "y": n // SEATS_PER_ROW,
                    }
                    for n, seat_id in enumerate(hall_seat_ids())
                ],
            }
        ],
        "events": [
            {
                "id": LECTURE_EVENT,
                "museum_id": MUSEUM_ID,
                "title": {"de": "Abendvortrag", "en": "Evening lecture"},
                "category_id": 1,
                "language_id": 1,
                "duration": 60,
                "max_seats": EVENT_PLACES,
                "prices": [{"price_cents": EVENT_PRICE_CENTS}],
                "dates": lecture_dates,
            },
            {
                "id": SEATED_EVENT,
                "museum_id": MUSEUM_ID,
                "title": {"de": "Konzert", "en": "Concert"},
                "category_id": 1,
                "language_id": 1,
                "duration": 90,
                "seating_id": 1,
                "scale_prices": [
                    {
                        "id": SEAT_PRICE_ID,
                        "seat_category_id": 1,
                        "title": "Parkett",
                        "price_cents": EVENT_PRICE_CENTS,
                    }
                ],
                "dates": seated_dates,
            },
        ],
    }


def event_order_lines(seed: int = 6) -> tuple[list[str], list[str]]:
    """``date<TAB>seat<TAB>price`` (seat 0: a place of the lecture), shuffled: request i takes
    line i, so that buyers spread over dates and never want one seat twice."""
    places = [f"{d}\t0\t{EVENT_PRICE_CENTS}" for d in lecture_date_ids()] * 50
    random.Random(seed).shuffle(places)
    seats = [f"{d}\t{s}\t{EVENT_PRICE_CENTS}" for d in seated_date_ids() for s in hall_seat_ids()]
    random.Random(seed).shuffle(seats)
    return places, seats


def date_detail_paths() -> list[str]:
    """A date's detail (live seats, prices; the seating plan with its taken seats for the hall)."""
    paths = [f"/api/v4/events/{LECTURE_EVENT}/dates/{d}" for d in lecture_date_ids()]
    paths += [f"/api/v4/events/{SEATED_EVENT}/dates/{d}" for d in seated_date_ids()]
    random.Random(7).shuffle(paths)
    return paths
