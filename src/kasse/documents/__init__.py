"""Documents of an order, rendered from plain data: ticket, event booking, voucher, invoice PDFs,
Wallet passes.

The renderers are pure functions over the frozen dataclasses in ``kasse.documents.data`` (no
database, no HTTP): the caller localizes dates, slots and prices, they lay out and encode barcodes.
``service.py`` (with ``event_pages.py``, ``invoices.py``, ``passes.py``) build that data from an
order and ``routes.py`` serves it behind the order token.

    pdf = render_ticket_pdf([TicketPage(...), ...])     # one A4 page per barcode
    pdf = render_event_pdf([EventPage(...), ...])       # one A4 page per participant or seat
    pdf = render_voucher_pdf([VoucherPage(...), ...])   # one A4 page per coupon code
    pdf = render_invoice_pdf(InvoiceData(...))
    pkpass = build_pkpass(PassData(...), signer)         # signer: PassSigner.from_files(...)
"""

from kasse.documents.barcodes import check_barcode, ean13_check_digit, new_barcode
from kasse.documents.data import (
    BarcodeMethod,
    EventPage,
    InvoiceData,
    InvoiceLine,
    InvoiceTotals,
    Locale,
    Location,
    PaidByCoupon,
    PassColors,
    PassData,
    Seller,
    TicketPage,
    VatRateTotal,
    VoucherPage,
    invoice_totals,
)
from kasse.documents.event_pdf import render_event_pdf
from kasse.documents.formatting import format_money, format_vat_pct
from kasse.documents.invoice_pdf import render_invoice_pdf
from kasse.documents.ticket_pdf import render_ticket_pdf
from kasse.documents.voucher_pdf import render_voucher_pdf
from kasse.documents.wallet import PassSigner, build_pkpass, development_signer

__all__ = [
    "BarcodeMethod",
    "EventPage",
    "InvoiceData",
    "InvoiceLine",
    "InvoiceTotals",
    "Locale",
    "Location",
    "PaidByCoupon",
    "PassColors",
    "PassData",
    "PassSigner",
    "Seller",
    "TicketPage",
    "VatRateTotal",
    "VoucherPage",
    "build_pkpass",
    "check_barcode",
    "development_signer",
    "ean13_check_digit",
    "format_money",
    "format_vat_pct",
    "invoice_totals",
    "new_barcode",
    "render_event_pdf",
    "render_invoice_pdf",
    "render_ticket_pdf",
    "render_voucher_pdf",
]
