"""The Wallet passes of an order: the pass of one barcode, and the signer, read once per process.

Like the other documents they open with the order's token (``service.open_documents``).
"""

from __future__ import annotations

import threading
from pathlib import Path

from kasse.core.errors import NotFound
from kasse.documents.data import Locale, PassData
from kasse.documents.service import (
    METHODS,
    OrderDocuments,
    location_text,
    name_on_card,
    safe_filename,
    visit_texts,
)
from kasse.documents.wallet import PassSigner, development_signer
from kasse.settings import Settings

PASS_DESCRIPTION: dict[Locale, str] = {"de": "Eintrittskarte {museum}", "en": "Ticket {museum}"}


def pass_data(docs: OrderDocuments, sale_id: int, barcode: str) -> PassData:
    entry = docs.sale(sale_id)
    index = next((i for i, c in enumerate(entry.barcodes) if c.barcode == barcode), None)
    if index is None:
        raise NotFound(f"barcode {barcode} not found in ticket sale {sale_id}")
    museum = docs.museum_name(entry)
    date_text, slot_text = visit_texts(docs, entry)
    start = entry.sale.start_at
    return PassData(
        serial=barcode,
        barcode=barcode,
        barcode_method=METHODS.get(entry.barcodes[index].method, "qr"),
        organization_name=museum or entry.sale.title,
        description=PASS_DESCRIPTION[docs.locale].format(museum=museum).strip(),
        ticket_title=entry.sale.title,
        date_text=date_text,
        slot_text=slot_text,
        location_text=location_text(docs, entry),
        holder_name=name_on_card(docs, entry, index),
        relevant_date=start.astimezone(docs.tz) if start else None,
        pass_type_identifier=docs.settings.wallet_pass_type_id,
        team_identifier=docs.settings.wallet_team_id,
        locale=docs.locale,
    )


def pass_filename(barcode: str) -> str:
    return safe_filename(f"ticket-{barcode}.pkpass")


_signers: dict[tuple[str | None, ...], PassSigner] = {}
_signers_lock = threading.Lock()


def _load_signer(settings: Settings) -> PassSigner:
    if settings.wallet_certificate:
        if not settings.wallet_key:
            raise ValueError("KASSE_WALLET_CERTIFICATE needs its key in KASSE_WALLET_KEY")
        chain = Path(settings.wallet_chain) if settings.wallet_chain else None
        return PassSigner.from_files(
            Path(settings.wallet_certificate), Path(settings.wallet_key), chain
        )
    return development_signer(
        Path(settings.wallet_dev_folder),
        pass_type_identifier=settings.wallet_pass_type_id,
        team_identifier=settings.wallet_team_id,
    )


def wallet_signer(settings: Settings) -> PassSigner:
    """The configured pass certificate, else the development chain; read once per process.

    Blocking (file reads, key generation on first use): call it in a worker thread.
    """
    key = (
        settings.wallet_certificate,
        settings.wallet_key,
        settings.wallet_chain,
        settings.wallet_dev_folder,
        settings.wallet_pass_type_id,
        settings.wallet_team_id,
    )
    with _signers_lock:
        signer = _signers.get(key)
        if signer is None:
            signer = _signers[key] = _load_signer(settings)
        return signer
