"""Barcodes of a ticket sale: one per place, random, in the encoding its ticket or museum asks for."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.documents.barcodes import new_barcode
from kasse.documents.data import BarcodeMethod
from kasse.models import Barcode, TicketSale

BARCODE_METHODS: tuple[BarcodeMethod, ...] = ("ean", "code39", "qr")


def barcode_method(catalog: Catalog, ticket_id: int) -> BarcodeMethod:
    """The ticket's own encoding, else its (first) museum's, else EAN-13."""
    ticket = catalog.ticket(ticket_id)
    if ticket is None:
        return "ean"
    if ticket.row.barcode_method in BARCODE_METHODS:
        return ticket.row.barcode_method
    museum = catalog.museums.get(ticket.museum_ids[0]) if ticket.museum_ids else None
    if museum is not None and museum.row.barcode_method in BARCODE_METHODS:
        return museum.row.barcode_method
    return "ean"


def issue_barcodes(session: AsyncSession, catalog: Catalog, sale: TicketSale) -> None:
    """One barcode per place; a combined ticket's single barcode opens every one of its entries."""
    method = barcode_method(catalog, sale.ticket_id)
    session.add_all(
        Barcode(ticket_sale_id=sale.id, barcode=new_barcode(method), method=method)
        for _ in range(sale.quantity)
    )
