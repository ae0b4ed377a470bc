"""Event booking PDFs: the booking confirmation, one A4 page per participant or seat, each with the
barcode that admits it at the event's date."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from kasse.documents.barcodes import check_barcode
from kasse.documents.data import EventPage, Locale
from kasse.documents.layout import (
    BOLD,
    CONTENT_WIDTH,
    MARGIN,
    PAGE_HEIGHT,
    REGULAR,
    Cursor,
    draw_barcode,
    draw_footer,
    mm,
    render_pages,
    write_museum,
)

LABELS: dict[Locale, dict[str, str]] = {
    "de": {
        "booking": "Buchungsbestätigung",
        "time": "Uhrzeit",
        "place": "Ort",
        "seat": "Platz",
        "person": "Person {number} von {count}",
        "price": "Preis",
        "reference": "Ihre Referenz",
        "order": "Bestellung",
    },
    "en": {
        "booking": "Booking confirmation",
        "time": "Time",
        "place": "Place",
        "seat": "Seat",
        "person": "Person {number} of {count}",
        "price": "Price",
        "reference": "Your reference",
        "order": "Order",
    },
}


def render_event_pdf(pages: Sequence[EventPage]) -> bytes:
    """One A4 page per place of the booking, in the given order; ValueError without a page or
    with a barcode its symbology cannot print."""
    if not pages:
        raise ValueError("an event booking PDF needs at least one page")
    for page in pages:
        check_barcode(page.barcode, page.barcode_method)
    first = pages[0]
    title = f"{LABELS[first.locale]['booking']}: {first.event_title}"
    return render_pages(pages, _draw_place, title, first.museum_name)


def _draw_place(canvas: Canvas, page: EventPage) -> None:
    labels = LABELS[page.locale]
    cursor = Cursor(canvas, MARGIN, PAGE_HEIGHT - MARGIN, CONTENT_WIDTH)
    write_museum(cursor, page.museum_name, page.location)
    cursor.y -= 8 * mm
    cursor.write(labels["booking"], REGULAR, 12)
    cursor.write(page.event_title, BOLD, 20)
    if page.event_sub_title:
        cursor.write(page.event_sub_title, REGULAR, 12)
    cursor.y -= 4 * mm
    cursor.write(page.date_text, BOLD, 14)
    duration = f" ({page.duration_text})" if page.duration_text else ""
    cursor.write(f"{labels['time']}: {page.time_text}{duration}", BOLD, 14)
    if page.place_text:
        cursor.write(f"{labels['place']}: {page.place_text}", REGULAR, 11)
    cursor.y -= 4 * mm
    if page.seat_text:
        cursor.write(f"{labels['seat']}: {page.seat_text}", BOLD, 12)
    else:
        person = labels["person"].format(number=page.place_number, count=page.place_count)
        cursor.write(person, REGULAR, 12)
    cursor.write(f"{labels['price']}: {page.price_text}", REGULAR, 12)
    if page.customer_reference:
        cursor.write(f"{labels['reference']}: {page.customer_reference}", REGULAR, 11)
    draw_barcode(canvas, page.barcode, page.barcode_method, cursor.y - 12 * mm)
    draw_footer(canvas, f"{labels['order']}: {page.order_reference}")
