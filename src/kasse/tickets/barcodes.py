"""Barcodes of ticket sales: one per place, random, in the encoding its ticket or museum asks for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kasse.catalog.snapshot import Catalog
from kasse.core.sql import table_of
from kasse.core.unique_codes import insert_unique_codes
from kasse.documents.barcodes import new_barcode
from kasse.documents.data import BarcodeMethod
from kasse.models import Barcode

BARCODE_METHODS: tuple[BarcodeMethod, ...] = ("ean", "code39", "qr")


@dataclass(frozen=True)
class IssuedBarcode:
    id: int
    ticket_sale_id: int
    barcode: str
    method: str


@dataclass(frozen=True)
class BarcodeRequest:
    """``quantity`` barcodes for the sale ``ticket_sale_id`` of ``ticket_id``."""

    ticket_sale_id: int
    ticket_id: int
    quantity: int


def barcode_method(catalog: Catalog, ticket_id: int) -> BarcodeMethod:
    """The ticket's own encoding, else its (first) museum's, else EAN-13."""
    ticket = catalog.ticket(ticket_id)
    if ticket is None:
        return "ean"
    if ticket.row.barcode_method in BARCODE_METHODS:
        return ticket.row.barcode_method
    return museum_barcode_method(catalog, ticket.museum_ids[0] if ticket.museum_ids else None)


def museum_barcode_method(catalog: Catalog, museum_id: int | None) -> BarcodeMethod:
    """The museum's encoding, else EAN-13."""
    museum = catalog.museums.get(museum_id) if museum_id is not None else None
    if museum is not None and museum.row.barcode_method in BARCODE_METHODS:
        return museum.row.barcode_method
    return "ean"


async def issue_barcodes(
    session: AsyncSession, catalog: Catalog, requests: Sequence[BarcodeRequest]
) -> dict[int, list[IssuedBarcode]]:
    """One barcode per place of every sale, in one insert (a combined ticket's single barcode
    opens every one of its entries); each sale's barcodes in issue order.

    Barcodes are random and unique: an EAN-13 has 10^12 values, so with a million issued about
    one draw in a million hits an existing one, and is drawn again (``core/unique_codes.py``).
    """
    methods = {r.ticket_sale_id: barcode_method(catalog, r.ticket_id) for r in requests}

    def draw(sale_id: int) -> dict[str, Any]:
        method = methods[sale_id]
        return {"ticket_sale_id": sale_id, "barcode": new_barcode(method), "method": method}

    table = table_of(Barcode)
    rows = await insert_unique_codes(
        session,
        table,
        "barcode",
        {r.ticket_sale_id: r.quantity for r in requests},
        draw,
        lambda row: int(row.ticket_sale_id),
        (table.c.id, table.c.ticket_sale_id, table.c.barcode, table.c.method),
    )
    issued: dict[int, list[IssuedBarcode]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: int(r.id)):
        issued[row.ticket_sale_id].append(
            IssuedBarcode(row.id, row.ticket_sale_id, row.barcode, row.method)
        )
    return dict(issued)
