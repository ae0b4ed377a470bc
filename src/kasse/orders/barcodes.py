"""Barcodes of a ticket sale: one per place, random, in the encoding its ticket or museum asks for."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from kasse.catalog.snapshot import Catalog
from kasse.documents.barcodes import new_barcode
from kasse.documents.data import BarcodeMethod
from kasse.models import Barcode, TicketSale

BARCODE_METHODS: tuple[BarcodeMethod, ...] = ("ean", "code39", "qr")
# Draws of a sale's missing barcodes before giving up; a second one is needed about once in a
# million EAN-13 draws with a million barcodes issued, a tenth would mean a broken generator.
MAX_DRAWS = 10


class BarcodesExhausted(RuntimeError):
    """No new barcodes could be drawn: the random source or the code space is broken."""


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


async def issue_barcodes(session: AsyncSession, catalog: Catalog, sale: TicketSale) -> None:
    """One barcode per place; a combined ticket's single barcode opens every one of its entries.

    Barcodes are random and unique: an EAN-13 has 10^12 values, so with a million issued about
    one draw in a million hits an existing one. Such a draw is skipped by the insert and drawn
    again, rather than failing the order on the unique key.
    """
    method = barcode_method(catalog, sale.ticket_id)
    missing = sale.quantity
    for _ in range(MAX_DRAWS):
        drawn = {new_barcode(method) for _ in range(missing)}
        rows: list[dict[str, object]] = [
            {"ticket_sale_id": sale.id, "barcode": code, "method": method} for code in drawn
        ]
        inserted = await session.execute(_insert_new(session, rows))
        missing -= len(inserted.all())
        if missing == 0:
            return
    raise BarcodesExhausted(f"no new {method} barcodes after {MAX_DRAWS} draws")


def _insert_new(
    session: AsyncSession, rows: list[dict[str, object]]
) -> ReturningInsert[tuple[int]]:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return (
        insert(Barcode)
        .values(rows)
        .on_conflict_do_nothing(index_elements=[Barcode.barcode])
        .returning(Barcode.id)
    )
