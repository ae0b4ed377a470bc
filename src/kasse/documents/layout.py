"""What the one-page-per-code documents share: the A4 page, text written downwards, the barcode in
its symbology with its caption, the footer. Ticket, event booking and voucher PDFs are drawn with it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as _mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kasse.documents.barcodes import code39_symbol, ean13_symbol
from kasse.documents.data import BarcodeMethod, Location
from kasse.documents.formatting import pdf_text, wrap

mm: float = _mm  # reportlab ships no type hints
PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_TOP = MARGIN + 14

EAN_BAR_HEIGHT = 22.85 * mm
QR_SIZE = 40 * mm  # quiet zone included
QR_QUIET_MODULES = 4
# Scoring all eight masks (ISO 18004) costs segno ~5 ms, more than the rest of a page. For random
# tokens a fixed mask scores within 1.27x of the best penalty (median 1.04x, 300 samples), so it
# scans as well; None restores the full search, e.g. for low-entropy imported values.
QR_MASK: int | None = 3

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"

Page = TypeVar("Page")


def render_pages(
    pages: Sequence[Page], draw: Callable[[Canvas, Page], None], title: str, author: str
) -> bytes:
    """One A4 page per element of *pages*, drawn by *draw*, as a compressed PDF."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("kasse")
    for page in pages:
        draw(canvas, page)
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


def write_museum(cursor: Cursor, name: str, location: Location) -> None:
    """The museum the document is of, and its address: the head of every page."""
    cursor.write(name, BOLD, 16)
    for line in location.lines():
        cursor.write(line, REGULAR, 10)


def draw_barcode(canvas: Canvas, value: str, method: BarcodeMethod, top: float) -> float:
    """Draw the symbol with its human-readable text below *top*; return the lowest y used."""
    if method == "code39":
        return _draw_code39(canvas, value, top)
    if method == "ean":
        return _draw_ean13(canvas, value, top)
    return _draw_caption(canvas, value, draw_qr(canvas, value, top))


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


def draw_footer(canvas: Canvas, text: str) -> None:
    """A small line at the bottom margin ("Bestellung: 4711")."""
    canvas.setFont(REGULAR, 8)
    canvas.drawString(MARGIN, MARGIN, pdf_text(text))
