"""Voucher PDFs: one A4 page per coupon code, to print out or give away.

The code is printed large, in groups of four, for typing it into a shop, and as a QR code for the
scanner at the desk; both carry the code as stored, which is what an order's ``coupons`` take.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from kasse.documents.barcodes import check_barcode
from kasse.documents.data import Locale, VoucherPage
from kasse.documents.formatting import group_code, pdf_text, wrap
from kasse.documents.layout import (
    BOLD,
    CONTENT_WIDTH,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    Cursor,
    draw_footer,
    draw_qr,
    mm,
    render_pages,
    write_museum,
)

CODE_FONT, CODE_SIZE = "Courier-Bold", 28.0  # fixed width: the groups line up as typed
MAX_DESCRIPTION_LINES = 3  # a voucher stays one page

LABELS: dict[Locale, dict[str, str]] = {
    "de": {
        "voucher": "Gutschein",
        "value": "Wert",
        "code": "Gutscheincode",
        "order": "Bestellung",
        "redeem": (
            "So lösen Sie den Gutschein ein: Geben Sie beim Kauf von Tickets den Gutscheincode an "
            "oder zeigen Sie an der Kasse den QR-Code vor. Was Sie nicht ausgeben, bleibt auf dem "
            "Gutschein und kann später eingelöst werden."
        ),
    },
    "en": {
        "voucher": "Gift voucher",
        "value": "Value",
        "code": "Voucher code",
        "order": "Order",
        "redeem": (
            "How to redeem it: give the voucher code when you buy tickets, or show the QR code at "
            "the desk. Whatever you do not spend stays on the voucher for later."
        ),
    },
}


def render_voucher_pdf(pages: Sequence[VoucherPage]) -> bytes:
    """One A4 page per coupon code, in the given order; ValueError without a page or a code."""
    if not pages:
        raise ValueError("a voucher PDF needs at least one page")
    for page in pages:
        check_barcode(page.code, "qr")
    first = pages[0]
    title = f"{LABELS[first.locale]['voucher']}: {first.coupon_title}"
    return render_pages(pages, _draw_voucher, title, first.museum_name)


def _draw_voucher(canvas: Canvas, page: VoucherPage) -> None:
    labels = LABELS[page.locale]
    cursor = Cursor(canvas, MARGIN, PAGE_HEIGHT - MARGIN, CONTENT_WIDTH)
    write_museum(cursor, page.museum_name, page.location)
    cursor.y -= 10 * mm
    cursor.write(labels["voucher"], REGULAR, 12)
    cursor.write(page.coupon_title, BOLD, 22)
    if page.description:
        cursor.y -= 3  # clear of the title's descenders
        _write_description(cursor, page.description)
    cursor.y -= 8 * mm
    cursor.write(f"{labels['value']}: {page.value_text}", BOLD, 18)
    code_bottom = _draw_code(canvas, page.code, labels["code"], cursor.y - 12 * mm)
    qr_bottom = draw_qr(canvas, page.code, code_bottom - 4 * mm)
    Cursor(canvas, MARGIN, qr_bottom - 8 * mm, CONTENT_WIDTH).write(labels["redeem"], REGULAR, 10)
    draw_footer(canvas, f"{labels['order']}: {page.order_reference}")


def _write_description(cursor: Cursor, text: str) -> None:
    size = 11
    lines = wrap(text, REGULAR, size, cursor.width)
    if len(lines) > MAX_DESCRIPTION_LINES:
        lines = [*lines[: MAX_DESCRIPTION_LINES - 1], "…"]
    cursor.canvas.setFont(REGULAR, size)
    for line in lines:
        cursor.y -= size * 1.25
        cursor.canvas.drawString(cursor.x, cursor.y, line)


def _draw_code(canvas: Canvas, code: str, label: str, top: float) -> float:
    """The label and the grouped code, centred below *top*; returns the lowest y used."""
    canvas.setFont(REGULAR, 10)
    canvas.drawCentredString(PAGE_WIDTH / 2, top - 10, pdf_text(label))
    baseline = top - 10 - CODE_SIZE * 1.2
    canvas.setFont(CODE_FONT, CODE_SIZE)
    canvas.drawCentredString(PAGE_WIDTH / 2, baseline, pdf_text(group_code(code)))
    return baseline - 8
