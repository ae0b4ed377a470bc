"""Ticket PDFs: one A4 page per barcode, printable at home and scannable at the entrance."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as _mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kasse.documents.barcodes import check_barcode, code39_symbol, ean13_symbol
from kasse.documents.data import Locale, TicketPage
from kasse.documents.formatting import pdf_text, wrap

mm: float = _mm  # reportlab ships no type hints
PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
PORTRAIT_WIDTH, PORTRAIT_HEIGHT = 30 * mm, 40 * mm
FOOTER_TOP = MARGIN + 14

EAN_BAR_HEIGHT = 22.85 * mm
QR_SIZE = 40 * mm  # quiet zone included
QR_QUIET_MODULES = 4
# Scoring all eight masks (ISO 18004) costs segno ~5 ms, more than the rest of a page. For random
# tokens a fixed mask scores within 1.27x of the best penalty (median 1.04x, 300 samples), so it
# scans as well; None restores the full search, e.g. for low-entropy imported values.
QR_MASK: int | None = 3

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"

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
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    first = pages[0]
    canvas.setTitle(f"{LABELS[first.locale]['ticket']}: {first.ticket_title}")
    canvas.setAuthor(first.museum_name)
    canvas.setCreator("kasse")
    for page in pages:
        _draw_ticket(canvas, page)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(slots=True)
class Cursor:
    """Writes wrapped text downwards from y, inside [x, x + width]."""

    canvas: Canvas
    x: float
    y: float
    width: float

    def write(
        self, text: str, font: str = REGULAR, size: float = 11, space_after: float = 0
    ) -> None:
        leading = size * 1.25
        self.canvas.setFont(font, size)
        for line in wrap(text, font, size, self.width):
            self.y -= leading
            self.canvas.drawString(self.x, self.y, line)
        self.y -= space_after


def _draw_ticket(canvas: Canvas, page: TicketPage) -> None:
    text_width = CONTENT_WIDTH
    if page.holder_portrait is not None:
        _draw_portrait(canvas, page.holder_portrait)
        text_width -= PORTRAIT_WIDTH + 6 * mm
    cursor = Cursor(canvas, MARGIN, PAGE_HEIGHT - MARGIN, text_width)
    _write_details(cursor, page)
    barcode_top = min(cursor.y, PAGE_HEIGHT - MARGIN - PORTRAIT_HEIGHT) - 12 * mm
    barcode_bottom = _draw_barcode(canvas, page, barcode_top)
    if page.after_sale_information:
        info = Cursor(canvas, MARGIN, barcode_bottom - 10 * mm, CONTENT_WIDTH)
        _write_after_sale(info, page.after_sale_information, LABELS[page.locale]["info"])
    _draw_footer(canvas, page)


def _write_details(cursor: Cursor, page: TicketPage) -> None:
    labels = LABELS[page.locale]
    cursor.write(page.museum_name, BOLD, 16)
    for line in page.location.lines():
        cursor.write(line, REGULAR, 10)
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


def _draw_barcode(canvas: Canvas, page: TicketPage, top: float) -> float:
    """Draw the symbol with its human-readable text below *top*; return the lowest y used."""
    if page.barcode_method == "code39":
        return _draw_code39(canvas, page.barcode, top)
    if page.barcode_method == "ean":
        return _draw_ean13(canvas, page.barcode, top)
    return _draw_qr(canvas, page.barcode, top)


def _draw_code39(canvas: Canvas, value: str, top: float) -> float:
    symbol = code39_symbol(value, max_width_mm=CONTENT_WIDTH / mm)
    left = (PAGE_WIDTH - symbol.width_mm * mm) / 2
    bottom = top - symbol.height_mm * mm
    path = canvas.beginPath()
    for x, width in symbol.bars:
        path.rect(left + x * mm, bottom, width * mm, symbol.height_mm * mm)
    canvas.drawPath(path, stroke=0, fill=1)
    return _draw_caption(canvas, value, bottom)


def _draw_ean13(canvas: Canvas, value: str, top: float) -> float:
    symbol = ean13_symbol(value)
    left = (PAGE_WIDTH - symbol.width_mm * mm) / 2
    data_bottom = top - EAN_BAR_HEIGHT
    guard_bottom = data_bottom - 5 * symbol.module_mm * mm
    path = canvas.beginPath()
    for x, width in symbol.bars:
        path.rect(left + x * mm, data_bottom, width * mm, EAN_BAR_HEIGHT)
    for x, width in symbol.guard_bars:
        path.rect(left + x * mm, guard_bottom, width * mm, top - guard_bottom)
    canvas.drawPath(path, stroke=0, fill=1)
    baseline = data_bottom - 10
    canvas.setFont(REGULAR, 10)
    canvas.drawRightString(
        left + (symbol.quiet_left_mm - symbol.module_mm) * mm, baseline, value[0]
    )
    canvas.drawCentredString(left + symbol.left_digits_centre_mm() * mm, baseline, value[1:7])
    canvas.drawCentredString(left + symbol.right_digits_centre_mm() * mm, baseline, value[7:])
    return baseline - 4


def _draw_qr(canvas: Canvas, value: str, top: float) -> float:
    return _draw_caption(canvas, value, draw_qr(canvas, value, top))


def draw_qr(canvas: Canvas, value: str, top: float) -> float:
    """The QR symbol of *value* (quiet zone included) centred below *top*; returns its bottom."""
    matrix = segno.make_qr(value, error="m", mask=QR_MASK).matrix
    module = QR_SIZE / (len(matrix) + 2 * QR_QUIET_MODULES)
    origin_x = (PAGE_WIDTH - QR_SIZE) / 2 + QR_QUIET_MODULES * module
    origin_y = top - QR_QUIET_MODULES * module
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        y = origin_y - (row_index + 1) * module
        for start, length in _dark_runs(row):
            path.rect(origin_x + start * module, y, length * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    return top - QR_SIZE


def _dark_runs(row: Sequence[int]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules: one rectangle per run keeps the PDF small."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index, dark in enumerate(row):
        if dark and start < 0:
            start = index
        elif not dark and start >= 0:
            runs.append((start, index - start))
            start = -1
    if start >= 0:
        runs.append((start, len(row) - start))
    return runs


def _draw_caption(canvas: Canvas, value: str, below: float) -> float:
    baseline = below - 14
    text = pdf_text(value)
    # long QR payloads (URLs) shrink to the page width rather than run off it
    size = min(12.0, 12.0 * CONTENT_WIDTH / max(stringWidth(text, REGULAR, 12), 1.0))
    canvas.setFont(REGULAR, size)
    canvas.drawCentredString(PAGE_WIDTH / 2, baseline, text)
    return baseline - 4


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


def _draw_footer(canvas: Canvas, page: TicketPage) -> None:
    canvas.setFont(REGULAR, 8)
    label = LABELS[page.locale]["order"]
    canvas.drawString(MARGIN, MARGIN, pdf_text(f"{label}: {page.order_reference}"))
