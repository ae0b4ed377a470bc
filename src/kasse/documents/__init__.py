"""Documents of an order, rendered from plain data: ticket PDFs, invoice PDFs, Wallet passes.

Pure functions over the frozen dataclasses in ``kasse.documents.data``: no database, no HTTP. The
caller localizes dates, slots and ticket prices; the renderers lay out and encode barcodes.

    pdf = render_ticket_pdf([TicketPage(...), ...])     # one A4 page per barcode
    pdf = render_invoice_pdf(InvoiceData(...))
    pkpass = build_pkpass(PassData(...), signer)         # signer: PassSigner.from_files(...)
"""

from kasse.documents.barcodes import check_barcode, ean13_check_digit, new_barcode
from kasse.documents.data import (
    BarcodeMethod,
    InvoiceData,
    InvoiceLine,
    InvoiceTotals,
    Locale,
    Location,
    PassColors,
    PassData,
    Seller,
    TicketPage,
    VatRateTotal,
    invoice_totals,
)
from kasse.documents.formatting import format_money, format_vat_pct
from kasse.documents.invoice_pdf import render_invoice_pdf
from kasse.documents.ticket_pdf import render_ticket_pdf
from kasse.documents.wallet import PassSigner, build_pkpass, development_signer

__all__ = [
    "BarcodeMethod",
    "InvoiceData",
    "InvoiceLine",
    "InvoiceTotals",
    "Locale",
    "Location",
    "PassColors",
    "PassData",
    "PassSigner",
    "Seller",
    "TicketPage",
    "VatRateTotal",
    "build_pkpass",
    "check_barcode",
    "development_signer",
    "ean13_check_digit",
    "format_money",
    "format_vat_pct",
    "invoice_totals",
    "new_barcode",
    "render_invoice_pdf",
    "render_ticket_pdf",
]
