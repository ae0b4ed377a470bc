"""Invoice PDFs with the contents a German invoice needs (§ 14 UStG): seller and buyer, number and
date, the lines, and per VAT rate the net amount, the tax and the gross amount.

Coupons that paid are a means of payment, not a discount: they are deducted below the total and
change neither a line nor the VAT (which a ticket owes in full, however it is paid)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as _mm
from reportlab.pdfgen.canvas import Canvas

from kasse.documents.data import InvoiceData, InvoiceLine, InvoiceTotals, Locale, invoice_totals
from kasse.documents.formatting import format_date, format_money, format_vat_pct, pdf_text, wrap

mm: float = _mm  # reportlab ships no type hints
PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
MARGIN = 20 * mm
RIGHT = PAGE_WIDTH - MARGIN
BOTTOM = MARGIN + 12 * mm  # above the footer
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
SIZE, LEADING = 9.5, 13.0

# x of each table column: text columns start there, number columns end there
COL_POS = MARGIN
COL_TITLE = MARGIN + 10 * mm
COL_QTY = MARGIN + 105 * mm
COL_UNIT = MARGIN + 128 * mm
COL_VAT = MARGIN + 150 * mm
COL_TOTAL = RIGHT
TITLE_WIDTH = COL_QTY - COL_TITLE - 14 * mm

LABELS: dict[Locale, dict[str, str]] = {
    "de": {
        "invoice": "Rechnung",
        "number": "Rechnungsnummer",
        "issued": "Rechnungsdatum",
        "delivery": "Leistungsdatum",
        "order": "Bestellung",
        "pos": "Pos.",
        "title": "Beschreibung",
        "qty": "Menge",
        "unit": "Einzelpreis",
        "vat": "USt.",
        "total": "Betrag",
        "included": "inkl.",
        "added": "zzgl.",
        "rate": "USt.-Satz",
        "net": "Netto",
        "tax": "USt.",
        "gross": "Brutto",
        "sum": "Summe",
        "grand": "Gesamtbetrag",
        "invoice_total": "Gesamtbetrag",
        "paid_coupon": "Bezahlt mit Gutschein {code}",
        "due": "Zahlbetrag",
        "vat_id": "USt.-IdNr.",
        "page": "Seite",
        "legend": "inkl. = Preis enthält die Umsatzsteuer; zzgl. = Umsatzsteuer kommt hinzu.",
    },
    "en": {
        "invoice": "Invoice",
        "number": "Invoice number",
        "issued": "Invoice date",
        "delivery": "Date of service",
        "order": "Order",
        "pos": "No.",
        "title": "Description",
        "qty": "Qty",
        "unit": "Unit price",
        "vat": "VAT",
        "total": "Amount",
        "included": "incl.",
        "added": "plus",
        "rate": "VAT rate",
        "net": "Net",
        "tax": "VAT",
        "gross": "Gross",
        "sum": "Total",
        "grand": "Amount due",
        "invoice_total": "Total amount",
        "paid_coupon": "Paid with voucher {code}",
        "due": "Amount due",
        "vat_id": "VAT ID",
        "page": "Page",
        "legend": "incl. = price includes VAT; plus = VAT is added to the price.",
    },
}


def render_invoice_pdf(invoice: InvoiceData) -> bytes:
    """The invoice as A4 pages; long invoices continue on further pages with the table header."""
    if not invoice.lines:
        raise ValueError("an invoice needs at least one line")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    labels = LABELS[invoice.locale]
    canvas.setTitle(f"{labels['invoice']} {invoice.number}")
    canvas.setAuthor(invoice.seller.name)
    canvas.setCreator("kasse")
    writer = _Writer(canvas, invoice, labels)
    writer.first_page()
    for position, line in enumerate(invoice.lines, start=1):
        writer.line(position, line)
    writer.totals(invoice_totals(invoice.lines))
    writer.finish()
    canvas.save()
    return buffer.getvalue()


@dataclass(slots=True)
class _Writer:
    canvas: Canvas
    invoice: InvoiceData
    labels: dict[str, str]
    y: float = 0.0
    page: int = 1

    def text(self, x: float, text: str, font: str = REGULAR, size: float = SIZE) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, self.y, pdf_text(text))

    def right(self, x: float, text: str, font: str = REGULAR, size: float = SIZE) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawRightString(x, self.y, pdf_text(text))

    def money(self, cents: int) -> str:
        return format_money(cents, self.invoice.currency, self.invoice.locale)

    def first_page(self) -> None:
        self.y = PAGE_HEIGHT - MARGIN - 10
        seller = self.invoice.seller
        self.text(MARGIN, seller.name, BOLD, 13)
        self.right(RIGHT, self.labels["invoice"], BOLD, 18)
        self.y -= 16
        for line in (seller.street, f"{seller.zip} {seller.city}", seller.country):
            self.text(MARGIN, line)
            self.y -= LEADING
        self._invoice_facts(PAGE_HEIGHT - MARGIN - 36)
        self.y = PAGE_HEIGHT - MARGIN - 45 * mm
        for line in self.invoice.buyer_lines:
            self.text(MARGIN, line, size=10.5)
            self.y -= 14
        self.y = min(self.y, PAGE_HEIGHT - MARGIN - 85 * mm) - 6 * mm
        self._table_header()

    def _invoice_facts(self, top: float) -> None:
        invoice, labels = self.invoice, self.labels
        facts = [
            (labels["number"], invoice.number),
            (labels["issued"], format_date(invoice.issued_on, invoice.locale)),
        ]
        if invoice.delivery_date is not None:
            facts.append((labels["delivery"], format_date(invoice.delivery_date, invoice.locale)))
        if invoice.order_reference:
            facts.append((labels["order"], invoice.order_reference))
        self.y = top
        for label, value in facts:
            self.text(RIGHT - 75 * mm, f"{label}:")
            self.right(RIGHT, value, BOLD)
            self.y -= LEADING

    def _table_header(self) -> None:
        labels = self.labels
        self.text(COL_POS, labels["pos"], BOLD)
        self.text(COL_TITLE, labels["title"], BOLD)
        self.right(COL_QTY, labels["qty"], BOLD)
        self.right(COL_UNIT, labels["unit"], BOLD)
        self.right(COL_VAT, labels["vat"], BOLD)
        self.right(COL_TOTAL, labels["total"], BOLD)
        self._rule()

    def _rule(self) -> None:
        self.canvas.setLineWidth(0.5)
        self.canvas.line(MARGIN, self.y - 4, RIGHT, self.y - 4)
        self.y -= LEADING + 4

    def _need(self, height: float) -> None:
        if self.y - height >= BOTTOM:
            return
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN - 10
        invoice = self.invoice
        self.text(MARGIN, f"{self.labels['invoice']} {invoice.number}", BOLD, 11)
        self.right(RIGHT, f"{self.labels['page']} {self.page}")
        self.y -= 10 * mm
        self._table_header()

    def line(self, position: int, line: InvoiceLine) -> None:
        title_lines = wrap(line.title, REGULAR, SIZE, TITLE_WIDTH) or [""]
        self._need(len(title_lines) * LEADING)
        mode = self.labels["included" if line.tax_included else "added"]
        rate = format_vat_pct(line.vat_pct, self.invoice.locale)
        self.text(COL_POS, str(position))
        self.text(COL_TITLE, title_lines[0])
        self.right(COL_QTY, str(line.quantity))
        self.right(COL_UNIT, self.money(line.unit_price_cents))
        self.right(COL_VAT, f"{mode} {rate}")
        self.right(COL_TOTAL, self.money(line.total_cents))
        for title_line in title_lines[1:]:
            self.y -= LEADING
            self.text(COL_TITLE, title_line)
        self.y -= LEADING

    def totals(self, totals: InvoiceTotals) -> None:
        labels, locale = self.labels, self.invoice.locale
        self._need((len(totals.rates) + 6 + len(self.invoice.coupon_payments)) * LEADING)
        self.y += LEADING - 4
        self._rule()
        columns = (RIGHT - 75 * mm, RIGHT - 50 * mm, RIGHT - 25 * mm, RIGHT)
        self._row(columns, (labels["rate"], labels["net"], labels["tax"], labels["gross"]), BOLD)
        for rate in totals.rates:
            amounts = (rate.net_cents, rate.vat_cents, rate.gross_cents)
            cells = (format_vat_pct(rate.vat_pct, locale), *map(self.money, amounts))
            self._row(columns, cells)
        amounts = (totals.net_cents, totals.vat_cents, totals.gross_cents)
        self._row(columns, (labels["sum"], *map(self.money, amounts)), BOLD)
        self.y -= 4
        if self.invoice.coupon_payments:
            self._coupon_payments(totals.gross_cents)
        else:
            self.text(RIGHT - 75 * mm, labels["grand"], BOLD, 12)
            self.right(RIGHT, self.money(totals.gross_cents), BOLD, 12)
        self.y -= 2 * LEADING

    def _coupon_payments(self, gross_cents: int) -> None:
        """The total, each coupon that paid as a deduction, and what is left to pay."""
        labels, left = self.labels, RIGHT - 75 * mm
        self.text(left, labels["invoice_total"], BOLD)
        self.right(RIGHT, self.money(gross_cents), BOLD)
        for paid in self.invoice.coupon_payments:
            self.y -= LEADING
            self.text(left, labels["paid_coupon"].format(code=paid.code))
            self.right(RIGHT, self.money(-paid.amount_cents))
        self.y -= LEADING + 4
        due = gross_cents - sum(paid.amount_cents for paid in self.invoice.coupon_payments)
        self.text(left, labels["due"], BOLD, 12)
        self.right(RIGHT, self.money(due), BOLD, 12)

    def _row(self, columns: tuple[float, ...], cells: tuple[str, ...], font: str = REGULAR) -> None:
        self.right(columns[0], cells[0], font)
        for x, cell in zip(columns[1:], cells[1:], strict=True):
            self.right(x, cell, font)
        self.y -= LEADING

    def finish(self) -> None:
        notes = [self.labels["legend"]]
        if self.invoice.tax_note:
            notes.append(self.invoice.tax_note)
        for note in notes:
            lines = wrap(note, REGULAR, 8.5, RIGHT - MARGIN)
            self._need(len(lines) * 11)
            for text in lines:
                self.text(MARGIN, text, size=8.5)
                self.y -= 11
        self._footer()
        self.canvas.showPage()

    def _footer(self) -> None:
        seller = self.invoice.seller
        parts = [seller.name, seller.street, f"{seller.zip} {seller.city}", seller.country]
        if seller.vat_id:
            parts.append(f"{self.labels['vat_id']} {seller.vat_id}")
        self.canvas.setFont(REGULAR, 7.5)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN, pdf_text(" · ".join(parts)))
