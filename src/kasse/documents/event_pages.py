"""The pages of an event booking's PDF: one per seat of a seating plan, else one per participant,
with the date, the place, the seat and what the place costs."""

from __future__ import annotations

from typing import Any

from kasse.core.errors import NotFound
from kasse.documents.data import EventPage, Locale
from kasse.documents.events import EventEntry, PriceLine, place_lines
from kasse.documents.formatting import format_money
from kasse.documents.service import (
    METHODS,
    OrderDocuments,
    clock_time,
    long_date,
    museum_location,
    safe_filename,
)

EVENT_TEXTS: dict[Locale, dict[str, str]] = {
    "de": {"minutes": "{minutes} Minuten", "row": "Reihe {row}", "group": "für die ganze Gruppe"},
    "en": {"minutes": "{minutes} minutes", "row": "row {row}", "group": "for the whole group"},
}


def event_times(docs: OrderDocuments, entry: EventEntry) -> tuple[str, str, str | None]:
    """(day, time, duration) of a booked date: "Donnerstag, 12. März 2026", "18:30–19:30",
    "60 Minuten"; a date no longer in the catalog has its booked start only."""
    date = entry.date(docs.catalog)
    start = entry.start_at(docs.catalog)
    day = long_date(start.astimezone(docs.tz).date(), docs.locale)
    if date is None:
        return day, clock_time(start, docs.tz), None
    duration = EVENT_TEXTS[docs.locale]["minutes"].format(minutes=date.row.duration)
    return day, f"{clock_time(start, docs.tz)}–{clock_time(date.end_at, docs.tz)}", duration


def event_place_text(docs: OrderDocuments, entry: EventEntry) -> str | None:
    """Where the event meets (its own place, else its museum's): "Lichthof, Bodestraße 1, ..."."""
    event = docs.catalog.events.events.get(entry.booking.event_id)
    place = docs.catalog.event_location(event.row) if event else None
    if not place:
        return None
    town = " ".join(str(place[k]) for k in ("zip", "city") if place.get(k))
    parts = [place.get("name"), place.get("street"), town]
    return ", ".join(str(part) for part in parts if part) or None


def seat_texts(docs: OrderDocuments, entry: EventEntry) -> dict[int, str]:
    """seat id -> "A1 (Reihe A), Parkett": the booking's seats as the seating plan names them."""
    date = entry.date(docs.catalog)
    if date is None or date.seating is None:
        return {}
    layout = date.seating.row.layout
    rows = {row["id"]: row["title"] for row in layout["rows"]}
    categories = {category["id"]: category["title"] for category in layout["categories"]}
    row_text = EVENT_TEXTS[docs.locale]["row"]
    texts = {}
    for booked in entry.booking.seats:
        seat = date.seating.seats.get(booked["seat_id"])
        if seat is not None:
            row = row_text.format(row=rows.get(seat["row_id"], seat["row_id"]))
            category = categories.get(seat["category_id"])
            texts[seat["id"]] = f"{seat['title']} ({row})" + (f", {category}" if category else "")
    return texts


def place_price_text(docs: OrderDocuments, lines: tuple[PriceLine, ...]) -> str:
    """What one place costs: "15,00 € (Ermäßigt)"; a group price says it is the whole group's."""
    parts = []
    for line in lines:
        notes = [line["title"]] if line["scale_price_id"] is not None else []
        if line["group"]:
            notes.append(EVENT_TEXTS[docs.locale]["group"])
        money = format_money(line["price_cents"], locale=docs.locale)
        parts.append(f"{money} ({', '.join(notes)})" if notes else money)
    return " + ".join(parts) or format_money(0, locale=docs.locale)


def event_pages(docs: OrderDocuments, booking_id: int) -> list[EventPage]:
    """One page per barcode of the booking: per seat on a seating plan, else per participant."""
    entry = docs.event(booking_id)
    if not entry.barcodes:
        raise NotFound(f"event booking {booking_id} has no barcodes")
    date = entry.date(docs.catalog)
    date_text, time_text, duration_text = event_times(docs, entry)
    seats = seat_texts(docs, entry)
    common: dict[str, Any] = {
        "museum_name": docs.museum_name(entry),
        "location": museum_location(docs, entry),
        "event_title": entry.booking.title,
        "event_sub_title": docs.text(date.row.sub_title or date.event.sub_title) if date else None,
        "date_text": date_text,
        "time_text": time_text,
        "duration_text": duration_text,
        "place_text": event_place_text(docs, entry),
        "order_reference": str(docs.order.id),
        "customer_reference": docs.order.reference,
        "place_count": len(entry.barcodes),
        "locale": docs.locale,
    }
    return [
        EventPage(
            barcode=code.barcode,
            barcode_method=METHODS.get(code.method, "qr"),
            place_number=number,
            seat_text=seats.get(code.seat_id) if code.seat_id is not None else None,
            price_text=place_price_text(docs, lines),
            **common,
        )
        for number, (code, lines) in enumerate(
            zip(entry.barcodes, place_lines(entry), strict=True), 1
        )
    ]


def event_filename(docs: OrderDocuments, booking_id: int) -> str:
    return safe_filename(f"event-{docs.order.id}-{booking_id}.pdf")
