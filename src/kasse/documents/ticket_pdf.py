"""Ticket PDFs: one A4 page per barcode, printable at home and scannable at the entrance."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kasse.documents.barcodes import check_barcode
from kasse.documents.data import Locale, TicketPage
from kasse.documents.formatting import wrap
from kasse.documents.layout import (
    BOLD,
    CONTENT_WIDTH,
    FOOTER_TOP,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    Cursor,
    draw_barcode,
    draw_footer,
    mm,
    render_pages,
    write_museum,
)

PORTRAIT_WIDTH, PORTRAIT_HEIGHT = 30 * mm, 40 * mm

LABELS: dict[Locale, dict[str, str]] = {
    "de": {
        "slot": "Zeitfenster",
        "name": "Name",
        "price": "Preis",
        "order": "Bestellung",
        "info": "Hinweise",
        "ticket": "Ticket",
    },
    "en": {
        "slot": "Time slot",
        "name": "Name",
        "price": "Price",
        "order": "Order",
        "info": "Information",
        "ticket": "Ticket",
    },
}


def render_ticket_pdf(pages: Sequence[TicketPage]) -> bytes:
    """One A4 page per ticket, in the given order.

    Raises ValueError when there is no page or a barcode cannot be printed in its symbology (an
    EAN-13 with a wrong check digit, a CODE 39 with lower-case letters, ...).
    """
    if not pages:
        raise ValueError("a ticket PDF needs at least one page")
    for page in pages:
        check_barcode(page.barcode, page.barcode_method)
    first = pages[0]
    title = f"{LABELS[first.locale]['ticket']}: {first.ticket_title}"
    return render_pages(pages, _draw_ticket, title, first.museum_name)


def _draw_ticket(canvas: Canvas, page: TicketPage) -> None:
    text_width = CONTENT_WIDTH
    if page.holder_portrait is not None:
        _draw_portrait(canvas, page.holder_portrait)
        text_width -= PORTRAIT_WIDTH + 6 * mm
    cursor = Cursor(canvas, MARGIN, PAGE_HEIGHT - MARGIN, text_width)
    _write_details(cursor, page)
    barcode_top = min(cursor.y, PAGE_HEIGHT - MARGIN - PORTRAIT_HEIGHT) - 12 * mm
    barcode_bottom = draw_barcode(canvas, page.barcode, page.barcode_method, barcode_top)
    labels = LABELS[page.locale]
    if page.after_sale_information:
        info = Cursor(canvas, MARGIN, barcode_bottom - 10 * mm, CONTENT_WIDTH)
        _write_after_sale(info, page.after_sale_information, labels["info"])
    draw_footer(canvas, f"{labels['order']}: {page.order_reference}")


def _write_details(cursor: Cursor, page: TicketPage) -> None:
    labels = LABELS[page.locale]
    write_museum(cursor, page.museum_name, page.location)
    cursor.y -= 8 * mm
    cursor.write(page.ticket_title, BOLD, 20)
    if page.ticket_sub_title:
        cursor.write(page.ticket_sub_title, REGULAR, 12)
    cursor.y -= 4 * mm
    cursor.write(page.date_text, BOLD, 14)
    if page.slot_text:
        cursor.write(f"{labels['slot']}: {page.slot_text}", BOLD, 14)
    for line in page.sub_ticket_lines:
        cursor.write(line, REGULAR, 11)
    cursor.y -= 4 * mm
    if page.attendee_name:
        cursor.write(f"{labels['name']}: {page.attendee_name}", REGULAR, 12)
    cursor.write(f"{labels['price']}: {page.price_text}", REGULAR, 12)


def _draw_portrait(canvas: Canvas, image: bytes) -> None:
    try:
        reader = ImageReader(io.BytesIO(image))
    except Exception as error:  # reportlab wraps PIL's many error types in a bare Exception
        raise ValueError("holder_portrait is not a readable JPEG or PNG image") from error
    x = PAGE_WIDTH - MARGIN - PORTRAIT_WIDTH
    y = PAGE_HEIGHT - MARGIN - PORTRAIT_HEIGHT
    canvas.drawImage(
        reader,
        x,
        y,
        PORTRAIT_WIDTH,
        PORTRAIT_HEIGHT,
        preserveAspectRatio=True,
        anchor="n",
        mask="auto",
    )


def _write_after_sale(cursor: Cursor, text: str, heading: str) -> None:
    size, leading = 9, 9 * 1.25
    cursor.write(heading, BOLD, 10, space_after=2)
    lines = wrap(text, REGULAR, size, cursor.width)
    room = max(0, int((cursor.y - FOOTER_TOP) // leading))
    if len(lines) > room:
        # a ticket stays one page: the full text belongs in the order mail
        lines = [*lines[: max(room - 1, 0)], "…"] if room else []
    cursor.canvas.setFont(REGULAR, size)
    for line in lines:
        cursor.y -= leading
        cursor.canvas.drawString(cursor.x, cursor.y, line)
